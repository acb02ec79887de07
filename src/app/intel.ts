/**
 * Use cases over threat feeds: import a feed (parse it whole, keep it only if it has no
 * errors), load the current intel for the risk engine, and diff two snapshots.
 */
import { diffEpss, diffKev, diffOsv, diffTracker, parseDebianTracker, parseEpss, parseKev, parseOsv, type EpssDiff, type IntelDiagnostic, type KevDiff, type PackageDiff, type Parsed } from '../intel/index.js';
import type { Intel, PackageFeeds } from '../risk/index.js';
import { FeedStoreError, type FeedSnapshot, type FeedSource, type FileFeedStore } from '../store/index.js';

export type ImportResult =
  | { readonly ok: true; readonly snapshot: FeedSnapshot; readonly changed: boolean; readonly diagnostics: readonly IntelDiagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly IntelDiagnostic[] };

function validateFeed(source: FeedSource, text: string): { ok: true; version: string; records: number; diagnostics: readonly IntelDiagnostic[] } | { ok: false; diagnostics: readonly IntelDiagnostic[] } {
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

/** Validates `text` as a `source` feed; only a feed without errors becomes the current snapshot. */
export async function importFeed(store: FileFeedStore, source: FeedSource, text: string, origin: string, now: Date, http: { etag?: string; lastModified?: string } = {}): Promise<ImportResult> {
  const parsed = validateFeed(source, text);
  if (!parsed.ok) return parsed;
  const { snapshot, changed } = await store.save(source, text, { importedAt: now.toISOString(), origin, version: parsed.version, records: parsed.records, ...http });
  return { ok: true, snapshot, changed, diagnostics: parsed.diagnostics };
}

/** The current snapshot of a feed, parsed; undefined when there is none. */
async function currentParsed<T>(store: FileFeedStore, source: FeedSource, parse: (text: string) => Parsed<T>): Promise<T | undefined> {
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
export async function loadIntel(store: FileFeedStore, skip: readonly FeedSource[] = []): Promise<Intel & PackageFeeds> {
  const load = <T>(source: FeedSource, parse: (text: string) => Parsed<T>) => (skip.includes(source) ? undefined : currentParsed(store, source, parse));
  const [kev, epss, tracker, osv] = [await load('kev', parseKev), await load('epss', parseEpss), await load('debian-tracker', parseDebianTracker), await load('osv', parseOsv)];
  return { ...(kev ? { kev } : {}), ...(epss ? { epss } : {}), ...(tracker ? { tracker } : {}), ...(osv ? { osv } : {}) };
}

export async function diffSnapshots(store: FileFeedStore, source: 'kev', from: FeedSnapshot, to: FeedSnapshot): Promise<KevDiff>;
export async function diffSnapshots(store: FileFeedStore, source: 'epss', from: FeedSnapshot, to: FeedSnapshot, threshold?: number): Promise<EpssDiff>;
export async function diffSnapshots(store: FileFeedStore, source: 'debian-tracker' | 'osv', from: FeedSnapshot, to: FeedSnapshot, release?: string): Promise<PackageDiff>;
export async function diffSnapshots(store: FileFeedStore, source: FeedSource, from: FeedSnapshot, to: FeedSnapshot, option?: number | string): Promise<KevDiff | EpssDiff | PackageDiff> {
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
