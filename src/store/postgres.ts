/**
 * The PostgreSQL store, for control planes of more than one node. PostgreSQL-specific here: a `pg`
 * Pool behind Kysely's PostgresDialect, one schema per store (created when missing) put first on
 * every connection's `search_path` as a startup parameter, so unqualified table names in the
 * dialect-neutral stores and migrations resolve to it, and Kysely's migration tables live in it.
 * The stores themselves (KyselyFragmentStore, the control plane) are dialect-neutral.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { FragmentStoreFailureError } from '../fragments/index.js';
import type { FragmentStore } from '../fragments/index.js';
import { KyselyFragmentStore } from './kysely-fragment-store.js';
import { migrateToLatest } from './migrator.js';
import type { TesseraDatabase } from './schema.js';

export interface PostgresStoreOptions {
  /** The schema that holds the store: lower-case letters, digits and `_`, starting with a letter or `_`. */
  readonly schema: string;
  /** Connections in the pool (default 10). */
  readonly maxConnections?: number;
}

/** Unquoted PostgreSQL identifiers, so the name needs no escaping in SQL or in the startup options. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A Kysely instance over a PostgreSQL pool whose connections use `options.schema`, created if
 * missing (not migrated). FragmentStoreFailureError when the schema name is not a plain identifier
 * or the server cannot be reached.
 */
export async function openPostgresDatabase(url: string, options: PostgresStoreOptions): Promise<Kysely<TesseraDatabase>> {
  const { schema } = options;
  if (!SCHEMA_NAME.test(schema)) throw new FragmentStoreFailureError(`\`${schema}\` is not a schema name the store accepts: use lower-case letters, digits and \`_\`, starting with a letter or \`_\``);
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10, options: `-c search_path=${schema}` });
  // An idle connection that the server drops emits 'error' on the pool, which would end the process
  // without a listener; the next query reports the failure where it can be handled.
  pool.on('error', () => undefined);
  const db = new Kysely<TesseraDatabase>({ dialect: new PostgresDialect({ pool }) });
  try {
    await createSchema(db, schema);
  } catch (e) {
    await db.destroy();
    throw new FragmentStoreFailureError(`cannot open the PostgreSQL store (schema \`${schema}\`) at ${redact(url)}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return db;
}

async function createSchema(db: Kysely<TesseraDatabase>, schema: string): Promise<void> {
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  } catch (e) {
    // Two nodes creating the schema at once: `if not exists` can still fail on the catalog's unique
    // index (23505) or as a duplicate (42P06); the schema is there, which is all we wanted.
    const code = (e as { code?: string }).code;
    if (code !== '23505' && code !== '42P06') throw e;
  }
}

/** Migrates `db` (a pool from openPostgresDatabase) to the latest schema; destroys it on failure. */
export async function migratePostgres(db: Kysely<TesseraDatabase>, schema: string): Promise<void> {
  try {
    await migrateToLatest(db as Kysely<unknown>, { schema });
  } catch (e) {
    await db.destroy();
    throw e;
  }
}

/** Opens (creating and migrating as needed) the fragment store in `options.schema` of the database at `url`. */
export async function openPostgresFragmentStore(url: string, options: PostgresStoreOptions): Promise<FragmentStore> {
  const db = await openPostgresDatabase(url, options);
  await migratePostgres(db, options.schema);
  return new KyselyFragmentStore(db);
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return 'the given URL';
  }
}
