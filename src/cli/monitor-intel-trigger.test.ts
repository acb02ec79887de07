/**
 * The serve loop acts on an intel import at once: with the schedule and the poll an hour away, a
 * KEV import into the data directory (as `tessera intel import` does) pokes the loop through the
 * feed-index watch, and the re-evaluation's event is stored. Events are in the store: they outlive
 * the process. The data directory has no package catalog, so each evaluation ends in a
 * `deployment.rebuild-failed` event, which proves the wiring without a build.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { sharedData } from '../../test/support/shared-data.js';
import { importFeed } from '../app/index.js';
import { openSqliteControlPlane, type ControlPlaneStore, type StoredEvent } from '../store/index.js';
import { feedStore } from './commands/intel.js';
import { startMonitor } from './commands/monitor.js';
import type { CliIO } from './io.js';

const kevFile = sharedData(join('intel', 'kev-known_exploited_vulnerabilities.json'));
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

describe.skipIf(kevFile === undefined)('tessera serve loop: an intel import triggers the evaluation', () => {
  it('re-evaluates right after a KEV import, with the schedule and the poll an hour away, and keeps the events', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-intel-trigger-'));
    dirs.push(dir);
    let err = '';
    const io: CliIO = { stdout: () => {}, stderr: (t) => void (err += t), readFile: async () => { throw new Error('none'); }, env: {}, isTTY: false, now: () => new Date('2026-11-23T10:00:00Z') };
    const file = join(dir, 'control-plane.db');
    let store = await openSqliteControlPlane(file);
    const example = (f: string) => readFile(join(import.meta.dirname, '..', '..', 'examples', 'internal-reporting', f), 'utf8').then((t) => parseYaml(t) as unknown);
    await store.deployments.putDeployment({ id: 'billing', app: await example('app.yaml'), environment: await example('env.yaml'), imageDigest: null, planDigest: null, riskTier: null, updatedAt: '2026-11-23T10:00:00Z' });
    const monitor = await startMonitor(io, store, { dataDir: dir, intervalSeconds: 3600, pollSeconds: 3600, databaseSchema: 'tessera', toolVersion: 'test' });
    try {
      const first = await eventsWhen(store, 1);
      expect(first.map((e) => [e.seq, e.type, e.deploymentId])).toEqual([[1, 'deployment.rebuild-failed', 'billing']]);

      const imported = await importFeed(feedStore(dir), 'kev', await readFile(kevFile ?? '', 'utf8'), kevFile ?? '', new Date('2026-11-23T10:05:00Z'));
      expect(imported.ok).toBe(true);
      const after = await eventsWhen(store, 2);
      // Only the watch could have run it: the schedule and the poll are an hour away.
      expect(after.map((e) => [e.seq, e.type, e.deploymentId])).toEqual([[1, 'deployment.rebuild-failed', 'billing'], [2, 'deployment.rebuild-failed', 'billing']]);
      // The bus carried the stored events, with the store's seqs (the webhook and long polls listen there).
      expect(monitor.events.after(0).map((e) => e.seq)).toEqual([1, 2]);
    } finally {
      await monitor.stop();
      await store.close();
    }
    expect(err).toContain('billing: failed: no package index imported yet');
    // A restart keeps the events.
    store = await openSqliteControlPlane(file);
    try {
      expect((await store.events.list(0, 10)).map((e) => e.seq)).toEqual([1, 2]);
      expect(await store.events.head()).toBe(2);
    } finally {
      await store.close();
    }
  });
});
