/**
 * PostgreSQL for tests: the server comes from `TESSERA_TEST_PG_URL` (CI sets
 * postgres://postgres@127.0.0.1:5432/test). Without it a test fails under CI=true and otherwise
 * skips with a printed reason. Each test file works in its own schema, named with a random suffix
 * so that files running in parallel (and earlier runs that died) never meet, and dropped after.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';

export const PG_URL_ENV = 'TESSERA_TEST_PG_URL';

/** The PostgreSQL URL for tests, or undefined (with a printed reason) to skip. */
export function pgTestUrl(): string | undefined {
  const url = process.env[PG_URL_ENV];
  if (url !== undefined && url !== '') return url;
  const reason = `${PG_URL_ENV} is not set (e.g. postgres://postgres@127.0.0.1:5432/test), so the PostgreSQL tests cannot run`;
  if (process.env.CI === 'true') throw new Error(`${reason}; under CI they must not skip`);
  console.warn(`skipping: ${reason}`);
  return undefined;
}

export interface TestSchema {
  readonly url: string;
  /** `<prefix>_<random hex>`, a plain identifier. */
  readonly schema: string;
  /** Runs SQL with the schema first on the search path (tamper tests, checks behind a store's back). */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params?: unknown[]): Promise<R[]>;
  /** Empties every table of the schema except Kysely's migration bookkeeping. */
  reset(): Promise<void>;
}

/**
 * A fresh schema name for this file, dropped (with everything in it) after the file's tests.
 * Call at the top level of a test file or inside a describe. The stores create the schema.
 */
export function withTestSchema(url: string, prefix = 'tessera_test'): TestSchema {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  let pool: pg.Pool | undefined;
  const connection = () => (pool ??= new pg.Pool({ connectionString: url, max: 2, options: `-c search_path=${schema}` }));
  const query = async <R extends pg.QueryResultRow>(text: string, params: unknown[] = []) => (await connection().query<R>(text, params)).rows;
  afterAll(async () => {
    try {
      await query(`drop schema if exists ${schema} cascade`);
    } finally {
      await pool?.end();
    }
  });
  return {
    url,
    schema,
    query,
    async reset() {
      const tables = await query<{ tablename: string }>("select tablename from pg_tables where schemaname = $1 and tablename not like 'kysely%'", [schema]);
      if (tables.length > 0) await query(`truncate ${tables.map((t) => `${schema}.${t.tablename}`).join(', ')} cascade`);
    },
  };
}
