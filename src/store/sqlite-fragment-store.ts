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
  let database: Database.Database | undefined;
  try {
    database = new Database(fileOrMemory);
    database.pragma('journal_mode = WAL');
    database.pragma('foreign_keys = ON');
  } catch (e) {
    database?.close();
    throw new FragmentStoreFailureError(`cannot open the store \`${fileOrMemory}\`: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return new Kysely<TesseraDatabase>({ dialect: new SqliteDialect({ database }) });
}
