/**
 * The hash-chained audit log over Kysely (dialect-neutral). An append writes the one-row
 * `audit_head` first, which takes SQLite's writer lock or that row's lock on PostgreSQL (READ
 * COMMITTED: a second appender waits on the row, then reads the head the first one committed), so
 * appenders from any number of processes or nodes queue there and each chains to the one before.
 */
import type { Selectable } from 'kysely';
import { AUDIT_OUTCOMES, GENESIS_HASH, chainRecord } from '../audit/index.js';
import type { AuditEventInput, AuditRecord } from '../audit/index.js';
import { CorruptControlPlaneStoreError, InvalidStoreArgumentError } from './control-plane-errors.js';
import type { AuditLogStore } from './control-plane-port.js';
import { fromJsonText, toJsonText, toSeq } from './control-plane-db.js';
import type { ControlPlaneDb, Trx } from './control-plane-db.js';
import type { AuditLogTable } from './schema.js';

export class KyselyAuditLog implements AuditLogStore {
  constructor(private readonly cp: ControlPlaneDb) {}

  append(event: AuditEventInput): Promise<AuditRecord> {
    if (!AUDIT_OUTCOMES.includes(event.outcome)) return Promise.reject(new InvalidStoreArgumentError(`\`${String(event.outcome)}\` is not an audit outcome (${AUDIT_OUTCOMES.join(', ')})`));
    return this.cp.tx('audit append', async (trx) => {
      // Write first (a no-op upsert of the head row): the lock, before the head is read.
      await trx
        .insertInto('audit_head')
        .values({ id: 1, seq: 0 })
        .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ seq: eb.ref('audit_head.seq') })))
        .execute();
      const last = await lastRow(trx);
      const record = chainRecord(last?.hash ?? GENESIS_HASH, event, last === undefined ? 1 : toSeq(last.seq, 'audit seq') + 1);
      await trx
        .insertInto('audit_log')
        .values({
          seq: record.seq,
          prev_hash: record.prevHash,
          hash: record.hash,
          at: record.at,
          actor: record.actor,
          action: record.action,
          resource: record.resource,
          outcome: record.outcome,
          detail: toJsonText(record.detail),
        })
        .execute();
      await trx.updateTable('audit_head').set({ seq: record.seq }).where('id', '=', 1).execute();
      return record;
    });
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
