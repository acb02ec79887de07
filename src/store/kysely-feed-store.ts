/**
 * Threat-feed snapshots in the control plane over Kysely (dialect-neutral; 008-feed-snapshots).
 * A save bumps the one-row `feed_head` first, which takes SQLite's writer lock or that row's lock
 * on PostgreSQL, so savers on any node queue there; the content row, the snapshot row and the
 * current pointer then commit together or not at all.
 */
import type { Selectable } from 'kysely';
import { InvalidStoreArgumentError } from './control-plane-errors.js';
import { toSeq } from './control-plane-db.js';
import type { ControlPlaneDb } from './control-plane-db.js';
import { before, FEED_SOURCES, FeedStoreError, matchPrefix, type FeedSnapshot, type FeedSnapshotMeta, type FeedSnapshotStore, type FeedSource } from './feed-port.js';
import { sha256 } from './feed-snapshots.js';
import type { FeedSnapshotsTable } from './schema.js';

const checked = (source: FeedSource): FeedSource => {
  if (!FEED_SOURCES.includes(source)) throw new InvalidStoreArgumentError(`unknown feed source \`${String(source)}\`: use one of ${FEED_SOURCES.join(', ')}`);
  return source;
};

export class KyselyFeedStore implements FeedSnapshotStore {
  constructor(private readonly cp: ControlPlaneDb) {}

  list(source?: FeedSource): Promise<FeedSnapshot[]> {
    return this.cp.tx('feed list', async (trx) => {
      let q = trx.selectFrom('feed_snapshots').selectAll();
      if (source !== undefined) q = q.where('source', '=', checked(source));
      return (await q.orderBy('seq').orderBy('source').execute()).map(toSnapshot);
    });
  }

  current(source: FeedSource): Promise<FeedSnapshot | undefined> {
    return this.cp.tx('feed current', async (trx) => {
      const row = await trx
        .selectFrom('feed_current')
        .innerJoin('feed_snapshots', (j) => j.onRef('feed_snapshots.source', '=', 'feed_current.source').onRef('feed_snapshots.hash', '=', 'feed_current.hash'))
        .selectAll('feed_snapshots')
        .where('feed_current.source', '=', checked(source))
        .executeTakeFirst();
      return row === undefined ? undefined : toSnapshot(row);
    });
  }

  currentHashes(): Promise<Partial<Record<FeedSource, string>>> {
    return this.cp.tx('feed current hashes', async (trx) => {
      const rows = await trx.selectFrom('feed_current').select(['source', 'hash']).orderBy('source').execute();
      return Object.fromEntries(rows.map((r) => [r.source, r.hash])) as Partial<Record<FeedSource, string>>;
    });
  }

  async find(source: FeedSource, hashPrefix: string): Promise<FeedSnapshot | undefined> {
    return matchPrefix(await this.list(source), source, hashPrefix);
  }

  async previous(source: FeedSource): Promise<FeedSnapshot | undefined> {
    return before(await this.list(source), await this.current(source));
  }

  async read(snapshot: FeedSnapshot): Promise<string> {
    const row = await this.cp.tx('feed read', (trx) => trx.selectFrom('feed_contents').select('content').where('hash', '=', snapshot.hash).executeTakeFirst());
    if (row === undefined) throw new FeedStoreError(`snapshot ${snapshot.hash.slice(0, 12)} of ${snapshot.source} is missing its content`);
    if (sha256(row.content) !== snapshot.hash) throw new FeedStoreError(`snapshot ${snapshot.hash.slice(0, 12)} of ${snapshot.source} does not match its hash: the stored content was changed`);
    return row.content;
  }

  save(source: FeedSource, text: string, meta: FeedSnapshotMeta): Promise<{ snapshot: FeedSnapshot; changed: boolean }> {
    try {
      checked(source);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const hash = sha256(text);
    return this.cp.tx('feed save', async (trx) => {
      // The savers' lock first: whoever holds it sees every earlier save committed.
      const head = await trx
        .insertInto('feed_head')
        .values({ id: 1, revision: 1 })
        .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ revision: eb(eb.ref('feed_head.revision'), '+', 1) })))
        .returning('revision')
        .executeTakeFirstOrThrow();
      const seq = toSeq(head.revision, 'feed revision');
      const current = await trx.selectFrom('feed_current').select('hash').where('source', '=', source).executeTakeFirst();
      const known = await trx.selectFrom('feed_snapshots').selectAll().where('source', '=', source).where('hash', '=', hash).executeTakeFirst();
      if (known !== undefined && current?.hash === hash) return { snapshot: toSnapshot(known), changed: false };
      // The content once per hash: another source, or an earlier snapshot, may hold it already.
      const stored = await trx.selectFrom('feed_contents').select('hash').where('hash', '=', hash).executeTakeFirst();
      if (stored === undefined) await trx.insertInto('feed_contents').values({ hash, content: text }).execute();
      if (known === undefined) {
        await trx.insertInto('feed_snapshots').values({
          source, hash, seq, imported_at: meta.importedAt, origin: meta.origin, version: meta.version, records: meta.records,
          bytes: Buffer.byteLength(text, 'utf8'), etag: meta.etag ?? null, last_modified: meta.lastModified ?? null,
        }).execute();
      } else {
        // Content seen before becomes current again and moves to the end, so "previous" stays the one before it.
        await trx.updateTable('feed_snapshots').set({ seq }).where('source', '=', source).where('hash', '=', hash).execute();
      }
      await trx.insertInto('feed_current').values({ source, hash }).onConflict((oc) => oc.column('source').doUpdateSet({ hash })).execute();
      const row = await trx.selectFrom('feed_snapshots').selectAll().where('source', '=', source).where('hash', '=', hash).executeTakeFirstOrThrow();
      return { snapshot: toSnapshot(row), changed: true };
    });
  }
}

function toSnapshot(row: Selectable<FeedSnapshotsTable>): FeedSnapshot {
  return {
    source: row.source as FeedSource,
    hash: row.hash,
    importedAt: row.imported_at,
    origin: row.origin,
    version: row.version,
    records: toSeq(row.records, 'feed records'),
    bytes: toSeq(row.bytes, 'feed bytes'),
    ...(row.etag !== null ? { etag: row.etag } : {}),
    ...(row.last_modified !== null ? { lastModified: row.last_modified } : {}),
  };
}
