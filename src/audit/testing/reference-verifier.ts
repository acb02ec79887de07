/**
 * The whole-log verifier as it was before verification streamed (verify.ts): every record in one
 * array, a Map of every hash and a Set of every seq. Kept only as the oracle of the differential
 * test (verify-stream.test.ts): the streaming ChainVerifier must classify the same tampering the
 * same way while holding a window of records instead of the log.
 */
import { hashRecord } from '../chain.js';
import { GENESIS_HASH } from '../model.js';
import type { AuditRecord } from '../model.js';
import { edited, removed, reordered, type ChainProblem, type ChainVerification } from '../verify.js';

const REORDER_WINDOW = 8;

export function verifyChainInMemory(records: readonly AuditRecord[], options: { expectedHead?: { seq: number; hash: string } } = {}): ChainVerification {
  const problems: ChainProblem[] = [];
  const byHash = new Map(records.map((r) => [r.hash, r]));
  const seqs = new Set(records.map((r) => r.seq));
  let expected = 1;
  let prev: AuditRecord | undefined;
  let prevBroken = false;
  for (const r of records) {
    const before = problems.length;
    const selfConsistent = hashRecord(r) === r.hash;
    if (r.seq < expected) {
      problems.push(reordered(expected - 1, `seq ${r.seq} comes after seq ${expected - 1}`));
    } else if (r.seq > expected) {
      if (seqs.has(expected)) problems.push(reordered(expected, `seq ${r.seq} comes where seq ${expected} belongs; seq ${expected} comes later`));
      else problems.push(removed(expected, r.seq - 1));
    } else if (!selfConsistent) {
      const chainedAs = chainedSeq(r, byHash);
      problems.push(
        chainedAs === undefined
          ? edited(r.seq, `record ${r.seq} does not match its hash: a field was changed after it was written`)
          : reordered(r.seq, `the record stored as seq ${r.seq} was written as seq ${chainedAs}: records were moved`),
      );
    } else if (!prevBroken && r.prevHash !== (prev?.hash ?? GENESIS_HASH)) {
      // Both hash correctly, yet the link differs: the record before was rewritten with a new hash.
      const at = prev?.seq ?? r.seq;
      problems.push(edited(at, `record ${r.seq} points to a hash that record ${at} no longer has: record ${at} was changed and re-hashed`));
    }
    // A record already reported breaks its successor's link too: report the cause, not the echo.
    prevBroken = problems.length > before;
    prev = r;
    expected = Math.max(expected, r.seq + 1);
  }
  const head = prev === undefined ? { seq: 0, hash: GENESIS_HASH } : { seq: prev.seq, hash: prev.hash };
  const want = options.expectedHead;
  if (want !== undefined && want.seq > head.seq) problems.push(removed(head.seq + 1, want.seq));
  else if (want !== undefined && want.seq === head.seq && want.hash !== head.hash) problems.push(edited(head.seq, `the last record's hash is not the head kept elsewhere (${want.hash.slice(0, 12)}…)`));
  return { ok: problems.length === 0, records: records.length, head, problems };
}

/** The seq the record hashes correctly as, when that is not its stored seq (it was moved). */
function chainedSeq(r: AuditRecord, byHash: ReadonlyMap<string, AuditRecord>): number | undefined {
  const candidates = new Set<number>();
  if (r.prevHash === GENESIS_HASH) candidates.add(1);
  const before = byHash.get(r.prevHash);
  if (before !== undefined) candidates.add(before.seq + 1);
  for (let d = 1; d <= REORDER_WINDOW; d++) candidates.add(r.seq - d).add(r.seq + d);
  for (const seq of candidates) {
    if (seq >= 1 && seq !== r.seq && hashRecord({ ...r, seq }) === r.hash) return seq;
  }
  return undefined;
}
