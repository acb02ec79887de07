/**
 * `tessera serve --monitor-interval`: the loop runs inside the server (SQLite: this node leads)
 * and its events are served at GET /v1/events. The data directory has no package catalog, so
 * the evaluation fails — which is an event too, and proves the wiring without a build. `monitor
 * run-once --server` then evaluates on the server, its progress streamed as JSON lines.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { tessera } from '../../test/support/cli.js';
import type { StartedServer } from '../server/index.js';
import { serve } from './commands/serve.js';
import type { CliIO } from './io.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('tessera serve --monitor-interval', () => {
  it('runs the adaptation loop and serves its events to the central admin', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-monitor-serve-'));
    dirs.push(dir);
    let out = '';
    let err = '';
    const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), readFile: async () => { throw new Error('none'); }, env: {}, isTTY: false, now: () => new Date('2026-11-23T10:00:00Z') };
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    let started!: (s: StartedServer) => void;
    const listening = new Promise<StartedServer>((r) => (started = r));
    const running = serve({ host: '127.0.0.1', port: 0, dataDir: dir, databaseSchema: 'tessera', json: true, monitorInterval: 1 }, io, {
      stop: stopped,
      onListening: started,
      seed: async (store) => {
        const example = (f: string) => readFile(join(import.meta.dirname, '..', '..', 'examples', 'internal-reporting', f), 'utf8').then((t) => parseYaml(t) as unknown);
        await store.deployments.putDeployment({ id: 'billing', app: await example('app.yaml'), environment: await example('env.yaml'), imageDigest: null, planDigest: null, riskTier: null, updatedAt: '2026-11-23T10:00:00Z' });
      },
    });
    const s = await listening;
    try {
      const { bootstrapToken } = JSON.parse(out) as { bootstrapToken: string };
      const headers = { authorization: `Bearer ${bootstrapToken}` };
      let body: { items: { seq: number; type: string; deploymentId: string }[]; head: number } = { items: [], head: 0 };
      for (let i = 0; i < 100 && body.items.length === 0; i++) {
        const r = await fetch(`${s.url}/v1/events?after=0`, { headers });
        expect(r.status).toBe(200);
        body = (await r.json()) as typeof body;
        if (body.items.length === 0) await new Promise((r2) => setTimeout(r2, 50));
      }
      expect(body.items).toEqual([expect.objectContaining({ seq: 1, type: 'deployment.rebuild-failed', deploymentId: 'billing', detail: { message: expect.stringContaining('no package index imported yet') } })]);
      expect(err).toContain('billing: failed: no package index imported yet');
      expect((await fetch(`${s.url}/v1/events?after=${body.head}`, { headers })).status).toBe(200);
      expect((await fetch(`${s.url}/v1/events`)).status).toBe(401);

      // run-once against the server: its progress streams to stderr, the outcomes go to stdout.
      const once = await tessera(['--server', s.url, '--token', bootstrapToken, 'monitor', 'run-once', '--dry-run'], { env: {} });
      expect(once.err).toContain(`evaluating 1 deployment(s) on ${s.url} (dry run)`);
      expect(once.err).toMatch(/\[1\/1\] billing: failed: no package index imported yet/);
      expect(once.out).toMatch(/^billing: failed: no package index imported yet/);
      expect(once.code).toBe(1);
    } finally {
      stop();
      await running;
    }
  });
});
