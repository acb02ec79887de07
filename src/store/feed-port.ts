/**
 * The threat-feed snapshot port: accepted feeds (CISA KEV, FIRST EPSS, the Debian tracker, OSV)
 * kept whole under their SHA-256, with one current snapshot per source. Two adapters: the file
 * store (feed-snapshots.ts: a data directory's files, for embedded and offline use) and the
 * control plane's (kysely-feed-store.ts: SQLite or PostgreSQL, so every node of a cluster reads
 * the same snapshots and sees each other's imports).
 *
 * Stores never validate and never read the clock: callers parse a feed first and save only one
 * that parsed without errors (app/intel.ts importFeed), and give every time.
 */

export type FeedSource = 'kev' | 'epss' | 'debian-tracker' | 'osv';

export const FEED_SOURCES: readonly FeedSource[] = ['kev', 'epss', 'debian-tracker', 'osv'];

export interface FeedSnapshot {
  readonly source: FeedSource;
  /** SHA-256 of the content, hex: the snapshot's identity. */
  readonly hash: string;
  readonly importedAt: string;
  /** Where it came from: a file path or a URL. */
  readonly origin: string;
  /** The feed's own version: KEV `catalogVersion`, EPSS `model_version score_date`; the tracker and OSV have none (`-`). */
  readonly version: string;
  readonly records: number;
  readonly bytes: number;
  /** HTTP validators, for the next conditional GET. */
  readonly etag?: string;
  readonly lastModified?: string;
}

/** What the caller knows of a feed it saves (the store adds the hash and the size). */
export interface FeedSnapshotMeta {
  readonly importedAt: string;
  readonly origin: string;
  readonly version: string;
  readonly records: number;
  readonly etag?: string;
  readonly lastModified?: string;
}

export interface FeedSnapshotStore {
  /** Every snapshot, oldest first (one that became current again counts from then); of one source when given. */
  list(source?: FeedSource): Promise<FeedSnapshot[]>;
  current(source: FeedSource): Promise<FeedSnapshot | undefined>;
  /**
   * The hash of each source's current snapshot (absent sources left out): one cheap query the
   * adaptation loop polls to notice an import by any process or node.
   */
  currentHashes(): Promise<Partial<Record<FeedSource, string>>>;
  /** A snapshot by (a unique prefix of) its hash; FeedStoreError when the prefix is ambiguous. */
  find(source: FeedSource, hashPrefix: string): Promise<FeedSnapshot | undefined>;
  /** The snapshot before the current one of a source, if any. */
  previous(source: FeedSource): Promise<FeedSnapshot | undefined>;
  /** The snapshot's content; FeedStoreError when it is missing or no longer matches its hash. */
  read(snapshot: FeedSnapshot): Promise<string>;
  /**
   * Saves an already validated feed and makes it current, all or nothing. The same content as the
   * current snapshot adds nothing (`changed: false`); content seen before becomes current again
   * (keeping its first import's metadata) and its content is stored once.
   */
  save(source: FeedSource, text: string, meta: FeedSnapshotMeta): Promise<{ snapshot: FeedSnapshot; changed: boolean }>;
}

/** The snapshot the caller means by a hash prefix, among `snapshots` (shared by the adapters). */
export function matchPrefix(snapshots: readonly FeedSnapshot[], source: FeedSource, hashPrefix: string): FeedSnapshot | undefined {
  const matches = snapshots.filter((s) => s.hash.startsWith(hashPrefix.toLowerCase()));
  if (matches.length > 1) throw new FeedStoreError(`\`${hashPrefix}\` matches ${matches.length} ${source} snapshots; give more of the hash`);
  return matches[0];
}

/** The snapshot before `current` in `snapshots` (oldest first). */
export function before(snapshots: readonly FeedSnapshot[], current: FeedSnapshot | undefined): FeedSnapshot | undefined {
  const at = snapshots.findIndex((s) => s.hash === current?.hash);
  return at > 0 ? snapshots[at - 1] : undefined;
}

/** The store's content is unreadable or inconsistent (an operational failure, not bad input). */
export class FeedStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedStoreError';
  }
}
