/**
 * POST /v1/monitor/evaluations over a real port and a real SQLite store. The runner here records
 * what the route asks of it (the route is what is tested; the runner `tessera serve` wires is
 * `run-once`'s own code, tested with the monitor CLI).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../audit/index.js';
import { openSqliteControlPlane, type ControlPlaneStore } from '../store/index.js';
import { createToken, startServer, type MonitorRunner, type StartedServer } from './index.js';

describe('POST /v1/monitor/evaluations', () => {
  let store: ControlPlaneStore;
  let server: StartedServer;
  let admin: string;
  let auditor: string;
  const asked: { ids?: readonly string[]; dryRun: boolean }[] = [];
  const runner: MonitorRunner = {
    evaluate: async (options) => {
      asked.push(options);
      return (options.ids ?? ['a', 'b']).map((id) => ({ id, status: options.dryRun ? 'would-rebuild' : 'rebuilt', tier: 'high', reasons: [], notices: [], planDigest: 'sha256:p' }));
    },
  };
  beforeAll(async () => {
    store = await openSqliteControlPlane(':memory:');
    admin = (await createToken(store, { principal: 'user/admin', role: 'central-admin', at: new Date() })).token;
    auditor = (await createToken(store, { principal: 'user/dave', role: 'auditor', at: new Date() })).token;
    server = await startServer({ store, port: 0, monitor: runner });
  });
  afterAll(async () => {
    await server.close();
    await store.close();
  });
  const post = (token: string, body: unknown) => fetch(`${server.url}/v1/monitor/evaluations`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('runs a dry run and a real one with the ids given, answering every outcome; only the real one is audited', async () => {
    const dry = await post(admin, { dryRun: true });
    expect(dry.status).toBe(200);
    expect(await dry.json()).toEqual({ dryRun: true, outcomes: [expect.objectContaining({ id: 'a', status: 'would-rebuild', reasons: [] }), expect.objectContaining({ id: 'b' })] });
    const real = await post(admin, { ids: ['b'] });
    expect(await real.json()).toEqual({ dryRun: false, outcomes: [expect.objectContaining({ id: 'b', status: 'rebuilt' })] });
    expect(asked).toEqual([{ dryRun: true }, { ids: ['b'], dryRun: false }]);
    const log = await store.audit.read(0, 100);
    expect(log.filter((r) => r.action === 'tessera:RunMonitor')).toEqual([expect.objectContaining({ actor: 'user/admin', outcome: 'allowed', detail: { ids: ['b'], outcomes: 1 } })]);
    expect(verifyChain(log).ok).toBe(true);
  });

  it('refuses an auditor (403, nothing run) and an unknown field (400)', async () => {
    const before = asked.length;
    const denied = await post(auditor, { dryRun: true });
    expect(denied.status).toBe(403);
    expect((await post(admin, { dryRun: true, everything: true })).status).toBe(400);
    expect(asked.length).toBe(before);
  });
});
