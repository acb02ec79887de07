/** `tessera serve` (src/cli/commands/serve.ts): bootstrap token once, a seed hook, clean stop. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serve, type ServeOptions } from '../cli/commands/serve.js';
import type { CliIO } from '../cli/io.js';
import { tessera } from '../../test/support/cli.js';
import type { StartedServer } from './server.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function io(): CliIO & { out: string } {
  const o = {
    out: '',
    stdout: (t: string) => void (o.out += t),
    stderr: () => undefined,
    readFile: async () => '',
    env: {},
    isTTY: false,
    now: () => new Date('2026-11-23T10:00:00Z'),
  };
  return o;
}

/** Starts `serve`, runs `work` against it, then stops it and waits for the clean close. */
async function withServe(dataDir: string, json: boolean, work: (s: StartedServer, out: CliIO & { out: string }) => Promise<void>, seed?: Parameters<typeof serve>[2]['seed'], options: Partial<ServeOptions> = {}) {
  const out = io();
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  let started!: (s: StartedServer) => void;
  const listening = new Promise<StartedServer>((r) => (started = r));
  const running = serve({ host: '127.0.0.1', port: 0, dataDir, databaseSchema: 'tessera', json, ...options }, out, { stop: stopped, onListening: started, seed });
  const s = await Promise.race([listening, running.then(() => { throw new Error('serve ended early'); })]);
  try {
    await work(s, out);
  } finally {
    stop();
    await running;
  }
}

describe('tessera serve', () => {
  it('prints a bootstrap central-admin token once, runs the seed hook, and stops cleanly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-serve-'));
    dirs.push(dir);
    let seeded = 0;
    await withServe(dir, true, async (s, out) => {
      const printed = JSON.parse(out.out) as { url: string; bootstrapToken: string };
      expect(printed.url).toBe(s.url);
      expect(printed.bootstrapToken).toMatch(/^tk_/);
      const r = await fetch(`${s.url}/v1/tokens`, { headers: { authorization: `Bearer ${printed.bootstrapToken}` } });
      expect(r.status).toBe(200);
      expect(((await r.json()) as { items: { principal: string; role: string }[] }).items).toEqual([expect.objectContaining({ principal: 'user/admin', role: 'central-admin' })]);
    }, async () => void seeded++);
    expect(seeded).toBe(1);
    // Second start on the same data directory: the token exists, nothing is printed but the URL.
    await withServe(dir, false, async (s, out) => {
      expect(out.out).toContain(`listening on ${s.url}`);
      expect(out.out).not.toContain('tk_');
      expect((await fetch(`${s.url}/readyz`)).status).toBe(200);
    });
  });

  it('refuses a port in use with a usage error and closes the store', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-serve-'));
    dirs.push(dir);
    await withServe(dir, true, async (s) => {
      const port = Number(new URL(s.url).port);
      const run = serve({ host: '127.0.0.1', port, dataDir: dir, databaseSchema: 'tessera', json: true }, io(), { stop: new Promise(() => undefined) });
      await expect(run).rejects.toMatchObject({ name: 'UsageError', message: expect.stringContaining(`cannot listen on 127.0.0.1:${port}`) });
    });
  });

  it('audits denied /v1/authorize decisions by default', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-serve-'));
    dirs.push(dir);
    await withServe(dir, true, async (s, out) => {
      const token = (JSON.parse(out.out) as { bootstrapToken: string }).bootstrapToken;
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const policies = { identity: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' }] }] };
      const decide = (resource: string) => fetch(`${s.url}/v1/authorize`, { method: 'POST', headers, body: JSON.stringify({ request: { principal: 'arn:aws:iam::111122223333:user/alice', action: 's3:GetObject', resource }, policies }) });
      expect(((await (await decide('arn:aws:s3:::reports/q3.csv')).json()) as { decision: string }).decision).toBe('Allow');
      expect(((await (await decide('arn:aws:s3:::payroll/q3.csv')).json()) as { decision: string }).decision).toBe('ImplicitDeny');
      const audit = (await (await fetch(`${s.url}/v1/audit?limit=100`, { headers })).json()) as { items: { action: string; outcome: string }[] };
      const decisions = audit.items.filter((a) => a.action === 'tessera:Authorize');
      expect(decisions.map((a) => a.outcome)).toEqual(['denied']);
    });
  });

  it('prunes events older than the retention at start; a reader from the beginning is told it missed them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-serve-'));
    dirs.push(dir);
    // The clock is 2026-11-23: 60 days back is past a 30-day retention, 3 days back is not.
    const seed: Parameters<typeof serve>[2]['seed'] = async (store) => {
      for (const at of ['2026-09-24T10:00:00.000Z', '2026-09-25T10:00:00.000Z', '2026-11-20T10:00:00.000Z']) await store.events.append({ type: 'deployment.rebuilt', at, deploymentId: 'web', detail: null });
    };
    await withServe(dir, true, async (s, out) => {
      const token = (JSON.parse(out.out) as { bootstrapToken: string }).bootstrapToken;
      const page = (await (await fetch(`${s.url}/v1/events?after=0`, { headers: { authorization: `Bearer ${token}` } })).json()) as { items: { seq: number }[]; head: number; pruned?: boolean; oldestSeq?: number };
      expect(page.items.map((e) => e.seq)).toEqual([3]);
      expect(page).toMatchObject({ head: 3, pruned: true, oldestSeq: 3 });
    }, seed, { eventRetentionDays: 30 });
    // 0 keeps events forever: the same seed on a fresh store keeps all three.
    const keep = await mkdtemp(join(tmpdir(), 'tessera-serve-'));
    dirs.push(keep);
    await withServe(keep, true, async (s, out) => {
      const token = (JSON.parse(out.out) as { bootstrapToken: string }).bootstrapToken;
      const page = (await (await fetch(`${s.url}/v1/events?after=0`, { headers: { authorization: `Bearer ${token}` } })).json()) as { items: { seq: number }[]; pruned?: boolean };
      expect(page.items.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(page.pruned).toBeUndefined();
    }, seed, { eventRetentionDays: 0 });
  });

  it('refuses an --event-retention that is not a whole number of days, and documents it', async () => {
    for (const bad of ['-1', '1.5', 'week']) {
      const r = await tessera(['serve', '--event-retention', bad]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`--event-retention \`${bad}\``);
    }
    expect((await tessera(['serve', '--help'])).out).toContain('--event-retention <days>');
  });
});
