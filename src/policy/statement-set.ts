/**
 * A set of statements indexed by resource, so that a decision evaluates only statements whose
 * Resource could match the request's resource.
 *
 * A Resource pattern is indexed by its ARN service field and the literal prefix of its resource
 * field (up to the first wildcard or variable): `arn:aws:dynamodb:*:111122223333:table/orders-3*`
 * under (`dynamodb`, `table/orders-3`). Region, account and partition are checked from the key
 * (resource-keys.ts), so region wildcards index as well as exact ARNs. A request looks up its own
 * service field, then each distinct prefix length of that service's patterns: the candidates are
 * the statements whose prefix is a prefix of the request's resource field. Statements that can
 * match anywhere (`*`, NotResource, a wildcard service) are visited for every request. Small sets
 * skip the index: a linear scan is faster than the lookups.
 *
 * In a large set the index data is mostly out of the CPU cache, so its layout is chosen for few
 * memory reads rather than few instructions (at 10,000 statements, a per-action index of Maps and
 * key objects cost about 1.4 µs a decision more than at 1,000, for the same ~2 candidates: cache
 * misses, not more work). There is one ResourceIndex per authorizer, over the
 * statements of every policy, shared by the sets of every action: the parts of it that requests
 * use stay warm, whereas per-action indexes (one per action, each visited by a few requests) are
 * cold and cost a cache miss at every step. A set keeps a bitset of the index keys that belong to
 * its statements and skips the others. The services sit in an open-addressing table probed with
 * a hash of the request's service field, and each service's prefixes in an open-addressing table
 * of typed arrays, probed with the rolling hash of the request's resource field as one pass over
 * it reaches each prefix length (no substring is cut or hashed per lookup); the entries a request matches are
 * found once and reused by every set the decision consults. Patterns with an exact resource field
 * (exact ARNs, region wildcards) are looked up only under the request's whole field: a shorter
 * prefix cannot match them.
 */
import type { ResourceArn } from './arn-fields.js';
import type { CompiledStatement } from './compile-statement.js';
import { applies } from './applies.js';
import { sortRefs, type StatementRef } from './decision.js';
import type { RequestContext } from './request-context.js';
import type { ResourceKey } from './resource-keys.js';

const LINEAR_BELOW = 2;

type Key = ResourceKey<CompiledStatement>;

/** Hashes of exact-field entries are salted, so that `orders-3` exact and `orders-3*` are different entries. */
const EXACT_SALT = 0x2545f491;

/** Strides of the packed entry and key records. */
const ENTRY = 6; // hash, exact (0/1), first key, end of keys, offset of the prefix in `chars`, prefix length
const KEY = 4; // flags (DECIDES | SHARED), partition, region, account
const DECIDES = 1;
const SHARED = 2;

/** One service's entries: a hash table over (resource-field prefix, exact or not). */
interface ServiceBucket {
  /** Distinct prefix lengths of the non-exact entries, ascending. */
  readonly lengths: Int32Array;
  /** Whether the bucket has exact-field entries (looked up under the request's whole field). */
  readonly hasExact: boolean;
  /** Open addressing, linear probing: entry index + 1, 0 for an empty slot. */
  readonly slots: Int32Array;
  readonly mask: number;
  /** ENTRY ints per entry; keys of an entry are contiguous in the index's key records. */
  readonly entries: Int32Array;
}

/**
 * The resource index of a whole policy set: every Resource pattern's key, grouped by service and
 * prefix. Key records are packed: a set rejects a key of another set, or a pattern whose head
 * fields do not match, without reading any object.
 */
export class ResourceIndex {
  /** Open addressing over the services' names (linear probing; undefined: an empty slot), and their buckets in the same slots. */
  private readonly serviceNames: (string | undefined)[];
  private readonly serviceBuckets: (ServiceBucket | undefined)[];
  /** KEY ints per key: what the index decides with (see resource-keys.ts). */
  private readonly keys: Int32Array;
  private readonly keyStatement: CompiledStatement[] = [];
  /** Every entry's prefix, as UTF-16 code units (compared with the request's without reading a string). */
  private chars = new Uint16Array(1024);
  private charCount = 0;
  /** The key ids of each indexed statement (for building sets). */
  private readonly idsOf = new Map<CompiledStatement, number[]>();
  /** Per request (by stamp): the key ranges [from, to) of the entries that match its resource. */
  private rangesOf = -1;
  private ranges = new Int32Array(16);
  private rangeCount = 0;

