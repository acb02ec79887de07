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
  /** Each deployment takes this long (a build), so that a streamed answer has heartbeats to send. */
  let buildMs = 0;
  const runner: MonitorRunner = {
    evaluate: async ({ onStart, onOutcome, ...options }) => {
      asked.push(options);
      if (options.ids?.includes('broken')) throw new Error('the catalog is missing');
      const ids = options.ids ?? ['a', 'b'];
      onStart?.(ids.length);
      const outcomes = [];
      for (const id of ids) {
        await new Promise((resolve) => setTimeout(resolve, buildMs));
        const outcome = { id, status: options.dryRun ? 'would-rebuild' : 'rebuilt', tier: 'high', reasons: [], notices: [], planDigest: 'sha256:p' };
        outcomes.push(outcome);
        onOutcome?.(outcome);
      }
      return outcomes;
    },
  };
  beforeAll(async () => {
    store = await openSqliteControlPlane(':memory:');
    admin = (await createToken(store, { principal: 'user/admin', role: 'central-admin', at: new Date() })).token;
    auditor = (await createToken(store, { principal: 'user/dave', role: 'auditor', at: new Date() })).token;
    server = await startServer({ store, port: 0, monitor: runner, monitorHeartbeatMs: 20 });
  });
  afterAll(async () => {
    await server.close();
    await store.close();
  });
  const post = (token: string, body: unknown, accept = 'application/json') => fetch(`${server.url}/v1/monitor/evaluations`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept }, body: JSON.stringify(body) });
  const lines = async (r: Response) => (await r.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });

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

  it('streams JSON lines to a client that accepts them: started, each outcome as it is known, heartbeats while building, done', async () => {
    buildMs = 70;
    try {
      const r = await post(admin, { ids: ['c', 'd'] }, 'application/x-ndjson');
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      const events = await lines(r);
      expect(events[0]).toEqual({ type: 'started', deployments: 2 });
      expect(events.filter((e) => e.type === 'outcome').map((e) => (e.outcome as { id: string }).id)).toEqual(['c', 'd']);
      expect(events.filter((e) => e.type === 'heartbeat').length).toBeGreaterThan(0);
      // The outcome of c comes before d was done: progress, not a report at the end.
      expect(events.findIndex((e) => e.type === 'outcome')).toBeLessThan(events.length - 2);
      expect(events.at(-1)).toEqual({ type: 'done', dryRun: false, outcomes: [expect.objectContaining({ id: 'c' }), expect.objectContaining({ id: 'd' })] });
    } finally {
      buildMs = 0;
    }
    const log = await store.audit.read(0, 100);
    expect(log.filter((r) => r.action === 'tessera:RunMonitor').at(-1)).toMatchObject({ detail: { ids: ['c', 'd'], outcomes: 2 } });
  });

  it('ends a stream whose evaluation fails with an error line, and audits nothing for it', async () => {
    const before = (await store.audit.read(0, 100)).filter((r) => r.action === 'tessera:RunMonitor').length;
    const events = await lines(await post(admin, { ids: ['broken'] }, 'application/x-ndjson'));
    expect(events.at(-1)).toEqual({ type: 'error', detail: 'the catalog is missing' });
    expect((await store.audit.read(0, 100)).filter((r) => r.action === 'tessera:RunMonitor').length).toBe(before);
    // The same failure without streaming is the error mapper's 500 problem.
    expect((await post(admin, { ids: ['broken'] })).status).toBe(500);
  });
});
