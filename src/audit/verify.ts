/**
 * Verifying a chain, and saying how it broke. The records are checked in the order given (a log
 * read by seq, or an export file line by line): each must hash to its `hash`, carry the next seq
 * and point to the hash of the record before it. A break is classified:
 *
 * - `audit/edited`: a record's fields no longer hash to its `hash`; or a record hashes to itself
 *   but the next one points to a different hash (it was changed and re-hashed).
 * - `audit/removed`: seqs are missing (a gap, or records before the first one given).
 * - `audit/reordered`: a seq out of order, or a record that hashes correctly as another seq (rows
 *   whose places were swapped).
 *
 * Removing records at the end leaves a valid, shorter chain: only a head kept elsewhere (`expectedHead`)
 * shows that.
 *
 * Verification streams (ChainVerifier): the log is never held whole, only a window of records
 * around the one being checked, so a log of any length verifies in bounded memory.
 */
import { hashRecord } from './chain.js';
import { GENESIS_HASH } from './model.js';
import type { AuditRecord } from './model.js';

export type ChainProblemCode = 'audit/edited' | 'audit/removed' | 'audit/reordered';

export interface ChainProblem {
  readonly code: ChainProblemCode;
  /** Where the chain breaks: the edited record, the first missing seq, or the first seq out of place. */
  readonly seq: number;
  readonly message: string;
  readonly help: string;
}

export interface ChainVerification {
  readonly ok: boolean;
  /** Records checked. */
  readonly records: number;
  /** The last record's seq and hash (0 and GENESIS_HASH for an empty log). */
  readonly head: { readonly seq: number; readonly hash: string };
  /** Every break found, in log order; the first is where the chain first breaks. */
  readonly problems: readonly ChainProblem[];
}

/** How far from its place a swapped record is looked for when its hash fails. */
const REORDER_WINDOW = 8;

export interface ChainVerifyOptions {
  /** A head kept elsewhere: records removed from the end show only against it. */
  readonly expectedHead?: { readonly seq: number; readonly hash: string };
}

/**
 * Verifies a chain record by record, holding a window of records instead of the log: a record is
 * checked once REORDER_WINDOW records after it have arrived (a missing seq may turn up among them:
 * reordered, not removed), and the REORDER_WINDOW records before it are kept (a moved record's
 * predecessor is looked up among them). So memory stays bounded whatever the log's length: at most
 * `retained` ≤ 2 × REORDER_WINDOW records, plus the problems found. A record moved farther than the
 * window from its place is reported as edited rather than reordered; the break is found either way.
 *
 *   const v = new ChainVerifier();
 *   for await (const page of pages) v.pushAll(page);
 *   const result = v.finish();
 */
export class ChainVerifier {
  /** Pushed, not yet checked: the records after the one being checked. */
  readonly #ahead: AuditRecord[] = [];
  /** Checked, newest last: the records before the one being checked. */
  readonly #behind: AuditRecord[] = [];
  readonly #problems: ChainProblem[] = [];
  readonly #expectedHead: ChainVerifyOptions['expectedHead'];
  #records = 0;
  #expected = 1;
  #prev: AuditRecord | undefined;
  #prevBroken = false;
  #result: ChainVerification | undefined;

  constructor(options: ChainVerifyOptions = {}) {
    this.#expectedHead = options.expectedHead;
  }

  /** Records held now (the window around the record being checked); never more than 2 × REORDER_WINDOW. */
  get retained(): number {
    return this.#ahead.length + this.#behind.length;
  }

