/**
 * The feed-snapshot contract (FeedSnapshotStore in the control plane, 008-feed-snapshots), passed
 * by the SQLite and PostgreSQL control planes. `open` must give an empty store; `openTwin` a second
 * handle on the same database, standing in for a second node.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlPlaneClosedError, ControlPlaneStoreFailureError, InvalidStoreArgumentError } from '../control-plane-errors.js';
import type { ControlPlaneStore } from '../control-plane-port.js';
import type { FeedSnapshotMeta, FeedSource } from '../feed-port.js';
import { sha256 } from '../feed-snapshots.js';

export interface FeedStoreHarness {
  open(): Promise<ControlPlaneStore>;
  openTwin?(): Promise<ControlPlaneStore>;
}

const INTEL = join(import.meta.dirname, '..', '..', '..', 'testdata', 'intel');
const kev = readFileSync(join(INTEL, 'kev-sample.json'), 'utf8');
const epss = readFileSync(join(INTEL, 'epss_scores-2025-08-25.csv'), 'utf8');
/** A second KEV catalog: the sample with one more version, different bytes. */
const kev2 = kev.replace(/"catalogVersion":\s*"[^"]*"/, '"catalogVersion": "2099.01.01"');

const meta = (i: number, over: Partial<FeedSnapshotMeta> = {}): FeedSnapshotMeta => ({
  importedAt: `2026-11-23T10:00:${String(i).padStart(2, '0')}Z`,
  origin: `https://feeds.example/${i}`,
  version: `v${i}`,
  records: 5,
  ...over,
});

const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

