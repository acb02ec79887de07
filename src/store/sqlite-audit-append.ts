/**
 * The audit log's append on SQLite, outside a unit of work: the path every audited decision takes
 * (AuditTrail's group commits, issue 8). Same rows, same chain and same locking as the Kysely path
 * (kysely-audit-log.ts); what differs is where the time goes.
 *
 * - The statements are prepared once and run on the better-sqlite3 connection under Kysely's,
 *   while Kysely's is held (so no Kysely transaction can be open on it): no query compiling, no
 *   prepare per statement, no multi-row SQL that differs with every batch size.
 * - A commit's fsync never stalls the event loop. better-sqlite3 is synchronous: where a commit
 *   syncs the WAL (`synchronous` FULL or EXTRA), every request in the process would wait for the
 *   disk's flush (milliseconds on many disks). So then the append commits with NORMAL (the commit
 *   writes the WAL without syncing it) and fdatasyncs the WAL file on libuv's thread pool, and
 *   resolves only after that: the records are on disk before any caller hears "appended", as FULL
 *   has it (in WAL mode FULL differs from NORMAL only by that sync after each commit; checkpoints
 *   sync alike). The connection's setting is restored before Kysely's connection is released, so
 *   every other write keeps it. Meanwhile the event loop keeps serving, and new denials queue for
 *   the next group commit.
 * - Where the connection runs NORMAL — better-sqlite3's build default for WAL databases
 *   (SQLITE_DEFAULT_WAL_SYNCHRONOUS=1), which is what Tessera's connections run today — a commit
 *   survives a crash of the process but not of the machine, and the append promises the same.
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type { AuditEventInput, AuditRecord } from '../audit/index.js';
import { chainBatch } from './audit-rows.js';
import type { AuditLogRow, AuditTip } from './audit-rows.js';
import { toSeq } from './control-plane-db.js';

/** `PRAGMA synchronous` values. */
const NORMAL = 1;
const FULL = 2;

export class SqliteAuditAppender {
  readonly #database: Database.Database;
  /** Whether the file's commits could sync the WAL at all: a file (not :memory:) in WAL mode. */
  readonly #walFile: boolean;
  readonly #walPath: string;
  #wal: Promise<FileHandle> | undefined;
  readonly #transaction: Database.Transaction<(events: readonly AuditEventInput[], beforeAppend: ((e: AuditEventInput) => void) | undefined) => AuditRecord[]>;

  /** `database` holds a migrated control plane. */
  constructor(database: Database.Database) {
    this.#database = database;
    // Only there is NORMAL plus one WAL sync the same as FULL (in rollback-journal mode NORMAL skips
    // syncs that no later fdatasync makes up for).
    this.#walFile = !database.memory && String(database.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal';
    this.#walPath = `${resolve(database.name)}-wal`;
    const tip = database.prepare<[], AuditTip>('select seq, hash from audit_log order by seq desc limit 1');
    const insert = database.prepare<[AuditLogRow], unknown>('insert into audit_log (seq, prev_hash, hash, at, actor, action, resource, outcome, detail) values (@seq, @prev_hash, @hash, @at, @actor, @action, @resource, @outcome, @detail)');
    const setHead = database.prepare<[number], unknown>('insert into audit_head (id, seq) values (1, ?) on conflict (id) do update set seq = excluded.seq');
    this.#transaction = database.transaction((events, beforeAppend) => {
      for (const event of events) beforeAppend?.(event);
      const last = tip.get();
      const { records, rows } = chainBatch(last === undefined ? undefined : { seq: toSeq(last.seq, 'audit seq'), hash: last.hash }, events);
      for (const row of rows) insert.run(row);
      setHead.run(rows.at(-1)?.seq ?? 0);
      return records;
    });
  }

  /**
   * Appends `events` in one transaction, started IMMEDIATE so that it takes the writer lock before
   * it reads the tip (as the Kysely path's first-write on audit_head does). Synchronous: the caller
   * holds Kysely's connection. `syncOwed`: the commit left the WAL unsynced where the connection's
   * setting would have synced it, and the records are not to be reported appended before `syncWal()`.
   */
  commit(events: readonly AuditEventInput[], beforeAppend?: (event: AuditEventInput) => void): { records: AuditRecord[]; syncOwed: boolean } {
    if (this.#database.inTransaction) throw new Error('the audit append needs the connection to itself, but a transaction is open on it');
    // Read each time, not once: the setting is the connection's, and SQLite changes it itself
    // (the WAL default applies once the file's header says WAL).
    const synchronous = Number(this.#database.pragma('synchronous', { simple: true }));
    if (!this.#walFile || synchronous < FULL) return { records: this.#transaction.immediate(events, beforeAppend), syncOwed: false };
    this.#database.pragma(`synchronous = ${NORMAL}`);
    try {
      return { records: this.#transaction.immediate(events, beforeAppend), syncOwed: true };
    } finally {
      this.#database.pragma(`synchronous = ${synchronous}`);
    }
  }

  /** Resolves once everything committed so far is on disk: one fdatasync of the WAL, off the event loop. */
  async syncWal(): Promise<void> {
    // The WAL file stays (same inode) while this connection is open in WAL mode, so one handle serves.
    this.#wal ??= open(this.#walPath, 'r+').catch((e: unknown) => {
      this.#wal = undefined;
      throw e;
    });
    await (await this.#wal).datasync();
  }

  async close(): Promise<void> {
    const wal = this.#wal;
    this.#wal = undefined;
    if (wal !== undefined) await (await wal.catch(() => undefined))?.close();
  }
}
