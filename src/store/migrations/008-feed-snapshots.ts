/**
 * Threat-feed snapshots in the control plane, so that every node of a cluster reads the same
 * intel and an import on one node is seen by the loop leader on another (before, each node kept
 * its own files under `<data-dir>/intel`).
 *
 * - `feed_contents`: a feed's text once per SHA-256 (tens of MB for EPSS). Feeds are UTF-8 text
 *   (JSON or CSV) read whole by their parsers, so a text column: PostgreSQL stores it TOASTed
 *   and compressed, SQLite as a single value. Not `collate "C"`: nobody compares or sorts it.
 * - `feed_snapshots`: one row per (source, hash) with the import's metadata; `seq` is the head
 *   revision at which it last became current, so ordering by it lists oldest first.
 * - `feed_current`: the current snapshot per source; replaced in the save's transaction.
 * - `feed_head`: one row (id 1) whose `revision` every save bumps first: the savers' lock (SQLite's
 *   writer lock, the row's lock on PostgreSQL), as `monitor_event_head` is for events.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { textType } from './portable.js';

const SOURCES = ['kev', 'epss', 'debian-tracker', 'osv'];
const list = (values: readonly string[]) => sql.join(values.map((v) => sql.lit(v)));

export async function up(db: Kysely<unknown>): Promise<void> {
  const text = textType(db);
  await db.schema
    .createTable('feed_contents')
    .addColumn('hash', text, (c) => c.primaryKey())
    .addColumn('content', 'text', (c) => c.notNull())
    .addCheckConstraint('feed_contents_hash_check', sql`length(hash) = 64`)
    .execute();
  await db.schema
    .createTable('feed_snapshots')
    .addColumn('source', text, (c) => c.notNull())
    .addColumn('hash', text, (c) => c.notNull().references('feed_contents.hash'))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('imported_at', text, (c) => c.notNull())
    .addColumn('origin', text, (c) => c.notNull())
    .addColumn('version', text, (c) => c.notNull())
    .addColumn('records', 'bigint', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('etag', text)
    .addColumn('last_modified', text)
    .addPrimaryKeyConstraint('feed_snapshots_pk', ['source', 'hash'])
    .addCheckConstraint('feed_snapshots_source_check', sql`source in (${list(SOURCES)})`)
    .addCheckConstraint('feed_snapshots_counts_check', sql`records >= 0 and bytes >= 0 and seq >= 1`)
    .execute();
  await db.schema.createIndex('feed_snapshots_seq_idx').on('feed_snapshots').columns(['source', 'seq']).execute();
  await db.schema
    .createTable('feed_current')
    .addColumn('source', text, (c) => c.primaryKey())
    .addColumn('hash', text, (c) => c.notNull())
    .addForeignKeyConstraint('feed_current_fk', ['source', 'hash'], 'feed_snapshots', ['source', 'hash'])
    .execute();
  await db.schema
    .createTable('feed_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .addCheckConstraint('feed_head_id_check', sql`id = 1`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['feed_head', 'feed_current', 'feed_snapshots', 'feed_contents']) await db.schema.dropTable(table).execute();
}
