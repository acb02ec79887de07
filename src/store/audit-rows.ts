/**
 * What both audit append paths share (kysely-audit-log.ts, sqlite-audit-append.ts): the checks on
 * a batch, and chaining it after the head into the records returned and the rows written. Pure.
 */
import { AUDIT_OUTCOMES, GENESIS_HASH, chainEvent } from '../audit/index.js';
import type { AuditEventInput, AuditRecord } from '../audit/index.js';
import { InvalidStoreArgumentError } from './control-plane-errors.js';
import type { AuditLogTable } from './schema.js';

/** Records per appendMany: 9 bound values a row stays far below SQLite's limit of bound variables. */
export const MAX_APPEND_BATCH = 500;

/** The last record appended, as much of it as the next one chains to; undefined for an empty log. */
export interface AuditTip {
  seq: number;
  hash: string;
}

/** An audit_log row as written (the table's columns, with seq as a number). */
export type AuditLogRow = Omit<AuditLogTable, 'seq'> & { seq: number };

/** Why `events` cannot be appended as one batch, or undefined when they can. */
export function appendProblem(events: readonly AuditEventInput[]): InvalidStoreArgumentError | undefined {
  const bad = events.find((e) => !AUDIT_OUTCOMES.includes(e.outcome));
  if (bad !== undefined) return new InvalidStoreArgumentError(`\`${String(bad.outcome)}\` is not an audit outcome (${AUDIT_OUTCOMES.join(', ')})`);
  if (events.length > MAX_APPEND_BATCH) return new InvalidStoreArgumentError(`at most ${MAX_APPEND_BATCH} audit records in one append, not ${events.length}`);
  return undefined;
}

/** `events` chained in order after `tip`: the records (as read back later) and their rows. */
export function chainBatch(tip: AuditTip | undefined, events: readonly AuditEventInput[]): { records: AuditRecord[]; rows: AuditLogRow[] } {
  const records: AuditRecord[] = [];
  const rows: AuditLogRow[] = [];
  let prevHash = tip?.hash ?? GENESIS_HASH;
  let seq = tip?.seq ?? 0;
  for (const event of events) {
    const { record, detailText } = chainEvent(prevHash, event, ++seq);
    records.push(record);
    rows.push({ seq, prev_hash: prevHash, hash: record.hash, at: record.at, actor: record.actor, action: record.action, resource: record.resource, outcome: record.outcome, detail: detailText });
    prevHash = record.hash;
  }
  return { records, rows };
}
