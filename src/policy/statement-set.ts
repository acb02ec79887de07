/**
 * A set of statements indexed by resource, so that a decision evaluates only statements whose
 * Resource could match the request's resource.
 *
 * A Resource pattern is indexed by its ARN service field and the literal prefix of its resource
 * field (up to the first wildcard or variable): `arn:aws:dynamodb:*:111122223333:table/orders-3*`
 * under (`dynamodb`, `table/orders-3`). Region, account and partition are left to the matcher, so
 * region wildcards index as well as exact ARNs. A request looks up its own service field, then
 * each distinct prefix length of that service's patterns: the candidates are the statements whose
 * prefix is a prefix of the request's resource field. Statements that can match anywhere (`*`,
 * NotResource, a wildcard service) are visited for every request. Small sets skip the index: a
 * linear scan is faster than the lookups.
 */
import type { CompiledStatement } from './compile-statement.js';
import { applies } from './applies.js';
import type { StatementRef } from './decision.js';
import type { RequestContext } from './request-context.js';

const LINEAR_BELOW = 2;

interface ServiceBucket {
  /** Distinct prefix lengths, ascending. */
  readonly lengths: number[];
  /** By prefix length, by prefix. */
  readonly byLength: Map<number, Map<string, CompiledStatement[]>>;
}

export class StatementSet {
  readonly size: number;
  private readonly linear?: readonly CompiledStatement[];
  private readonly everywhere: CompiledStatement[] = [];
  private readonly byService = new Map<string, ServiceBucket>();

  constructor(statements: readonly CompiledStatement[]) {
    this.size = statements.length;
    if (statements.length < LINEAR_BELOW) {
      this.linear = statements;
      return;
    }
    for (const s of statements) this.insert(s);
  }

  /**
   * Calls `visit` once for every statement that could apply to the request's resource. `indexed`
   * is true when the statement was found through its one Resource pattern's bucket, so its service
   * field and resource prefix are known to match.
   */
  forEachCandidate(ctx: RequestContext, visit: (s: CompiledStatement, indexed: boolean) => void): void {
    if (this.linear !== undefined) {
      for (let i = 0; i < this.linear.length; i++) visit(this.linear[i] as CompiledStatement, false);
      return;
    }
    for (let i = 0; i < this.everywhere.length; i++) visit(this.everywhere[i] as CompiledStatement, false);
    if (this.byService.size === 0) return;
    const fields = ctx.resourceFields;
    if (fields === undefined) return;
    const bucket = this.byService.get(fields[2] as string);
    if (bucket === undefined) return;
    const field = fields[5] as string;
    const stamp = ctx.visitStamp;
    for (const length of bucket.lengths) {
      if (length > field.length) break;
      const list = bucket.byLength.get(length)?.get(length === field.length ? field : field.slice(0, length));
      if (list === undefined) continue;
      for (let i = 0; i < list.length; i++) {
        const s = list[i] as CompiledStatement;
        // A statement with several patterns sits under several prefixes: visit it once.
        if (s.resourceKeys !== undefined && s.resourceKeys.length > 1) {
          if (s.visit.stamp === stamp) continue;
          s.visit.stamp = stamp;
          visit(s, false);
        } else visit(s, true);
      }
    }
  }

  /**
   * The refs of the candidates that apply, skipping SCP and RCP statements when asked. Allocates
   * nothing when none applies (the common case for most steps of most requests).
   */
  collect(ctx: RequestContext, hasBoundary: boolean, skipOrgPolicies: boolean): StatementRef[] {
    let out: StatementRef[] | undefined;
    const take = (s: CompiledStatement, indexed: boolean): void => {
      if (skipOrgPolicies && (s.ref.policyType === 'scp' || s.ref.policyType === 'rcp')) return;
      if (applies(s, ctx, hasBoundary, indexed)) (out ??= []).push(s.ref);
    };
    if (this.linear !== undefined) {
      for (let i = 0; i < this.linear.length; i++) take(this.linear[i] as CompiledStatement, false);
    } else this.forEachCandidate(ctx, take);
    return out ?? [];
  }

  private insert(s: CompiledStatement): void {
    const keys = s.resourceKeys;
    if (keys === undefined || keys.length === 0) {
      this.everywhere.push(s);
      return;
    }
    for (const k of new Set(keys.map((x) => `${x.service}\u0000${x.prefix}`))) {
      const [service = '', prefix = ''] = k.split('\u0000');
      let bucket = this.byService.get(service);
      if (bucket === undefined) {
        bucket = { lengths: [], byLength: new Map() };
        this.byService.set(service, bucket);
      }
      let byPrefix = bucket.byLength.get(prefix.length);
      if (byPrefix === undefined) {
        byPrefix = new Map();
        bucket.byLength.set(prefix.length, byPrefix);
        bucket.lengths.push(prefix.length);
        bucket.lengths.sort((a, b) => a - b);
      }
      const list = byPrefix.get(prefix);
      if (list === undefined) byPrefix.set(prefix, [s]);
      else list.push(s);
    }
  }
}
