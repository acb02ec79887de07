/**
 * The fragment store contract (with its search part) against PostgreSQL, in a schema of its own,
 * plus what is PostgreSQL-specific: the schema and search_path, byte-wise text order, concurrent
 * writers on separate connections, and errors for a bad schema name or an unreachable server.
 */
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { FragmentStoreFailureError } from '../fragments/index.js';
import type { FragmentStore } from '../fragments/index.js';
import { author, dynamodbWriteTable, kmsDecrypt, s3ReadBucket, s3ReadBucketV2 } from '../fragments/testing/fragment-fixtures.js';
import { describeFragmentStoreContract } from '../fragments/testing/store-contract.test-support.js';
import { pgTestUrl, withTestSchema } from '../../test/support/postgres.js';
import { describeSearchAgreement } from './testing/search-agreement.test-support.js';
import { MIGRATIONS, migrateToLatest, openPostgresDatabase, openPostgresFragmentStore } from './index.js';

const url = pgTestUrl();

describe.skipIf(url === undefined)('PostgreSQL fragment store', () => {
  const pg = withTestSchema(url ?? '', 'tessera_fragments');
  const open = async (): Promise<FragmentStore> => {
    const store = await openPostgresFragmentStore(pg.url, { schema: pg.schema });
    await pg.reset();
    return store;
  };
  describeFragmentStoreContract('PostgreSQL store', open);
  describeSearchAgreement('PostgreSQL', open, [s3ReadBucket, dynamodbWriteTable, kmsDecrypt], author, { runs: 300 });

  it('keeps its tables and Kysely’s migration tables in its own schema', async () => {
    await (await open()).close();
    const tables = await pg.query<{ tablename: string }>('select tablename from pg_tables where schemaname = $1 order by tablename', [pg.schema]);
    expect(tables.map((t) => t.tablename)).toEqual(expect.arrayContaining(['fragment_actions', 'fragment_versions', 'fragments', 'kysely_migration', 'kysely_migration_lock']));
    const applied = await pg.query<{ name: string }>('select name from kysely_migration order by name');
    expect(applied.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS));
    const db = await openPostgresDatabase(pg.url, { schema: pg.schema });
    try {
      expect(await migrateToLatest(db as Kysely<unknown>, { schema: pg.schema })).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it('orders ids byte-wise, as SQLite and the in-memory store do (text is collate "C")', async () => {
    const store = await open();
    try {
      for (const id of ['b-x', 'b_x', 'B-x', 'a', 'b.x']) await store.create({ ...kmsDecrypt, id }, author);
      expect((await store.search({})).items.map((v) => v.id)).toEqual(['B-x', 'a', 'b-x', 'b.x', 'b_x']);
    } finally {
      await store.close();
    }
  });

  it('queues writers of one fragment from separate pools (row locks), losing no version', async () => {
    const first = await open();
    const second = await openPostgresFragmentStore(pg.url, { schema: pg.schema });
    try {
      await first.create(s3ReadBucket, author);
      const contents = Array.from({ length: 12 }, (_, i) => ({ ...s3ReadBucketV2, title: `version ${i}` }));
      await Promise.all(contents.map((c, i) => (i % 2 === 0 ? first : second).addVersion(c, author)));
      const versions = await second.versions(s3ReadBucket.id);
      expect(versions.map((v) => v.version)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
      expect(new Set(versions.slice(1).map((v) => v.content.title))).toEqual(new Set(contents.map((c) => c.title)));
      const ref = { id: s3ReadBucket.id, version: 1 };
      const results = await Promise.allSettled([first.transition(ref, 'submit', author, 'draft'), second.transition(ref, 'submit', author, 'draft')]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect((await first.get(ref))?.history).toHaveLength(1);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('refuses a schema name that is not a plain identifier, and reports an unreachable server', async () => {
    for (const schema of ['Upper', 'semi;colon', 'has space', '']) {
      await expect(openPostgresFragmentStore(pg.url, { schema })).rejects.toBeInstanceOf(FragmentStoreFailureError);
    }
    const e = await openPostgresFragmentStore('postgres://nobody:secret@127.0.0.1:1/none', { schema: 'x' }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(FragmentStoreFailureError);
    expect((e as Error).message).toMatch(/cannot open the PostgreSQL store/);
    expect((e as Error).message).not.toContain('secret');
  });
});
