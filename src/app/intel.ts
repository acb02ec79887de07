/**
 * Use cases over threat feeds: import a feed (parse it whole, keep it only if it has no
 * errors), load the current intel for the risk engine, and diff two snapshots.
 */
import { diffEpss, diffKev, diffOsv, diffTracker, parseDebianTracker, parseEpss, parseKev, parseOsv, type EpssDiff, type IntelDiagnostic, type KevDiff, type PackageDiff, type Parsed } from '../intel/index.js';
import type { Intel, PackageFeeds } from '../risk/index.js';
import { FEED_SOURCES, FeedStoreError, type FeedSnapshot, type FeedSnapshotStore, type FeedSource } from '../store/index.js';

export type ImportResult =
  | { readonly ok: true; readonly snapshot: FeedSnapshot; readonly changed: boolean; readonly diagnostics: readonly IntelDiagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly IntelDiagnostic[] };

function validateFeed(source: FeedSource, text: string): { ok: true; version: string; records: number; diagnostics: readonly IntelDiagnostic[] } | { ok: false; diagnostics: readonly IntelDiagnostic[] } {
  // No published feed holds a NUL character (JSON escapes it, CSV has none), and PostgreSQL's text
  // columns cannot store one: refuse it here with a diagnostic rather than fail at the save.
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    const line = text.slice(0, nul).split('\n').length;
    return { ok: false, diagnostics: [{ code: 'intel/nul-character', severity: 'error', path: `line ${line}`, message: `the ${source} feed holds a NUL character (line ${line})`, help: 'this is not the published feed file: download it again' }] };
  }
  if (source === 'kev') {
    const r = parseKev(text);
    return r.ok ? { ok: true, version: r.value.catalogVersion, records: r.value.entries.length, diagnostics: r.diagnostics } : r;
  }
  if (source === 'epss') {
    const r = parseEpss(text);
    return r.ok ? { ok: true, version: `${r.value.modelVersion} ${r.value.scoreDate}`, records: r.value.scores.size, diagnostics: r.diagnostics } : r;
  }
  if (source === 'debian-tracker') {
    const r = parseDebianTracker(text);
    return r.ok ? { ok: true, version: '-', records: r.value.issues, diagnostics: r.diagnostics } : r;
  }
  const r = parseOsv(text);
  return r.ok ? { ok: true, version: '-', records: r.value.records, diagnostics: r.diagnostics } : r;
}

/** Validates `text` as a `source` feed (what every import runs, CLI or HTTP): diagnostics, and the version and size when it has no errors. */
export const checkFeed = validateFeed;

/** Validates `text` as a `source` feed; only a feed without errors becomes the current snapshot. */
export async function importFeed(store: FeedSnapshotStore, source: FeedSource, text: string, origin: string, now: Date, http: { etag?: string; lastModified?: string } = {}): Promise<ImportResult> {
  const parsed = validateFeed(source, text);
  if (!parsed.ok) return parsed;
  const { snapshot, changed } = await store.save(source, text, { importedAt: now.toISOString(), origin, version: parsed.version, records: parsed.records, ...http });
  return { ok: true, snapshot, changed, diagnostics: parsed.diagnostics };
}

/**
 * Brings the snapshots of one feed store (a data directory's files, from before feeds were kept
 * in the control plane) into another, for the sources it has no snapshot of: oldest first, the
 * current one last, so history, "previous" and the current snapshot come across as they were.
 * Sources the target has already are left alone (its imports are newer). Returns what was moved.
 */
export async function adoptFeedSnapshots(from: FeedSnapshotStore, into: FeedSnapshotStore): Promise<{ source: FeedSource; snapshots: number }[]> {
  const moved: { source: FeedSource; snapshots: number }[] = [];
  for (const source of FEED_SOURCES) {
    const old = await from.list(source);
    if (old.length === 0 || (await into.list(source)).length > 0) continue;
    const current = await from.current(source);
    for (const s of [...old.filter((o) => o.hash !== current?.hash), ...(current !== undefined ? [current] : [])]) {
      const { source: _source, hash: _hash, bytes: _bytes, ...meta } = s;
      await into.save(source, await from.read(s), meta);
    }
    moved.push({ source, snapshots: old.length });
  }
  return moved;
}

/**
 * What `into` would read as after adoptFeedSnapshots(from, into), without writing anything: each
 * source's snapshots come from `into` when it has any, else from `from`. For a dry run, which must
 * see the intel a real run would and change nothing. Saving through the view is refused.
 */
