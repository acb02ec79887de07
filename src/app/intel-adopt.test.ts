/**
 * feedsAsAdopted: the read-only view a dry run reads intel through. It must show exactly what the
 * store would hold after adoptFeedSnapshots, and write nothing to either side.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FEED_SOURCES, FileFeedStore, openSqliteControlPlane, type ControlPlaneStore, type FeedSnapshotStore } from '../store/index.js';
import { adoptFeedSnapshots, feedsAsAdopted, importFeed, loadIntel } from './intel.js';

const ROOT = join(import.meta.dirname, '..', '..');
const EPSS = join(ROOT, 'testdata', 'intel', 'epss_scores-2025-08-25.csv');
const KEV = join(ROOT, 'testdata', 'intel', 'kev-sample.json');

let dir: string;
let files: FileFeedStore;
let store: ControlPlaneStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-adopt-'));
  files = new FileFeedStore(join(dir, 'intel'));
  store = await openSqliteControlPlane(join(dir, 'tessera.db'));
  const epss = await readFile(EPSS, 'utf8');
  // The old files: two EPSS snapshots and one KEV. The store already has a KEV of its own.
  await importFeed(files, 'epss', epss, 'old.csv', new Date('2026-11-20T10:00:00Z'));
  await importFeed(files, 'epss', epss.replace('0.00862', '0.60000'), 'newer.csv', new Date('2026-11-21T10:00:00Z'));
  await importFeed(files, 'kev', await readFile(KEV, 'utf8'), 'files-kev.json', new Date('2026-11-21T11:00:00Z'));
  await importFeed(store.feeds, 'kev', await readFile(KEV, 'utf8'), 'store-kev.json', new Date('2026-11-22T10:00:00Z'));
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** Everything a reader can see of a feed store, for comparing two of them. */
async function contents(feeds: FeedSnapshotStore): Promise<unknown> {
  const perSource = await Promise.all(FEED_SOURCES.map(async (source) => {
    const current = await feeds.current(source);
    return { source, list: await feeds.list(source), current, previous: await feeds.previous(source), text: current === undefined ? null : await feeds.read(current) };
  }));
  return { all: await feeds.list(), hashes: await feeds.currentHashes(), perSource };
}

describe('feedsAsAdopted', () => {
  it('reads as the store will after adopting the files, and writes nothing', async () => {
    const view = feedsAsAdopted(files, store.feeds);
    const seen = await contents(view);
    const filesBefore = await readdir(join(dir, 'intel'));
    // The view's answers: EPSS from the files (the store has none), KEV from the store.
    expect((await view.current('epss'))?.origin).toBe('newer.csv');
    expect((await view.previous('epss'))?.origin).toBe('old.csv');
    expect((await view.current('kev'))?.origin).toBe('store-kev.json');
    expect((await view.find('epss', (await view.current('epss'))!.hash.slice(0, 10)))?.origin).toBe('newer.csv');
    expect((await view.list()).map((s) => s.origin)).toEqual(['store-kev.json', 'old.csv', 'newer.csv']);
    const intel = await loadIntel(view);
    expect(intel.epss?.scores.get('CVE-2025-48384')?.epss).toBe(0.6);
    await expect(view.save('osv', '[]', { importedAt: '2026-11-23T00:00:00Z', origin: 'x', version: '-', records: 0 })).rejects.toThrow(/read-only/);

    // Nothing was written: the store still has only its KEV, the files are as they were.
    expect((await store.feeds.list()).map((s) => s.origin)).toEqual(['store-kev.json']);
    expect(await readdir(join(dir, 'intel'))).toEqual(filesBefore);
    expect(await files.exists()).toBe(true);

    // The oracle: adopting for real, then reading the store, gives what the view showed.
    await adoptFeedSnapshots(files, store.feeds);
    expect(await contents(store.feeds)).toEqual(seen);
  });
});
