/**
 * Chaining: a record's hash covers its seq, the previous hash and every field of the event, as
 * canonical JSON (keys sorted, no whitespace: the fragments' canonical form), so any change to a
 * stored record, or to its place in the log, changes the hash that the next record points to.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../fragments/index.js';
import type { AuditEventInput, AuditRecord } from './model.js';

/** SHA-256 (hex) of the record's fields other than `hash` itself. */
export function hashRecord(record: Omit<AuditRecord, 'hash'>): string {
  const { seq, prevHash, at, actor, action, resource, outcome, detail } = record;
  return createHash('sha256').update(canonicalJson({ seq, prevHash, at, actor, action, resource, outcome, detail })).digest('hex');
}

/**
 * The record for `input` at `seq`, after the record whose hash is `prevHash` (GENESIS_HASH for
 * seq 1). `detail` is normalized to the JSON it will be stored and read back as (undefined members
 * dropped, `undefined` itself becomes null), so the record returned hashes like the record read.
 */
export function chainRecord(prevHash: string, input: AuditEventInput, seq: number): AuditRecord {
  if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`an audit seq is a positive integer, not ${seq}`);
  const unchained = {
    seq,
    prevHash,
    at: input.at,
    actor: input.actor,
    action: input.action,
    resource: input.resource,
    outcome: input.outcome,
    detail: JSON.parse(canonicalJson(input.detail)) as unknown,
  };
  return { ...unchained, hash: hashRecord(unchained) };
}
