/**
 * The serve loop acts on an intel import at once. Feeds live in the control-plane store, so:
 * - on one data directory (SQLite), `tessera intel import` in another process commits to the
 *   store and rings the feed directory's doorbell, which the loop watches (the schedule and the
 *   poll are an hour away, so only the watch could have run the re-evaluation);
 * - on PostgreSQL, node A's import is seen by node B's loop (the leader) through the store it
 *   polls: two store instances on one database, as two nodes have.
 * The data directory has no package catalog, so each evaluation ends in a
 * `deployment.rebuild-failed` event, which proves the wiring without a build.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { tessera } from '../../test/support/cli.js';
import { pgTestUrl, withTestSchema } from '../../test/support/postgres.js';
import { importFeed } from '../app/index.js';
import { openPostgresControlPlane, openSqliteControlPlane, type ControlPlaneStore, type StoredEvent } from '../store/index.js';
import { startMonitor } from './commands/monitor.js';
import type { CliIO } from './io.js';
import { storeFile } from './store.js';

const kevFile = join(import.meta.dirname, '..', '..', 'testdata', 'intel', 'kev-sample.json');
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Polls the store (not the loop) until `count` events are there; the deadline only bounds a failure. */
async function eventsWhen(store: ControlPlaneStore, count: number): Promise<StoredEvent[]> {
  for (let i = 0; i < 400; i++) {
    const events = await store.events.list(0, 100);
    if (events.length >= count) return events;
    await new Promise((r) => setTimeout(r, 25));
  }
  return store.events.list(0, 100);
}

const example = (f: string) => readFile(join(import.meta.dirname, '..', '..', 'examples', 'internal-reporting', f), 'utf8').then((t) => parseYaml(t) as unknown);
const billing = async () => ({ id: 'billing', app: await example('app.yaml'), environment: await example('env.yaml'), imageDigest: null, planDigest: null, riskTier: null, updatedAt: '2026-11-23T10:00:00Z' });

function quietIo(): { io: CliIO; err: () => string } {
  let err = '';
  return { io: { stdout: () => {}, stderr: (t) => void (err += t), readFile: async () => { throw new Error('none'); }, env: {}, isTTY: false, now: () => new Date('2026-11-23T10:00:00Z') }, err: () => err };
}

describe('tessera serve loop: an intel import triggers the evaluation', () => {
  it('re-evaluates right after `tessera intel import kev` on the same data directory, with the schedule and the poll an hour away, and keeps the events', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-intel-trigger-'));
    dirs.push(dir);
    const { io, err } = quietIo();
    const file = storeFile(dir);
    let store = await openSqliteControlPlane(file);
    await store.deployments.putDeployment(await billing());
    const monitor = await startMonitor(io, store, { dataDir: dir, intervalSeconds: 3600, pollSeconds: 3600, databaseSchema: 'tessera', toolVersion: 'test' });
    try {
      const first = await eventsWhen(store, 1);
      expect(first.map((e) => [e.seq, e.type, e.deploymentId])).toEqual([[1, 'deployment.rebuild-failed', 'billing']]);

      const imported = await tessera(['--data-dir', dir, 'intel', 'import', 'kev', kevFile, '--json']);
      expect(imported.code, imported.err).toBe(0);
      expect(JSON.parse(imported.out)).toMatchObject({ changed: true, snapshot: { source: 'kev', version: 'sample-2025.08.25' } });
      // The import is in the store the loop reads, not in loose files.
      expect((await store.feeds.current('kev'))?.version).toBe('sample-2025.08.25');
      const after = await eventsWhen(store, 2);
      // Only the watch could have run it: the schedule and the poll are an hour away.
      expect(after.map((e) => [e.seq, e.type, e.deploymentId])).toEqual([[1, 'deployment.rebuild-failed', 'billing'], [2, 'deployment.rebuild-failed', 'billing']]);
      // The bus carried the stored events, with the store's seqs (the webhook and long polls listen there).
      expect(monitor.events.after(0).map((e) => e.seq)).toEqual([1, 2]);
    } finally {
      await monitor.stop();
      await store.close();
    }
    expect(err()).toContain('billing: failed: no package index imported yet');
    // A restart keeps the events.
    store = await openSqliteControlPlane(file);
    try {
      expect((await store.events.list(0, 10)).map((e) => e.seq)).toEqual([1, 2]);
      expect(await store.events.head()).toBe(2);
    } finally {
      await store.close();
    }
  });

  const url = pgTestUrl();
  describe.skipIf(url === undefined)('on PostgreSQL', () => {
    const pg = withTestSchema(url ?? '', 'tessera_intel_trigger');

    it('node B (the loop leader) re-evaluates when node A imports a KEV feed into the shared store', async () => {
      const [dirA, dirB] = [await mkdtemp(join(tmpdir(), 'tessera-node-a-')), await mkdtemp(join(tmpdir(), 'tessera-node-b-'))];
      dirs.push(dirA, dirB);
      const nodeA = await openPostgresControlPlane(pg.url, { schema: pg.schema });
      const nodeB = await openPostgresControlPlane(pg.url, { schema: pg.schema });
      const { io, err } = quietIo();
      await nodeA.deployments.putDeployment(await billing());
      // Node B leads (the advisory lock) and polls the store; its schedule is an hour away.
      const monitor = await startMonitor(io, nodeB, { dataDir: dirB, intervalSeconds: 3600, pollSeconds: 0.1, databaseUrl: pg.url, databaseSchema: pg.schema, toolVersion: 'test' });
      try {
        expect((await eventsWhen(nodeB, 1)).map((e) => e.type)).toEqual(['deployment.rebuild-failed']);
        // Nothing new: a while of polls adds no evaluation.
        await new Promise((r) => setTimeout(r, 400));
        expect(await nodeB.events.head()).toBe(1);

        const imported = await importFeed(nodeA.feeds, 'kev', await readFile(kevFile, 'utf8'), kevFile, new Date('2026-11-23T10:05:00Z'));
        expect(imported).toMatchObject({ ok: true, changed: true });
        const after = await eventsWhen(nodeB, 2);
        expect(after.map((e) => [e.seq, e.type, e.deploymentId])).toEqual([[1, 'deployment.rebuild-failed', 'billing'], [2, 'deployment.rebuild-failed', 'billing']]);
        // Node B reads node A's snapshot byte for byte.
        expect((await nodeB.feeds.current('kev'))?.hash).toBe(imported.ok ? imported.snapshot.hash : '');
      } finally {
        await monitor.stop();
        await nodeA.close();
        await nodeB.close();
      }
      expect(err()).toContain('leading the adaptation loop');
    });
  });
});