  constructor(statements: Iterable<CompiledStatement>) {
    const byService = new Map<string, Key[]>();
    let count = 0;
    for (const s of statements) {
      for (const k of s.resourceKeys ?? []) {
        const list = byService.get(k.service);
        if (list === undefined) byService.set(k.service, [k]);
        else list.push(k);
        count++;
      }
    }
    this.keys = new Int32Array(count * KEY);
    let size = 8;
    while (size < 2 * byService.size) size *= 2;
    this.serviceNames = new Array<string | undefined>(size).fill(undefined);
    this.serviceBuckets = new Array<ServiceBucket | undefined>(size).fill(undefined);
    for (const [service, keys] of byService) {
      let slot = mix(extendHash(service)) & (size - 1);
      while (this.serviceNames[slot] !== undefined) slot = (slot + 1) & (size - 1);
      this.serviceNames[slot] = service;
      this.serviceBuckets[slot] = this.bucket(keys);
    }
  }

  get keyCount(): number {
    return this.keyStatement.length;
  }

  /** The ids of a statement's keys (none when it is not indexed). */
  keyIds(s: CompiledStatement): readonly number[] {
    return this.idsOf.get(s) ?? [];
  }

  statementOf(id: number): CompiledStatement {
    return this.keyStatement[id] as CompiledStatement;
  }

  /**
   * How many entries match the request's resource; their keys are the ids in
   * [matchedRanges[2i], matchedRanges[2i + 1]). Found once per request, and read right after.
   */
  matching(ctx: RequestContext, arn: ResourceArn): number {
    if (this.rangesOf !== ctx.visitStamp) this.find(ctx, arn);
    return this.rangeCount;
  }

  get matchedRanges(): Int32Array {
    return this.ranges;
  }

  flags(id: number): number {
    return this.keys[id * KEY] as number;
  }

  /** Whether the ARN head fields a decided key requires (partition, region, account) match the request's. */
  headMatches(id: number, ctx: RequestContext): boolean {
    const at = id * KEY;
    const partition = this.keys[at + 1] as number;
    const region = this.keys[at + 2] as number;
    const account = this.keys[at + 3] as number;
    return (account < 0 || account === ctx.headFieldId(2)) && (region < 0 || region === ctx.headFieldId(1)) && (partition < 0 || partition === ctx.headFieldId(0));
  }

  private find(ctx: RequestContext, arn: ResourceArn): void {
    this.rangesOf = ctx.visitStamp;
    this.rangeCount = 0;
    const bucket = this.bucketOf(arn);
    if (bucket === undefined) return;
    // One pass over the request's resource field, in place: the rolling hash of each prefix is
    // probed as soon as it reaches one of the bucket's prefix lengths, then the whole field's
    // for exact entries. Prefixes longer than the field cannot match.
    const text = arn.text;
    const start = arn.resourceStart;
    const fieldLength = arn.resourceLength;
    const lengths = bucket.lengths;
    let h = 0;
    let i = 0;
    for (let l = 0; l < lengths.length; l++) {
      const length = lengths[l] as number;
      if (length > fieldLength) break;
      for (; i < length; i++) h = (Math.imul(h, 31) + text.charCodeAt(start + i)) | 0;
      this.probe(bucket, h, length, 0, text, start);
    }
    if (!bucket.hasExact) return;
    for (; i < fieldLength; i++) h = (Math.imul(h, 31) + text.charCodeAt(start + i)) | 0;
    this.probe(bucket, h ^ EXACT_SALT, fieldLength, 1, text, start);
  }

  /**
   * The bucket of the request's service, found by hashing the service field in place (no substring
   * is cut, hashed and compared by a Map on every request).
   */
  private bucketOf(arn: ResourceArn): ServiceBucket | undefined {
    const text = arn.text;
    const start = arn.serviceStart;
    const length = arn.serviceLength;
    let h = 0;
    for (let i = 0; i < length; i++) h = (Math.imul(h, 31) + text.charCodeAt(start + i)) | 0;
    const names = this.serviceNames;
    const mask = names.length - 1;
    for (let slot = mix(h) & mask; ; slot = (slot + 1) & mask) {
      const name = names[slot];
      if (name === undefined) return undefined;
      if (name.length === length && text.startsWith(name, start)) return this.serviceBuckets[slot];
    }
  }

