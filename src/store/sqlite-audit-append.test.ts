/**
 * The SQLite audit append path (sqlite-audit-append.ts), on real files: it continues the chain
 * that the Kysely path (a unit of work's append) writes and the reverse, a batch that fails part-way
 * writes nothing, and the connection's own `synchronous` setting is what every other write sees.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { hashRecord, verifyChain } from '../audit/index.js';
import type { AuditEventInput } from '../audit/index.js';
import { ControlPlaneStoreFailureError, migrateToLatest, openSqliteControlPlane } from './index.js';
import { SqliteAuditAppender } from './sqlite-audit-append.js';
import { openSqliteConnection } from './sqlite-fragment-store.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-audit-append-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const tempFile = () => join(dir, `audit-${++files}.db`);

const event = (i: number, detail: unknown = { i, principal: 'arn:aws:iam::111122223333:user/alice', decision: 'Deny' }): AuditEventInput => ({
  at: `2026-11-23T12:00:${String(i % 60).padStart(2, '0')}.000Z`, actor: `user/${i}`, action: 'tessera:Authorize', resource: 'trn:tessera:authorizer', outcome: 'denied', detail,
});
const range = (from: number, n: number) => Array.from({ length: n }, (_, k) => event(from + k));

describe('SQLite audit append', () => {
  it('continues the chain a unit of work writes, and a unit of work continues it: one chain that verifies', async () => {
    const store = await openSqliteControlPlane(tempFile());
    try {
      await store.transaction(async (tx) => tx.audit.append(event(1)));
      const batch = await store.audit.appendMany(range(2, 50));
      await store.transaction(async (tx) => tx.audit.appendMany(range(52, 3)));
      await store.audit.append(event(55, { nested: { b: [1, null], a: 'é"' }, drop: undefined }));
      const log = await store.audit.read(0, 1000);
      expect(verifyChain(log)).toMatchObject({ ok: true, records: 55 });
      expect(log.map((r) => r.seq)).toEqual(Array.from({ length: 55 }, (_, k) => k + 1));
      // What the append returned is what is read back, and its hash is the hash of what is stored.
      expect(log.slice(1, 51)).toEqual(batch);
      for (const r of log) expect(r.hash).toBe(hashRecord(r));
      expect(log.at(-1)?.detail).toEqual({ nested: { b: [1, null], a: 'é"' } });
      expect((await store.audit.head())?.seq).toBe(55);
    } finally {
      await store.close();
    }
  });

  it('writes nothing of a batch whose insert fails part-way, and appends again once the cause is gone', async () => {
    const file = tempFile();
    const store = await openSqliteControlPlane(file);
    const raw = new Database(file);
    try {
      await store.audit.appendMany(range(1, 5));
      // The batch's third insert (user/8) fails in SQLite itself, after two rows were inserted.
      raw.exec("create trigger refuse_user_8 before insert on audit_log when new.actor = 'user/8' begin select raise(abort, 'refused by the test'); end");
      await expect(store.audit.appendMany(range(6, 10))).rejects.toBeInstanceOf(ControlPlaneStoreFailureError);
      expect(raw.prepare('select count(*) as n from audit_log').get()).toEqual({ n: 5 });
      expect(raw.prepare('select seq from audit_head').get()).toEqual({ seq: 5 });
      raw.exec('drop trigger refuse_user_8');
      await store.audit.appendMany(range(6, 10));
      expect(verifyChain(await store.audit.read(0, 100))).toMatchObject({ ok: true, records: 15 });
    } finally {
      raw.close();
      await store.close();
    }
  });

  it('commits with NORMAL and owes the WAL sync where the connection runs FULL, restoring FULL, failed or not', async () => {
    const { db, database } = openSqliteConnection(tempFile());
    try {
      await migrateToLatest(db as Kysely<unknown>);
      const synchronous = () => database.pragma('synchronous', { simple: true });
      // better-sqlite3's build default for a WAL file: NORMAL, and then there is nothing to defer.
      expect(synchronous()).toBe(1);
      const appender = new SqliteAuditAppender(database);
      expect(appender.commit(range(1, 2))).toMatchObject({ syncOwed: false, records: [{ seq: 1 }, { seq: 2 }] });
      database.pragma('synchronous = FULL');
      const { records, syncOwed } = appender.commit(range(3, 3));
      expect([records.map((r) => r.seq), syncOwed, synchronous()]).toEqual([[3, 4, 5], true, 2]);
      await appender.syncWal();
      expect(() => appender.commit(range(6, 3), (e) => {
        if (e.actor === 'user/7') throw new Error('injected');
      })).toThrow('injected');
      expect([synchronous(), database.inTransaction]).toEqual([2, false]);
      expect(database.prepare('select max(seq) as seq from audit_log').get()).toEqual({ seq: 5 });
      // Refused inside a transaction someone else opened: the records would commit with it, or not.
      database.exec('begin');
      expect(() => appender.commit(range(6, 1))).toThrow(/transaction is open/);
      database.exec('rollback');
      await appender.close();
    } finally {
      await db.destroy();
    }
  });

  it('needs no deferred sync in :memory: (nothing is on disk) and appends there too', async () => {
    const store = await openSqliteControlPlane(':memory:');
    try {
      await store.audit.appendMany(range(1, 4));
      expect(verifyChain(await store.audit.read(0, 10))).toMatchObject({ ok: true, records: 4 });
    } finally {
      await store.close();
    }
  });
});
