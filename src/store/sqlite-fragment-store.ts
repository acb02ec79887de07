/**
 * The SQLite fragment store (the default, embedded in the data directory). SQLite-specific here:
 * the better-sqlite3 driver, WAL journaling (readers do not block the writer; not applicable to
 * ':memory:'), foreign keys switched on (SQLite leaves them off per connection), and Kysely's
 * SqliteDialect, which runs every query on one connection behind a mutex, so transactions of one
 * process run one at a time. The store itself (KyselyFragmentStore) is dialect-neutral.
 */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { FragmentStoreFailureError } from '../fragments/index.js';
import type { FragmentStore } from '../fragments/index.js';
import { KyselyFragmentStore } from './kysely-fragment-store.js';
import { migrateToLatest } from './migrator.js';
import type { TesseraDatabase } from './schema.js';

/** Opens (creating and migrating as needed) the store in `fileOrMemory`, a path or ':memory:'. */
export async function openSqliteFragmentStore(fileOrMemory: string): Promise<FragmentStore> {
  const db = openSqliteDatabase(fileOrMemory);
  try {
    await migrateToLatest(db as Kysely<unknown>);
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return new KyselyFragmentStore(db);
}

/**
 * A Kysely instance over a better-sqlite3 database with Tessera's connection settings.
 * FragmentStoreFailureError when the file cannot be opened as a database.
 */
export function openSqliteDatabase(fileOrMemory: string): Kysely<TesseraDatabase> {
  return openSqliteConnection(fileOrMemory).db;
}

/**
 * openSqliteDatabase, also giving the better-sqlite3 connection under it, for the one path that
 * uses it directly (the audit log's append, sqlite-audit-append.ts). It is the same connection:
 * use it only while holding Kysely's (`db.connection()`), never beside a Kysely transaction.
 */
export function openSqliteConnection(fileOrMemory: string): { db: Kysely<TesseraDatabase>; database: Database.Database } {
  let database: Database.Database | undefined;
  try {
    database = new Database(fileOrMemory);
    database.pragma('journal_mode = WAL');
    // Set, not inherited from the driver's build default: in WAL mode NORMAL keeps every committed
    // transaction through a crash of the process (the crash-safety test kills the server mid-load)
    // and may lose the last commits only on a power cut; FULL would add an fsync per commit
    // (docs/decisions.md, "synchronous").
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
  } catch (e) {
    database?.close();
    throw new FragmentStoreFailureError(`cannot open the store \`${fileOrMemory}\`: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return { db: new Kysely<TesseraDatabase>({ dialect: new SqliteDialect({ database }) }), database };
}