  /** Records the keys of the entry with this hash whose prefix is the first `length` characters of the request's field (at `start` in `text`). */
  private probe(b: ServiceBucket, hash: number, length: number, exact: number, text: string, start: number): void {
    const mask = b.mask;
    const entries = b.entries;
    for (let slot = mix(hash) & mask; ; slot = (slot + 1) & mask) {
      const e = (b.slots[slot] as number) - 1;
      if (e < 0) return;
      const at = e * ENTRY;
      if (entries[at] !== hash || entries[at + 1] !== exact || entries[at + 5] !== length || !samePrefix(this.chars, entries[at + 4] as number, length, text, start)) continue;
      const n = this.rangeCount;
      if (2 * n + 2 > this.ranges.length) {
        const grown = new Int32Array(this.ranges.length * 2);
        grown.set(this.ranges);
        this.ranges = grown;
      }
      this.ranges[2 * n] = entries[at + 2] as number;
      this.ranges[2 * n + 1] = entries[at + 3] as number;
      this.rangeCount = n + 1;
      return;
    }
  }

  private bucket(keys: readonly Key[]): ServiceBucket {
    // Entries in first-seen order; each entry's keys in insertion order.
    const grouped = new Map<string, Key[]>();
    for (const k of keys) {
      const id = `${isExact(k) ? 'e' : 'p'}${k.prefix}`;
      const list = grouped.get(id);
      if (list === undefined) grouped.set(id, [k]);
      else list.push(k);
    }
    const count = grouped.size;
    let size = 8;
    while (size < 2 * count) size *= 2;
    const mask = size - 1;
    const slots = new Int32Array(size);
    const entries = new Int32Array(count * ENTRY);
    const lengths = new Set<number>();
    let hasExact = false;
    let e = 0;
    for (const list of grouped.values()) {
      const first = list[0] as Key;
      const exact = isExact(first);
      const hash = extendHash(first.prefix) ^ (exact ? EXACT_SALT : 0);
      if (exact) hasExact = true;
      else lengths.add(first.prefix.length);
      entries[e * ENTRY] = hash;
      entries[e * ENTRY + 1] = exact ? 1 : 0;
      entries[e * ENTRY + 2] = this.keyStatement.length;
      entries[e * ENTRY + 4] = this.addChars(first.prefix);
      entries[e * ENTRY + 5] = first.prefix.length;
      for (const k of list) {
        const id = this.keyStatement.length;
        const s = k.statement;
        this.keyStatement.push(s);
        const ids = this.idsOf.get(s);
        if (ids === undefined) this.idsOf.set(s, [id]);
        else ids.push(id);
        this.keys[id * KEY] = (k.decides ? DECIDES : 0) | ((s.resourceKeys?.length ?? 0) > 1 ? SHARED : 0);
        this.keys[id * KEY + 1] = k.partition;
        this.keys[id * KEY + 2] = k.region;
        this.keys[id * KEY + 3] = k.account;
      }
      entries[e * ENTRY + 3] = this.keyStatement.length;
      let slot = mix(hash) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = e + 1;
      e++;
    }
    return { lengths: Int32Array.from([...lengths].sort((a, b) => a - b)), hasExact, slots, mask, entries };
  }

  /** Appends a prefix's code units to `chars`; returns where they start. */
  private addChars(prefix: string): number {
    const at = this.charCount;
    if (at + prefix.length > this.chars.length) {
      const grown = new Uint16Array(2 * (at + prefix.length));
      grown.set(this.chars);
      this.chars = grown;
    }
    for (let i = 0; i < prefix.length; i++) this.chars[at + i] = prefix.charCodeAt(i);
    this.charCount = at + prefix.length;
    return at;
  }
}

/** The candidates of the last gather (see StatementSet.gather). */
const found: CompiledStatement[] = [];
const foundResourceMatches: boolean[] = [];

export class StatementSet {
  readonly size: number;
  private readonly linear?: readonly CompiledStatement[];
  private readonly everywhere: CompiledStatement[] = [];
  /** Bitset over the index's key ids: the keys of this set's statements. */
  private readonly members?: Int32Array;

  constructor(
    statements: readonly CompiledStatement[],
    private readonly index: ResourceIndex,
  ) {
    this.size = statements.length;
    if (statements.length < LINEAR_BELOW) {
      this.linear = statements;
      return;
    }
    let members: Int32Array | undefined;
    for (const s of statements) {
      const ids = index.keyIds(s);
      if (ids.length === 0) {
        this.everywhere.push(s);
        continue;
      }
      members ??= new Int32Array((index.keyCount + 31) >>> 5);
      for (const id of ids) members[id >>> 5] = (members[id >>> 5] as number) | (1 << (id & 31));
    }
    this.members = members;
  }

