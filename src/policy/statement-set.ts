/**
 * A set of statements indexed by resource, so that a decision evaluates only statements whose
 * Resource could match the request's resource.
 *
 * A Resource pattern is indexed by its ARN service field and the literal prefix of its resource
 * field (up to the first wildcard or variable): `arn:aws:dynamodb:*:111122223333:table/orders-3*`
 * under (`dynamodb`, `table/orders-3`). Region, account and partition are checked from the key
 * (resource-keys.ts), so region wildcards index as well as exact ARNs. A request looks up its own
 * service field, then each distinct prefix length of that service's patterns: the candidates are
 * the statements whose prefix is a prefix of the request's resource field. Statements that can match anywhere (`*`,
 * NotResource, a wildcard service) are visited for every request. Small sets skip the index: a
 * linear scan is faster than the lookups.
 */
import type { ResourceArn } from './arn-fields.js';
import type { CompiledStatement } from './compile-statement.js';
import { applies } from './applies.js';
import type { StatementRef } from './decision.js';
import type { RequestContext } from './request-context.js';
import type { ResourceKey } from './resource-keys.js';

const LINEAR_BELOW = 2;

type Key = ResourceKey<CompiledStatement>;

interface ServiceBucket {
  /** Distinct prefix lengths, ascending. */
  readonly lengths: number[];
  readonly byPrefix: Map<string, Key[]>;
}

export class StatementSet {
  readonly size: number;
  private readonly linear?: readonly CompiledStatement[];
  private readonly everywhere: CompiledStatement[] = [];
  private readonly byService = new Map<string, ServiceBucket>();
  private readonly found: CompiledStatement[] = [];
  private readonly foundResourceMatches: boolean[] = [];

  constructor(statements: readonly CompiledStatement[]) {
    this.size = statements.length;
    if (statements.length < LINEAR_BELOW) {
      this.linear = statements;
      return;
    }
    for (const s of statements) this.insert(s);
  }

  /**
   * Calls `visit` once for every statement that could apply to the request's resource.
   * `resourceMatches` is true when the index alone has decided that the statement's Resource
   * matches (see resource-keys.ts); otherwise the statement's resource test must still run.
   */
  forEachCandidate(ctx: RequestContext, visit: (s: CompiledStatement, resourceMatches: boolean) => void): void {
    const n = this.gather(ctx);
    for (let i = 0; i < n; i++) visit(this.found[i] as CompiledStatement, this.foundResourceMatches[i] === true);
  }

  /**
   * The refs of the candidates that apply, skipping SCP and RCP statements when asked. Allocates
   * nothing when none applies (the common case for most steps of most requests).
   */
  collect(ctx: RequestContext, hasBoundary: boolean, skipOrgPolicies: boolean): StatementRef[] {
    let out: StatementRef[] | undefined;
    const n = this.gather(ctx);
    for (let i = 0; i < n; i++) {
      const s = this.found[i] as CompiledStatement;
      if (skipOrgPolicies && (s.ref.policyType === 'scp' || s.ref.policyType === 'rcp')) continue;
      if (applies(s, ctx, hasBoundary, this.foundResourceMatches[i] === true)) (out ??= []).push(s.ref);
    }
    return out ?? [];
  }

  /**
   * Puts the candidates for the request in `found` (and whether the index decided that their
   * Resource matches in `foundResourceMatches`) and returns how many there are. The two arrays
   * are scratch reused by every request, so that a decision allocates nothing to list its
   * candidates; they are read right after, before anything else can gather.
   */
  private gather(ctx: RequestContext): number {
    let n = 0;
    const add = this.linear ?? this.everywhere;
    for (let i = 0; i < add.length; i++) {
      this.found[n] = add[i] as CompiledStatement;
      this.foundResourceMatches[n++] = false;
    }
    if (this.byService.size === 0) return n;
    const arn = ctx.resourceArn;
    if (arn === undefined) return n;
    const bucket = this.byService.get(arn.service);
    if (bucket === undefined) return n;
    const field = arn.resource;
    const stamp = ctx.visitStamp;
    for (const length of bucket.lengths) {
      if (length > field.length) break;
      const keys = bucket.byPrefix.get(length === field.length ? field : field.slice(0, length));
      if (keys === undefined) continue;
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i] as Key;
        // A pattern the key decides and that does not match: the statement may still match
        // through another of its patterns (found under that pattern's prefix).
        if (k.decides && !keyMatches(k, ctx)) continue;
        const s = k.statement;
        // A statement with several patterns sits under several prefixes: take it once.
        if ((s.resourceKeys as readonly Key[]).length > 1) {
          if (s.lastVisit === stamp) continue;
          s.lastVisit = stamp;
        }
        this.found[n] = s;
        this.foundResourceMatches[n++] = k.decides;
      }
    }
    return n;
  }

  private insert(s: CompiledStatement): void {
    const keys = s.resourceKeys;
    if (keys === undefined || keys.length === 0) {
      this.everywhere.push(s);
      return;
    }
    for (const k of keys) {
      let bucket = this.byService.get(k.service);
      if (bucket === undefined) {
        bucket = { lengths: [], byPrefix: new Map() };
        this.byService.set(k.service, bucket);
      }
      const list = bucket.byPrefix.get(k.prefix);
      if (list === undefined) {
        bucket.byPrefix.set(k.prefix, [k]);
        if (!bucket.lengths.includes(k.prefix.length)) {
          bucket.lengths.push(k.prefix.length);
          bucket.lengths.sort((a, b) => a - b);
        }
      } else list.push(k);
    }
  }
}

/** Whether the parts of a field-wise pattern the index has not matched (ARN head, exact length) match. */
function keyMatches(k: Key, ctx: RequestContext): boolean {
  return (
    (k.resourceLength < 0 || k.resourceLength === (ctx.resourceArn as ResourceArn).resourceLength) &&
    (k.account < 0 || k.account === ctx.headFieldId(2)) &&
    (k.region < 0 || k.region === ctx.headFieldId(1)) &&
    (k.partition < 0 || k.partition === ctx.headFieldId(0))
  );
}
