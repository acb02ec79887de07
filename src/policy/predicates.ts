/**
 * Shared predicates. Large policy sets repeat themselves: the same condition (`StringEquals
 * aws:PrincipalTag/team = payments`, `IpAddress 10.0.0.0/8`) and the same Resource list appear in
 * many statements. The compiler interns each distinct one (a `PredicateTable` per authorizer), and
 * a request evaluates each at most once: the result is memoized under the request's stamp in two
 * flat arrays, so a repeated predicate costs two array reads. Evaluation has no side effects other
 * than reporting missing keys, which a second evaluation would only repeat, so the memo changes no
 * outcome.
 */
import type { Diagnostic } from './diagnostics.js';
import type { Predicate, PredicateMemo, RequestContext } from './request-context.js';

export type { Predicate } from './request-context.js';

export class PredicateTable implements PredicateMemo {
  private readonly byKey = new Map<string, Predicate>();
  /** Interned ARN heads (partition, region, account; `*` where a pattern leaves one open). */
  private readonly heads = new Map<string, number>();
  private stamps = new Float64Array(256);
  private values = new Uint8Array(256);

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

  /** The id of an ARN head signature; new ones are added when `add` is set (compile time). */
  headId(signature: string, add: boolean): number {
    const id = this.heads.get(signature);
    if (id !== undefined || !add) return id ?? -1;
    this.heads.set(signature, this.heads.size);
    return this.heads.size - 1;
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

  private grow(): void {
    const stamps = new Float64Array(this.stamps.length * 2);
    stamps.set(this.stamps);
    const values = new Uint8Array(this.values.length * 2);
    values.set(this.values);
    this.stamps = stamps;
    this.values = values;
  }
}
