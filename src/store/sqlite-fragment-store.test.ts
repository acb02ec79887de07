import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { CorruptFragmentStoreError, FragmentStoreFailureError, contentHash } from '../fragments/index.js';
import { author, kmsDecrypt, s3ReadBucket, s3ReadBucketV2 } from '../fragments/testing/fragment-fixtures.js';
import { describeFragmentStoreContract, rejection } from '../fragments/testing/store-contract.test-support.js';
import { MIGRATIONS, StoreMigrationError, migrateToLatest, openSqliteDatabase, openSqliteFragmentStore } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const tempFile = () => join(dir, `fragments-${++files}.db`);

describeFragmentStoreContract('SQLite store in a file', () => openSqliteFragmentStore(tempFile()));
describeFragmentStoreContract('SQLite store in :memory:', () => openSqliteFragmentStore(':memory:'));

/** Reads the database beside the open store (WAL lets a second connection read). */
function peek<T>(file: string, query: string, ...params: unknown[]): T[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(query).all(...params) as T[];
  } finally {
    db.close();
  }
}

describe('SQLite fragment store', () => {
  it('a failing addVersion leaves nothing of the version behind', async () => {
    const file = tempFile();
    const store = await openSqliteFragmentStore(file);
    try {
      await store.create(s3ReadBucket, author);
      // The empty tag violates fragment_tags_tag_check after the version row and the counter are written.
      const e = await rejection(store.addVersion({ ...s3ReadBucketV2, tags: ['s3', ''] }, author));
      expect(e).toBeInstanceOf(FragmentStoreFailureError);
      expect(e.code).toBe('fragment-store/failure');
      expect(String((e.cause as Error).message)).toMatch(/CHECK constraint failed: fragment_tags_tag_check/);
      for (const table of ['fragment_versions', 'fragment_tags', 'fragment_actions']) {
        expect(peek(file, `select * from ${table} where fragment_id = ? and version = 2`, s3ReadBucket.id), table).toEqual([]);
      }
      expect(peek(file, 'select latest_version from fragments where id = ?', s3ReadBucket.id)).toEqual([{ latest_version: 1 }]);
      expect(await store.versions(s3ReadBucket.id)).toHaveLength(1);
      expect((await store.addVersion(s3ReadBucketV2, author)).version).toBe(2);
    } finally {
      await store.close();
    }
  });

  it('a failing create leaves no fragment behind, so the id stays free', async () => {
    const file = tempFile();
    const store = await openSqliteFragmentStore(file);
    try {
      expect(await rejection(store.create({ ...kmsDecrypt, tags: [''] }, author))).toBeInstanceOf(FragmentStoreFailureError);
      expect(peek(file, 'select * from fragments')).toEqual([]);
      expect(peek(file, 'select * from fragment_versions')).toEqual([]);
      expect((await store.create(kmsDecrypt, author)).version).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('keeps its data across reopening; each migration runs once', async () => {
    const file = tempFile();
    const first = await openSqliteFragmentStore(file);
    await first.create(s3ReadBucket, author);
    await first.transition({ id: s3ReadBucket.id, version: 1 }, 'submit', { ...author, comment: 'please review' });
    await first.close();
    const second = await openSqliteFragmentStore(file);
    try {
      const v = await second.get({ id: s3ReadBucket.id, version: 1 });
      expect([v?.status, v?.hash, v?.history[0]?.comment]).toEqual(['in-review', contentHash(s3ReadBucket), 'please review']);
      expect(peek<{ name: string }>(file, 'select name from kysely_migration').map((r) => r.name)).toEqual(Object.keys(MIGRATIONS));
    } finally {
      await second.close();
    }
    const db = openSqliteDatabase(file);
    try {
      expect(await migrateToLatest(db as Kysely<unknown>)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it('stores content as canonical JSON beside its hash', async () => {
    const file = tempFile();
    const store = await openSqliteFragmentStore(file);
    try {
      await store.create(s3ReadBucket, author);
      const [row] = peek<{ content: string; hash: string; resource_type: string; risk: number; owner: string }>(file, 'select content, hash, resource_type, risk, owner from fragment_versions');
      expect(JSON.parse(row?.content ?? '')).toEqual(s3ReadBucket);
      expect([row?.hash, row?.resource_type, row?.risk, row?.owner]).toEqual([contentHash(s3ReadBucket), 's3:bucket', 20, 'storage-platform']);
      expect(peek(file, 'select tag from fragment_tags order by tag')).toEqual([{ tag: 'data' }, { tag: 'read' }, { tag: 's3' }]);
      expect(peek(file, 'select effect, service, pattern from fragment_actions order by pattern')).toEqual([
        { effect: 'Allow', service: 's3', pattern: 's3:getobject' },
        { effect: 'Allow', service: 's3', pattern: 's3:getobjecttagging' },
        { effect: 'Allow', service: 's3', pattern: 's3:listbucket' },
      ]);
    } finally {
      await store.close();
    }
  });

  it('runs in WAL mode with foreign keys enforced', async () => {
    const db = openSqliteDatabase(tempFile());
    try {
      await migrateToLatest(db as Kysely<unknown>);
      expect((await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db)).rows).toEqual([{ journal_mode: 'wal' }]);
      expect((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows).toEqual([{ foreign_keys: 1 }]);
      await expect(db.insertInto('fragment_tags').values({ fragment_id: 'no-such-fragment', version: 1, tag: 's3' }).execute()).rejects.toThrow(/FOREIGN KEY/);
    } finally {
      await db.destroy();
    }
  });

  it('has the tables and indexes of the schema', async () => {
    const file = tempFile();
    await (await openSqliteFragmentStore(file)).close();
    const objects = peek<{ type: string; name: string; tbl_name: string }>(file, "select type, name, tbl_name from sqlite_master where name not like 'sqlite_%' and name not like 'kysely_%' order by type, name");
    expect(objects.filter((o) => o.type === 'table').map((o) => o.name)).toEqual([
      'api_tokens', 'assignment_policies', 'assignments', 'audit_head', 'audit_log', 'boundaries', 'boundary_versions', 'deployments',
      'feed_contents', 'feed_current', 'feed_head', 'feed_snapshots', 'fragment_actions', 'fragment_status_history', 'fragment_tags', 'fragment_versions', 'fragments', 'image_lineage', 'images',
      'monitor_event_head', 'monitor_events', 'named_document_revisions', 'named_documents', 'plans',
      'policies', 'policy_revision', 'policy_status_history', 'policy_versions', 'risk_profiles',
    ]);
    expect(objects.filter((o) => o.type === 'index').map((o) => `${o.tbl_name}.${o.name}`)).toEqual([
      'api_tokens.api_tokens_created_idx',
      'assignment_policies.assignment_policies_policy_idx',
      'audit_log.audit_log_actor_idx',
      'deployments.deployments_image_digest_idx',
      'feed_snapshots.feed_snapshots_seq_idx',
      'fragment_actions.fragment_actions_pattern_key_idx',
      'fragment_actions.fragment_actions_service_pattern_idx',
      'fragment_tags.fragment_tags_tag_key_idx',
      'fragment_versions.fragment_versions_resource_type_key_idx',
      'fragment_versions.fragment_versions_status_key_idx',
      'images.images_plan_idx',
      'plans.plans_deployment_idx',
      'policy_versions.policy_versions_one_active',
    ]);
  });

  it('refuses a version whose stored content no longer matches its hash', async () => {
    const file = tempFile();
    const store = await openSqliteFragmentStore(file);
    try {
      await store.create(s3ReadBucket, author);
      const raw = new Database(file);
      raw.prepare("update fragment_versions set content = replace(content, 's3:GetObject', 's3:*')").run();
      raw.close();
      const e = await rejection(store.get({ id: s3ReadBucket.id, version: 1 }));
      expect(e).toBeInstanceOf(CorruptFragmentStoreError);
      expect(e.code).toBe('fragment-store/corrupt');
      expect(await rejection(store.search({}))).toBeInstanceOf(CorruptFragmentStoreError);
    } finally {
      await store.close();
    }
  });

  it('reports a migration that fails as StoreMigrationError', async () => {
    const file = tempFile();
    const raw = new Database(file);
    raw.exec('create table fragments (id text primary key)');
    raw.close();
    const e = await openSqliteFragmentStore(file).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(StoreMigrationError);
    expect((e as StoreMigrationError).message).toMatch(/`001-fragments` failed: .*already exists/);
    expect(peek(file, "select name from sqlite_master where name = 'fragment_versions'")).toEqual([]);
  });

  it('reports a file it cannot open, or one that is not a database, as FragmentStoreFailureError', async () => {
    const missingDir = join(dir, 'no-such-dir', 'fragments.db');
    const notDb = tempFile();
    writeFileSync(notDb, 'this is not a database, just text that is long enough to fill a header page'.repeat(20));
    for (const file of [missingDir, notDb]) {
      const e = await openSqliteFragmentStore(file).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e, file).toBeInstanceOf(FragmentStoreFailureError);
      expect((e as Error).message).toContain(`cannot open the store \`${file}\``);
    }
  });

  it('works from a Kysely instance the caller builds (the dialect-neutral path)', async () => {
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
    expect(await migrateToLatest(db)).toEqual(Object.keys(MIGRATIONS));
    await db.destroy();
  });
});