export function feedsAsAdopted(from: FeedSnapshotStore, into: FeedSnapshotStore): FeedSnapshotStore {
  const owner = async (source: FeedSource): Promise<FeedSnapshotStore> => ((await into.list(source)).length > 0 ? into : from);
  return {
    async list(source) {
      if (source !== undefined) return (await owner(source)).list(source);
      // Adoption saves the moved sources after what `into` holds, one source after another.
      const moved = await Promise.all(FEED_SOURCES.map(async (s) => ((await owner(s)) === from ? from.list(s) : [])));
      return [...(await into.list()), ...moved.flat()];
    },
    current: async (source) => (await owner(source)).current(source),
    previous: async (source) => (await owner(source)).previous(source),
    find: async (source, hashPrefix) => (await owner(source)).find(source, hashPrefix),
    read: async (snapshot) => (await owner(snapshot.source)).read(snapshot),
    async currentHashes() {
      const hashes: Partial<Record<FeedSource, string>> = {};
      for (const source of FEED_SOURCES) {
        const current = await (await owner(source)).current(source);
        if (current !== undefined) hashes[source] = current.hash;
      }
      return hashes;
    },
    save: () => Promise.reject(new FeedStoreError('internal: this view of the feeds is read-only (a dry run saves nothing)')),
  };
}

/** The current snapshot of a feed, parsed; undefined when there is none. */
async function currentParsed<T>(store: FeedSnapshotStore, source: FeedSource, parse: (text: string) => Parsed<T>): Promise<T | undefined> {
  const snapshot = await store.current(source);
  if (snapshot === undefined) return undefined;
  const r = parse(await store.read(snapshot));
  // Only feeds that parsed were saved, so this holds unless the parser grew stricter since.
  if (!r.ok) throw new FeedStoreError(`the current ${source} snapshot (${snapshot.hash.slice(0, 12)}) no longer parses: ${r.diagnostics[0]?.message ?? ''}; import the feed again`);
  return r.value;
}

/**
 * The current snapshot of each feed, parsed (absent ones are left out). `skip` names feeds the
 * caller has from elsewhere: a 300,000-row EPSS snapshot is not worth parsing to be replaced.
 */
export async function loadIntel(store: FeedSnapshotStore, skip: readonly FeedSource[] = []): Promise<Intel & PackageFeeds> {
  const load = <T>(source: FeedSource, parse: (text: string) => Parsed<T>) => (skip.includes(source) ? undefined : currentParsed(store, source, parse));
  const [kev, epss, tracker, osv] = [await load('kev', parseKev), await load('epss', parseEpss), await load('debian-tracker', parseDebianTracker), await load('osv', parseOsv)];
  return { ...(kev ? { kev } : {}), ...(epss ? { epss } : {}), ...(tracker ? { tracker } : {}), ...(osv ? { osv } : {}) };
}

export async function diffSnapshots(store: FeedSnapshotStore, source: 'kev', from: FeedSnapshot, to: FeedSnapshot): Promise<KevDiff>;
export async function diffSnapshots(store: FeedSnapshotStore, source: 'epss', from: FeedSnapshot, to: FeedSnapshot, threshold?: number): Promise<EpssDiff>;
export async function diffSnapshots(store: FeedSnapshotStore, source: 'debian-tracker' | 'osv', from: FeedSnapshot, to: FeedSnapshot, release?: string): Promise<PackageDiff>;
export async function diffSnapshots(store: FeedSnapshotStore, source: FeedSource, from: FeedSnapshot, to: FeedSnapshot, option?: number | string): Promise<KevDiff | EpssDiff | PackageDiff> {
  const [a, b] = [await store.read(from), await store.read(to)];
  const stale = () => new Error(`internal: a stored ${source} snapshot no longer parses`);
  switch (source) {
    case 'kev': {
      const [x, y] = [parseKev(a), parseKev(b)];
      if (!x.ok || !y.ok) throw stale();
      return diffKev(x.value, y.value);
    }
    case 'epss': {
      const [x, y] = [parseEpss(a), parseEpss(b)];
      if (!x.ok || !y.ok) throw stale();
      return diffEpss(x.value, y.value, typeof option === 'number' ? option : 0.1);
    }
    case 'debian-tracker': {
      const [x, y] = [parseDebianTracker(a), parseDebianTracker(b)];
      if (!x.ok || !y.ok) throw stale();
      return diffTracker(x.value, y.value, typeof option === 'string' ? option : undefined);
    }
    case 'osv': {
      const [x, y] = [parseOsv(a), parseOsv(b)];
      if (!x.ok || !y.ok) throw stale();
      return diffOsv(x.value, y.value, typeof option === 'string' ? option : undefined);
    }
  }
}