export function describeFeedStoreContract(name: string, harness: FeedStoreHarness): void {
  describe(`${name}: feed snapshot contract`, () => {
    let store: ControlPlaneStore;
    beforeEach(async () => {
      store = await harness.open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('is empty at first', async () => {
      expect(await store.feeds.list()).toEqual([]);
      expect(await store.feeds.current('kev')).toBeUndefined();
      expect(await store.feeds.currentHashes()).toEqual({});
      expect(await store.feeds.previous('kev')).toBeUndefined();
    });

    it('saves a feed whole, makes it current and reads it back byte for byte', async () => {
      const r = await store.feeds.save('kev', kev, meta(1, { etag: '"abc"', lastModified: 'Mon, 24 Nov 2026 10:00:00 GMT' }));
      expect(r.changed).toBe(true);
      expect(r.snapshot).toEqual({ source: 'kev', hash: sha256(kev), ...meta(1), etag: '"abc"', lastModified: 'Mon, 24 Nov 2026 10:00:00 GMT', bytes: Buffer.byteLength(kev) });
      expect(await store.feeds.current('kev')).toEqual(r.snapshot);
      expect(await store.feeds.read(r.snapshot)).toBe(kev);
      expect(await store.feeds.currentHashes()).toEqual({ kev: sha256(kev) });
      expect(await store.feeds.current('epss')).toBeUndefined();
    });

    it('dedups identical content: the same feed again changes nothing', async () => {
      const first = await store.feeds.save('kev', kev, meta(1));
      const again = await store.feeds.save('kev', kev, meta(2));
      expect(again).toEqual({ snapshot: first.snapshot, changed: false });
      expect(await store.feeds.list()).toEqual([first.snapshot]);
    });

    it('switches current per source, keeps history oldest first, and makes old content current again at the end', async () => {
      const a = await store.feeds.save('kev', kev, meta(1));
      const e = await store.feeds.save('epss', epss, meta(2));
      const b = await store.feeds.save('kev', kev2, meta(3));
      expect((await store.feeds.current('kev'))?.hash).toBe(sha256(kev2));
      expect((await store.feeds.previous('kev'))?.hash).toBe(a.snapshot.hash);
      expect(await store.feeds.currentHashes()).toEqual({ kev: b.snapshot.hash, epss: e.snapshot.hash });
      expect((await store.feeds.list('kev')).map((s) => s.version)).toEqual(['v1', 'v3']);
      // The first catalog again: current, its first metadata kept, listed last.
      const back = await store.feeds.save('kev', kev, meta(4));
      expect(back).toEqual({ snapshot: a.snapshot, changed: true });
      expect((await store.feeds.list('kev')).map((s) => s.version)).toEqual(['v3', 'v1']);
      expect((await store.feeds.previous('kev'))?.hash).toBe(b.snapshot.hash);
      expect((await store.feeds.list()).map((s) => s.version)).toEqual(['v2', 'v3', 'v1']);
    });

    it('finds a snapshot by a unique hash prefix and refuses an ambiguous one', async () => {
      const a = await store.feeds.save('kev', kev, meta(1));
      await store.feeds.save('kev', kev2, meta(2));
      expect(await store.feeds.find('kev', a.snapshot.hash.slice(0, 12).toUpperCase())).toEqual(a.snapshot);
      expect(await store.feeds.find('epss', a.snapshot.hash.slice(0, 12))).toBeUndefined();
      expect(await failure(store.feeds.find('kev', ''))).toMatchObject({ name: 'FeedStoreError' });
    });

    it('a failed save changes nothing: not the current snapshot, not the list, not the content', async () => {
      const a = await store.feeds.save('kev', kev, meta(1));
      // A negative record count violates the snapshot row's check after the content row was written.
      expect(await failure(store.feeds.save('kev', kev2, meta(2, { records: -1 })))).toBeInstanceOf(ControlPlaneStoreFailureError);
      expect(await failure(store.feeds.save('nope' as FeedSource, kev2, meta(2)))).toBeInstanceOf(InvalidStoreArgumentError);
      // A unit of work that fails after the save takes the save back with it.
      const thrown = await failure(store.transaction(async (tx) => {
        await tx.feeds.save('kev', kev2, meta(3));
        throw new Error('the audit append failed');
      }));
      expect((thrown as Error).message).toBe('the audit append failed');
      expect(await store.feeds.current('kev')).toEqual(a.snapshot);
      expect(await store.feeds.list()).toEqual([a.snapshot]);
      expect(await store.feeds.currentHashes()).toEqual({ kev: a.snapshot.hash });
      // The content of the failed saves was not kept either.
      expect(await failure(store.feeds.read({ ...a.snapshot, hash: sha256(kev2) }))).toMatchObject({ name: 'FeedStoreError', message: expect.stringContaining('missing its content') });
    });

    it('commits a save inside a unit of work with the rest of it', async () => {
      const r = await store.transaction((tx) => tx.feeds.save('epss', epss, meta(1)));
      expect(await store.feeds.current('epss')).toEqual(r.snapshot);
    });

    it('shows every node the same snapshots: an import on one handle is current on the other', async () => {
      const twin = harness.openTwin === undefined ? undefined : await harness.openTwin();
      try {
        const other = twin ?? store;
        expect(await other.feeds.currentHashes()).toEqual({});
        const r = await store.feeds.save('kev', kev, meta(1));
        expect(await other.feeds.currentHashes()).toEqual({ kev: r.snapshot.hash });
        expect(await other.feeds.read(r.snapshot)).toBe(kev);
        // The twin re-importing the same content is a no-op; its new catalog becomes everyone's current.
        expect((await other.feeds.save('kev', kev, meta(2))).changed).toBe(false);
        await other.feeds.save('kev', kev2, meta(3));
        expect((await store.feeds.current('kev'))?.version).toBe('v3');
        // Concurrent saves of different content from both handles: all kept, one current.
        const texts = Array.from({ length: 6 }, (_, i) => kev.replace(/"catalogVersion":\s*"[^"]*"/, `"catalogVersion": "c${i}"`));
        await Promise.all(texts.map((t, i) => (i % 2 === 0 ? store : other).feeds.save('kev', t, meta(10 + i))));
        const all = await store.feeds.list('kev');
        expect(all).toHaveLength(8);
        expect(await other.feeds.list('kev')).toEqual(all);
        expect((await store.feeds.current('kev'))?.hash).toBe(all.at(-1)?.hash);
      } finally {
        await twin?.close();
      }
    });

    it('fails with ControlPlaneClosedError once closed', async () => {
      await store.close();
      expect(await failure(store.feeds.currentHashes())).toBeInstanceOf(ControlPlaneClosedError);
    });
  });
}
