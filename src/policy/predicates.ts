/**
 * Shared predicates. Large policy sets repeat themselves: the same condition (`StringEquals
 * aws:PrincipalTag/team = payments`, `IpAddress 10.0.0.0/8`) and the same Resource list appear in
 * many statements. The compiler interns each distinct one (a `PredicateTable` per authorizer), and
 * a request evaluates each at most once: the result is memoized under the request's stamp in two
 * flat arrays, so a repeated predicate costs two array reads. Evaluation has no side effects other
 * than reporting missing keys, which a second evaluation would only repeat, so the memo changes no
 * outcome.
 *
 * Request values parsed for an operator kind (an address, a date, a number) are memoized the same
 * way, in one slot per kind and key: the many conditions on `aws:SourceIp` parse it once. A slot
 * remembers the raw value it parsed, so it answers only for that value (a context may spell a key
 * twice), and the memo is exactly `parse(raw)`.
 */
import type { Diagnostic } from './diagnostics.js';
import type { Predicate, PredicateMemo, RequestContext } from './request-context.js';
import type { HeadField, HeadFieldIds } from './resource-keys.js';

export type { Predicate } from './request-context.js';

export class PredicateTable implements PredicateMemo, HeadFieldIds {
  private readonly byKey = new Map<string, Predicate>();
  /** Interned values of the ARN head fields resource patterns require (see resource-keys.ts). */
  private readonly headFields = [new Map<string, number>(), new Map<string, number>(), new Map<string, number>()] as const;
  private stamps = new Float64Array(256);
  private values = new Uint8Array(256);
  /** Slots of parsed request values, by operator kind and key, and their per-request memo. */
  private readonly slots = new Map<string, number>();
  private readonly slotStamps: number[] = [];
  private readonly slotRaws: unknown[] = [];
  private readonly slotValues: unknown[] = [];

  get size(): number {
    return this.byKey.size;
  }

  /**
   * Returns the shared predicate for `key`, compiling it on first sight. A compilation that
   * produced diagnostics is not shared, so that every occurrence reports its own.
   */
  intern(key: string, compile: (diagnostics: Diagnostic[]) => (ctx: RequestContext) => boolean, diagnostics: Diagnostic[]): Predicate {
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const own: Diagnostic[] = [];
    const test = compile(own);
    if (own.length > 0) {
      diagnostics.push(...own);
      return { id: -1, test };
    }
    const p = { id: this.byKey.size, test };
    this.byKey.set(key, p);
    if (p.id >= this.stamps.length) this.grow();
    return p;
  }

  /** The id of a head field's value; new values get one when `add` is set (compile time), others -2. */
  headFieldId(field: HeadField, value: string, add: boolean): number {
    const ids = this.headFields[field];
    let id = ids.get(value);
    if (id === undefined) {
      if (!add) return -2;
      id = ids.size;
      ids.set(value, id);
    }
    return id;
  }

  /** The memo slot for request values parsed under `key` (operator kind and key); compile time. */
  valueSlot(key: string): number {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = this.slots.size;
      this.slots.set(key, slot);
      this.slotStamps.push(0);
      this.slotRaws.push(undefined);
      this.slotValues.push(undefined);
    }
    return slot;
  }

  /** Evaluates a predicate once per request (by `ctx.visitStamp`). */
  check(p: Predicate, ctx: RequestContext): boolean {
    const id = p.id;
    if (id < 0) return p.test(ctx);
    if (this.stamps[id] === ctx.visitStamp) return this.values[id] === 1;
    const v = p.test(ctx);
    this.stamps[id] = ctx.visitStamp;
    this.values[id] = v ? 1 : 0;
    return v;
  }

  parsedOne<R>(slot: number, ctx: RequestContext, raw: string, parse: (raw: string) => R | undefined): R | undefined {
    if (this.slotStamps[slot] === ctx.visitStamp && this.slotRaws[slot] === raw) return this.slotValues[slot] as R | undefined;
    return this.remember(slot, ctx, raw, parse(raw));
  }

  parsedMany<R>(slot: number, ctx: RequestContext, raw: readonly string[], parse: (raw: string) => R | undefined): readonly (R | undefined)[] {
    if (this.slotStamps[slot] === ctx.visitStamp && this.slotRaws[slot] === raw) return this.slotValues[slot] as readonly (R | undefined)[];
    return this.remember(slot, ctx, raw, raw.map(parse));
  }

  private remember<T>(slot: number, ctx: RequestContext, raw: unknown, value: T): T {
    this.slotStamps[slot] = ctx.visitStamp;
    this.slotRaws[slot] = raw;
    this.slotValues[slot] = value;
    return value;
  }

  private grow(): void {
    const stamps = new Float64Array(this.stamps.length * 2);
    stamps.set(this.stamps);
    const values = new Uint8Array(this.values.length * 2);
    values.set(this.values);
    this.stamps = stamps;
    this.values = values;
  }
}
