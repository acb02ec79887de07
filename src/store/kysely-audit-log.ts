/**
 * The hash-chained audit log over Kysely (dialect-neutral). An append writes the one-row
 * `audit_head` first, which takes SQLite's writer lock or that row's lock on PostgreSQL (READ
 * COMMITTED: a second appender waits on the row, then reads the head the first one committed), so
 * appenders from any number of processes or nodes queue there and each chains to the one before.
 * Inside a unit of work (ControlPlaneStore.transaction) the append joins the change's transaction,
 * so that lock is held from the append to the change's commit: appending last keeps it short and
 * keeps the lock order the same everywhere (change rows, then the audit head). On SQLite, appends
 * outside a unit of work (the group commits of denials) take sqlite-audit-append.ts's path, whose
 * BEGIN IMMEDIATE takes the same writer lock before the head is read.
 */
import type { Selectable } from 'kysely';
import { AUDIT_OUTCOMES } from '../audit/index.js';
import type { AuditEventInput, AuditRecord } from '../audit/index.js';
import { appendProblem, chainBatch } from './audit-rows.js';
import { CorruptControlPlaneStoreError, InvalidStoreArgumentError } from './control-plane-errors.js';
import type { AuditLogStore } from './control-plane-port.js';
import { fromJsonText, storeError, toSeq } from './control-plane-db.js';
import type { ControlPlaneDb, Trx } from './control-plane-db.js';
import type { AuditLogTable } from './schema.js';
import type { SqliteAuditAppender } from './sqlite-audit-append.js';

export { MAX_APPEND_BATCH } from './audit-rows.js';

export interface AuditLogOptions {
  /**
   * Test-only fault injection: called inside the append's transaction before anything is written;
   * a throw fails the append (and the unit of work it belongs to). Production code passes nothing.
   */
  beforeAppend?: (event: AuditEventInput) => void;
}

export class KyselyAuditLog implements AuditLogStore {
  /**
   * `sqlite`: the SQLite store's own append path (sqlite-audit-append.ts), for appends outside a
   * unit of work; a unit of work's audit log (bound to its transaction) has none.
   */
  constructor(
    private readonly cp: ControlPlaneDb,
    private readonly options: AuditLogOptions = {},
    private readonly sqlite?: SqliteAuditAppender,
  ) {}

  async append(event: AuditEventInput): Promise<AuditRecord> {
    return (await this.appendMany([event]))[0] as AuditRecord;
  }

  appendMany(events: readonly AuditEventInput[]): Promise<AuditRecord[]> {
    const problem = appendProblem(events);
    if (problem !== undefined) return Promise.reject(problem);
    if (events.length === 0) return Promise.resolve([]);
    if (this.sqlite !== undefined) return this.appendOnSqlite(this.sqlite, events);
    return this.cp.tx('audit append', async (trx) => {
      for (const event of events) this.options.beforeAppend?.(event);
      // Write first (a no-op upsert of the head row): the lock, before the head is read.
      await trx
        .insertInto('audit_head')
        .values({ id: 1, seq: 0 })
        .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ seq: eb.ref('audit_head.seq') })))
        .execute();
      const last = await lastRow(trx);
      const { records, rows } = chainBatch(last === undefined ? undefined : { seq: toSeq(last.seq, 'audit seq'), hash: last.hash }, events);
      // One statement for the batch: with group commit (AuditTrail) most transactions carry several records.
      await trx.insertInto('audit_log').values(rows).execute();
      await trx.updateTable('audit_head').set({ seq: rows.at(-1)?.seq ?? 0 }).where('id', '=', 1).execute();
      return records;
    });
  }

  /** Commits while holding the connection, then waits, with the connection free, for the WAL sync the commit owes (if any). */
  private async appendOnSqlite(sqlite: SqliteAuditAppender, events: readonly AuditEventInput[]): Promise<AuditRecord[]> {
    const { records, syncOwed } = await this.cp.onConnection('audit append', () => sqlite.commit(events, this.options.beforeAppend));
    try {
      if (syncOwed) await sqlite.syncWal();
    } catch (e) {
      throw storeError('audit append (syncing the log to disk)', e);
    }
    return records;
  }

  read(afterSeq: number, limit: number): Promise<AuditRecord[]> {
    if (!Number.isSafeInteger(afterSeq) || afterSeq < 0) return Promise.reject(new InvalidStoreArgumentError(`afterSeq must be a whole number ≥ 0, not ${afterSeq}`));
    if (!Number.isSafeInteger(limit) || limit < 0) return Promise.reject(new InvalidStoreArgumentError(`limit must be a whole number ≥ 0, not ${limit}`));
    return this.cp.tx('audit read', async (trx) => {
      if (limit === 0) return [];
      const rows = await trx.selectFrom('audit_log').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
      return rows.map(toRecord);
    });
  }

  head(): Promise<AuditRecord | undefined> {
    return this.cp.tx('audit head', async (trx) => {
      const row = await lastRow(trx);
      return row === undefined ? undefined : toRecord(row);
    });
  }
}

function lastRow(trx: Trx): Promise<Selectable<AuditLogTable> | undefined> {
  return trx.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

/** A row as stored, unverified: checking the chain is the caller's (src/audit's verifyChain). */
function toRecord(row: Selectable<AuditLogTable>): AuditRecord {
  const seq = toSeq(row.seq, 'audit seq');
  if (!(AUDIT_OUTCOMES as readonly string[]).includes(row.outcome)) throw new CorruptControlPlaneStoreError(`audit record ${seq} has an unknown outcome \`${row.outcome}\``);
  return {
    seq,
    prevHash: row.prev_hash,
    hash: row.hash,
    at: row.at,
    actor: row.actor,
    action: row.action,
    resource: row.resource,
    outcome: row.outcome as AuditRecord['outcome'],
    detail: fromJsonText(row.detail, `detail of audit record ${seq}`),
  };
}
