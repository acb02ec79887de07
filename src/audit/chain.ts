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
  // A missing detail (only in a hand-made record) is left out of the canonical JSON, not `null`.
  if (detail === undefined) return sha256(canonicalJson({ seq, prevHash, at, actor, action, resource, outcome, detail }));
  return sha256(hashedText(record, canonicalJson(detail)));
}

/** A record chained, with its detail's canonical JSON: what the store writes to the detail column. */
export interface ChainedEvent {
  record: AuditRecord;
  detailText: string;
}

/**
 * The record for `input` at `seq`, after the record whose hash is `prevHash` (GENESIS_HASH for
 * seq 1). `detail` is normalized to the JSON it will be stored and read back as (undefined members
 * dropped, `undefined` itself becomes null), so the record returned hashes like the record read.
 */
export function chainRecord(prevHash: string, input: AuditEventInput, seq: number): AuditRecord {
  return chainEvent(prevHash, input, seq).record;
}

/**
 * chainRecord, keeping the detail's canonical JSON: it is serialized once and that one text is
 * hashed and stored (canonical JSON of the parsed text is the text itself).
 */
export function chainEvent(prevHash: string, input: AuditEventInput, seq: number): ChainedEvent {
  if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`an audit seq is a positive integer, not ${seq}`);
  const detailText = canonicalJson(input.detail);
  const unchained = {
    seq,
    prevHash,
    at: input.at,
    actor: input.actor,
    action: input.action,
    resource: input.resource,
    outcome: input.outcome,
    detail: JSON.parse(detailText) as unknown,
  };
  return { record: { ...unchained, hash: sha256(hashedText(unchained, detailText)) }, detailText };
}

/**
 * The text a record's hash is taken of: canonicalJson({seq, prevHash, at, actor, action, resource,
 * outcome, detail}), given the detail's canonical JSON. Written out for the usual shape (string
 * fields, integer seq) because this runs for every audited decision; anything else (a record read
 * from an untrusted export) takes canonicalJson itself, so the text is the same either way.
 */
export function hashedText(record: Omit<AuditRecord, 'hash' | 'detail'>, detailText: string): string {
  const { seq, prevHash, at, actor, action, resource, outcome } = record;
  const usual = Number.isSafeInteger(seq) && [prevHash, at, actor, action, resource, outcome].every((v) => typeof v === 'string');
  if (!usual) return canonicalJson({ seq, prevHash, at, actor, action, resource, outcome, detail: JSON.parse(detailText) as unknown });
  // Keys in canonical (sorted) order: action, actor, at, detail, outcome, prevHash, resource, seq.
  const s = JSON.stringify;
  return `{"action":${s(action)},"actor":${s(actor)},"at":${s(at)},"detail":${detailText},"outcome":${s(outcome)},"prevHash":${s(prevHash)},"resource":${s(resource)},"seq":${s(seq)}}`;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
