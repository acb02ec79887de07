/**
 * The audit log's records. An event is what happened; a record is that event chained: its `seq`,
 * the previous record's hash and its own, so that changing the past is visible (chain.ts, verify.ts).
 */

/** What happened, before it is chained. `detail` is any JSON value. */
export interface AuditEventInput {
  at: string;
  /** The principal that acted (`user/alice`), or `system/monitor`. */
  actor: string;
  /** A Tessera action such as `tessera:ApproveFragment` or `tessera:Authorize`. */
  action: string;
  /** A Tessera resource such as `trn:tessera:fragment/s3-read-bucket@3`. */
  resource: string;
  outcome: 'allowed' | 'denied' | 'changed' | 'failed';
  detail: unknown;
}

/**
 * A chained record: `hash` = SHA-256 over the canonical JSON of {seq, prevHash, and the input's
 * fields}; `prevHash` is the previous record's hash (64 zeros for seq 1). Editing, removing or
 * reordering any record breaks the chain at that point (verifyChain finds where).
 */
export interface AuditRecord extends AuditEventInput {
  seq: number;
  prevHash: string;
  hash: string;
}

export const AUDIT_OUTCOMES: readonly AuditEventInput['outcome'][] = ['allowed', 'denied', 'changed', 'failed'];

/** The `prevHash` of record 1. */
export const GENESIS_HASH = '0'.repeat(64);