  /** The next record, in log order. */
  push(record: AuditRecord): void {
    if (this.#result !== undefined) throw new Error('ChainVerifier: push after finish');
    this.#records++;
    this.#ahead.push(record);
    if (this.#ahead.length > REORDER_WINDOW) this.#check(this.#ahead.shift() as AuditRecord);
  }

  pushAll(records: Iterable<AuditRecord>): void {
    for (const r of records) this.push(r);
  }

  /** Checks the records still held and the head; the verification of everything pushed. */
  finish(): ChainVerification {
    if (this.#result !== undefined) return this.#result;
    for (let r = this.#ahead.shift(); r !== undefined; r = this.#ahead.shift()) this.#check(r);
    const problems = this.#problems;
    const prev = this.#prev;
    const head = prev === undefined ? { seq: 0, hash: GENESIS_HASH } : { seq: prev.seq, hash: prev.hash };
    const want = this.#expectedHead;
    if (want !== undefined && want.seq > head.seq) problems.push(removed(head.seq + 1, want.seq));
    else if (want !== undefined && want.seq === head.seq && want.hash !== head.hash) problems.push(edited(head.seq, `the last record's hash is not the head kept elsewhere (${want.hash.slice(0, 12)}…)`));
    this.#result = { ok: problems.length === 0, records: this.#records, head, problems };
    return this.#result;
  }

  #check(r: AuditRecord): void {
    const problems = this.#problems;
    const expected = this.#expected;
    const prev = this.#prev;
    const before = problems.length;
    const selfConsistent = hashRecord(r) === r.hash;
    if (r.seq < expected) {
      problems.push(reordered(expected - 1, `seq ${r.seq} comes after seq ${expected - 1}`));
    } else if (r.seq > expected) {
      // Every seq seen so far is below `expected`: if it turns up at all, it is still ahead.
      if (this.#ahead.some((a) => a.seq === expected)) problems.push(reordered(expected, `seq ${r.seq} comes where seq ${expected} belongs; seq ${expected} comes later`));
      else problems.push(removed(expected, r.seq - 1));
    } else if (!selfConsistent) {
      const chainedAs = chainedSeq(r, this.#byHash(r));
      problems.push(
        chainedAs === undefined
          ? edited(r.seq, `record ${r.seq} does not match its hash: a field was changed after it was written`)
          : reordered(r.seq, `the record stored as seq ${r.seq} was written as seq ${chainedAs}: records were moved`),
      );
    } else if (!this.#prevBroken && r.prevHash !== (prev?.hash ?? GENESIS_HASH)) {
      // Both hash correctly, yet the link differs: the record before was rewritten with a new hash.
      const at = prev?.seq ?? r.seq;
      problems.push(edited(at, `record ${r.seq} points to a hash that record ${at} no longer has: record ${at} was changed and re-hashed`));
    }
    // A record already reported breaks its successor's link too: report the cause, not the echo.
    this.#prevBroken = problems.length > before;
    this.#prev = r;
    this.#expected = Math.max(expected, r.seq + 1);
    this.#behind.push(r);
    if (this.#behind.length > REORDER_WINDOW) this.#behind.shift();
  }

  /** The record in the window whose hash is `r.prevHash` (the latest in log order, as a Map built in order keeps). */
  #byHash(r: AuditRecord): AuditRecord | undefined {
    const find = (list: readonly AuditRecord[]) => list.findLast((x) => x.hash === r.prevHash);
    return find(this.#ahead) ?? (r.hash === r.prevHash ? r : undefined) ?? find(this.#behind);
  }
}

/** Verifies records in the order given (see ChainVerifier for the window it holds). */
export function verifyChain(records: Iterable<AuditRecord>, options: ChainVerifyOptions = {}): ChainVerification {
  const verifier = new ChainVerifier(options);
  verifier.pushAll(records);
  return verifier.finish();
}

/** Verifies records as they arrive (a store read page by page, an export read line by line). */
export async function verifyChainStream(records: AsyncIterable<AuditRecord> | Iterable<AuditRecord>, options: ChainVerifyOptions = {}): Promise<ChainVerification> {
  const verifier = new ChainVerifier(options);
  for await (const r of records) verifier.push(r);
  return verifier.finish();
}

/** The seq the record hashes correctly as, when that is not its stored seq (it was moved). */
function chainedSeq(r: AuditRecord, before: AuditRecord | undefined): number | undefined {
  const candidates = new Set<number>();
  if (r.prevHash === GENESIS_HASH) candidates.add(1);
  if (before !== undefined) candidates.add(before.seq + 1);
  for (let d = 1; d <= REORDER_WINDOW; d++) candidates.add(r.seq - d).add(r.seq + d);
  for (const seq of candidates) {
    if (seq >= 1 && seq !== r.seq && hashRecord({ ...r, seq }) === r.hash) return seq;
  }
  return undefined;
}

export function edited(seq: number, message: string): ChainProblem {
  return { code: 'audit/edited', seq, message, help: 'restore the record from a backup or an export; the records after it are intact only if their own checks pass' };
}

export function removed(from: number, to: number): ChainProblem {
  const what = from === to ? `record ${from} is missing` : `records ${from}–${to} are missing`;
  return { code: 'audit/removed', seq: from, message: what, help: 'restore the missing records from a backup or an export' };
}

export function reordered(seq: number, message: string): ChainProblem {
  return { code: 'audit/reordered', seq, message, help: 'records must be kept in the order they were written; restore their original seqs' };
}