  /**
   * Calls `visit` once for every statement that could apply to the request's resource.
   * `resourceMatches` is true when the index alone has decided that the statement's Resource
   * matches (see resource-keys.ts); otherwise the statement's resource test must still run.
   */
  forEachCandidate(ctx: RequestContext, visit: (s: CompiledStatement, resourceMatches: boolean) => void): void {
    const n = this.gather(ctx);
    for (let i = 0; i < n; i++) visit(found[i] as CompiledStatement, foundResourceMatches[i] === true);
  }

  /**
   * The refs of the candidates that apply, in document order, skipping SCP and RCP statements
   * when asked. Allocates nothing when none applies (the common case for most steps of most
   * requests).
   */
  collect(ctx: RequestContext, hasBoundary: boolean, skipOrgPolicies: boolean): readonly StatementRef[] {
    let out: StatementRef[] | undefined;
    // Whether the refs came in document order, judged by the statements' ranks (the statements
    // are in cache, having just been evaluated; their refs are not).
    let ordered = true;
    let last = -1;
    const n = this.gather(ctx);
    for (let i = 0; i < n; i++) {
      const s = found[i] as CompiledStatement;
      if (skipOrgPolicies && (s.ref.policyType === 'scp' || s.ref.policyType === 'rcp')) continue;
      if (applies(s, ctx, hasBoundary, foundResourceMatches[i] === true)) {
        (out ??= []).push(s.ref);
        if (!(s.rank > last)) ordered = false;
        last = s.rank;
      }
    }
    if (out === undefined) return [];
    return ordered ? out : sortRefs(out);
  }

  /**
   * Puts the candidates for the request in `found` (and whether the index decided that their
   * Resource matches in `foundResourceMatches`) and returns how many there are. The two arrays
   * are scratch shared by every set and request, so that a decision allocates nothing to list its
   * candidates and writes to memory that is warm; they are read right after, before anything else
   * can gather (evaluating a statement never gathers).
   */
  private gather(ctx: RequestContext): number {
    let n = 0;
    const add = this.linear ?? this.everywhere;
    for (let i = 0; i < add.length; i++) {
      found[n] = add[i] as CompiledStatement;
      foundResourceMatches[n++] = false;
    }
    const members = this.members;
    if (members === undefined) return n;
    const arn = ctx.resourceArn;
    if (arn === undefined) return n;
    const index = this.index;
    const count = index.matching(ctx, arn);
    const ranges = index.matchedRanges;
    const stamp = ctx.visitStamp;
    for (let r = 0; r < count; r++) {
      const end = ranges[2 * r + 1] as number;
      for (let id = ranges[2 * r] as number; id < end; id++) {
        if (((members[id >>> 5] as number) & (1 << (id & 31))) === 0) continue;
        const flags = index.flags(id);
        const decides = (flags & DECIDES) !== 0;
        // A pattern the key decides and that does not match: the statement may still match
        // through another of its patterns (found under that pattern's prefix).
        if (decides && !index.headMatches(id, ctx)) continue;
        const s = index.statementOf(id);
        // A statement with several patterns sits under several prefixes: take it once.
        if ((flags & SHARED) !== 0) {
          if (s.lastVisit === stamp) continue;
          s.lastVisit = stamp;
        }
        found[n] = s;
        foundResourceMatches[n++] = decides;
      }
    }
    return n;
  }
}

/** Rolling hash of a string: h(i + 1) = 31·h(i) + code(i), as int32. */
function extendHash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return h;
}

/** Spreads a hash's bits before it picks a slot (the rolling hash's low bits are weak). */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return h ^ (h >>> 13);
}

/** Whether `length` code units of `chars` from `at` are those of `text` from `start`. */
function samePrefix(chars: Uint16Array, at: number, length: number, text: string, start: number): boolean {
  for (let i = 0; i < length; i++) if (chars[at + i] !== text.charCodeAt(start + i)) return false;
  return true;
}

/** An exact-field pattern (its resource length is known) lives in its own entry, looked up under the whole field. */
const isExact = (k: Key): boolean => k.resourceLength >= 0;
