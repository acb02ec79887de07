/**
 * The per-request view the compiled statements read: context keys by case-insensitive name, keys
 * derived from the principal, request values parsed once per operator type, and the record of keys
 * that statements consulted but the request lacked.
 *
 * Everything is lazy and allocation-light because it runs on every decision: a key spelled in the
 * policy as in the request is read straight from the request object; only other spellings build
 * the lower-cased key map.
 */
import { splitArn, type ResourceArn } from './arn-fields.js';
import { accountOf } from './arn.js';
import { parseCaller, type Caller } from './principal.js';
import type { HeadField, HeadFieldIds } from './resource-keys.js';
import type { AuthorizationRequest, ContextValue } from './request.js';

/** Callers parsed once per principal string, shared across requests (bounded). */
export class CallerCache {
  private readonly map = new Map<string, Caller>();
  /** The last principal asked for: calls come in runs from one caller, and comparing a string is cheaper than hashing it. */
  private lastPrincipal = '';
  private lastCaller: Caller | undefined;
  get(principal: string): Caller {
    if (principal === this.lastPrincipal && this.lastCaller !== undefined) return this.lastCaller;
    let c = this.map.get(principal);
    if (c === undefined) {
      c = parseCaller(principal);
      if (this.map.size >= 10_000) this.map.clear();
      this.map.set(principal, c);
    }
    this.lastPrincipal = principal;
    this.lastCaller = c;
    return c;
  }
}

/** A compiled test over a request, shared across statements (see predicates.ts). */
export interface Predicate {
  /** Dense id in its table; -1 for a predicate outside any table (evaluated directly). */
  readonly id: number;
  readonly test: (ctx: RequestContext) => boolean;
}

/** What the request needs of the authorizer's predicate table (implemented in predicates.ts). */
export interface PredicateMemo extends HeadFieldIds {
  check(p: Predicate, ctx: RequestContext): boolean;
  /** `parse(raw)`, computed at most once per request for one slot and one raw value. */
  parsedOne<R>(slot: number, ctx: RequestContext, raw: string, parse: (raw: string) => R | undefined): R | undefined;
  /** `raw.map(parse)`, likewise. */
  parsedMany<R>(slot: number, ctx: RequestContext, raw: readonly string[], parse: (raw: string) => R | undefined): readonly (R | undefined)[];
}

const hasOwn = Object.prototype.hasOwnProperty;
let stamps = 0;

export class RequestContext {
  readonly request: AuthorizationRequest;
  private actionLowerCache: string | undefined;
  private callerCache: Caller | undefined;
  private names: string[] | undefined;
  private missing: string[] | undefined;
  private arn: ResourceArn | undefined | null = null;
  /** Interned ids of the resource ARN's partition, region and account; -3 until looked up. */
  private partitionId = -3;
  private regionId = -3;
  private accountId = -3;
  /** Distinguishes this request in the authorizer's memos and the resource index's visits. */
  readonly visitStamp = ++stamps;

  constructor(
    request: AuthorizationRequest,
    private readonly callers?: CallerCache,
    private readonly predicates?: PredicateMemo,
  ) {
    this.request = request;
  }

  get actionLower(): string {
    return (this.actionLowerCache ??= this.request.action.toLowerCase());
  }

  /** Evaluates a shared predicate, at most once for this request when the authorizer memoizes. */
  check(p: Predicate): boolean {
    return this.predicates === undefined ? p.test(this) : this.predicates.check(p, this);
  }

  get caller(): Caller {
    return (this.callerCache ??= this.callers?.get(this.request.principal) ?? parseCaller(this.request.principal));
  }

  get principalAccount(): string | undefined {
    return this.caller.account;
  }

  get resourceAccount(): string | undefined {
    return this.request.resourceAccount ?? this.principalAccount ?? accountOf(this.request.resource);
  }

  /** The resource ARN's field positions, found on first use; undefined when it is not an ARN. */
  get resourceArn(): ResourceArn | undefined {
    if (this.arn === null) this.arn = splitArn(this.request.resource);
    return this.arn;
  }

  /**
   * The interned id of one of the resource ARN's head fields (-2 when no pattern requires its
   * value). Only for requests the resource index has found to be ARNs.
   */
  headFieldId(field: HeadField): number {
    switch (field) {
      case 0:
        return this.partitionId !== -3 ? this.partitionId : (this.partitionId = this.internedHead(0, (this.resourceArn as ResourceArn).partition));
      case 1:
        return this.regionId !== -3 ? this.regionId : (this.regionId = this.internedHead(1, (this.resourceArn as ResourceArn).region));
      default:
        return this.accountId !== -3 ? this.accountId : (this.accountId = this.internedHead(2, (this.resourceArn as ResourceArn).account));
    }
  }

  private internedHead(field: HeadField, value: string): number {
    return this.predicates === undefined ? -2 : this.predicates.headFieldId(field, value, false);
  }

  /**
   * A key's value: a string, a non-empty list, or undefined when missing (an empty list counts as
   * missing). `spelled` is the name as the policy writes it, `lower` its lower-cased form.
   */
  lookup(spelled: string, lower: string): ContextValue | undefined {
    const context = this.request.context;
    if (context !== undefined) {
      // No own-property check on this path: a key inherited from Object.prototype (`toString`)
      // is a function or an object, never a string or an array, so the type test excludes it
      // (and saves a megamorphic hasOwnProperty call per condition).
      const v = context[spelled];
      if (typeof v === 'string') return v;
      if (Array.isArray(v) && v.length > 0 && hasOwn.call(context, spelled)) return v;
      // Names are case-insensitive: another spelling of the key (compared only at equal length).
      const names = (this.names ??= Object.keys(context));
      for (let i = 0; i < names.length; i++) {
        const name = names[i] as string;
        if (name.length !== lower.length || name === spelled || name.toLowerCase() !== lower) continue;
        const v = context[name];
        if (v !== undefined && (typeof v === 'string' || v.length > 0)) return v;
      }
    }
    return this.derived(lower);
  }

  /** Values of a key as a list (for callers that want one shape). */
  values(lower: string): readonly string[] | undefined {
    const v = this.lookup(lower, lower);
    return v === undefined ? undefined : typeof v === 'string' ? [v] : v;
  }

  /**
   * A key's value for policy-variable substitution: the string, undefined when missing, null when
   * multi-valued (a list, whatever its length: it is not substituted).
   */
  variable(key: string): string | null | undefined {
    const v = this.lookup(key, key.toLowerCase());
    return v === undefined || typeof v === 'string' ? v : null;
  }

  /**
   * A request value parsed by `parse`. `slot` (from the authorizer's table, -1 for none) names the
   * operator kind and key, so that the statements consulting the same key parse it once.
   */
  parsedOne<R>(slot: number, raw: string, parse: (raw: string) => R | undefined): R | undefined {
    return this.predicates === undefined || slot < 0 ? parse(raw) : this.predicates.parsedOne(slot, this, raw, parse);
  }

  /** Every value of a multi-valued key parsed by `parse`, likewise. */
  parsedMany<R>(slot: number, raw: readonly string[], parse: (raw: string) => R | undefined): readonly (R | undefined)[] {
    return this.predicates === undefined || slot < 0 ? raw.map(parse) : this.predicates.parsedMany(slot, this, raw, parse);
  }

  /** Records a key a statement needed and the request lacked (spelled as in the policy). */
  reportMissing(key: string): void {
    const missing = (this.missing ??= []);
    for (let i = 0; i < missing.length; i++) if ((missing[i] as string).toLowerCase() === key.toLowerCase()) return;
    missing.push(key);
  }

  /** The missing keys, sorted case-insensitively. */
  missingKeys(): readonly string[] {
    if (this.missing === undefined) return [];
    return this.missing.length < 2 ? this.missing : this.missing.sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
  }

  /** Keys AWS computes from the request itself (docs/semantics.md, "The request"); the context wins. */
  private derived(lower: string): string | undefined {
    if (!lower.startsWith('aws:')) return undefined;
    const c = this.caller;
    switch (lower) {
      case 'aws:principalarn':
        return c.kind === 'service' || c.kind === 'other' ? undefined : (c.roleArn ?? c.arn);
      case 'aws:principalaccount':
        return c.account;
      case 'aws:username':
        return c.kind === 'user' ? c.userName : undefined;
      case 'aws:principaltype':
        return PRINCIPAL_TYPES[c.kind];
      case 'aws:resourceaccount':
        return this.resourceAccount;
      case 'aws:principalisawsservice':
        return c.kind === 'service' ? 'true' : c.kind === 'other' ? undefined : 'false';
      default:
        return undefined;
    }
  }
}

const PRINCIPAL_TYPES: Record<Caller['kind'], string | undefined> = {
  user: 'User', role: 'AssumedRole', 'assumed-role': 'AssumedRole', 'federated-user': 'FederatedUser', root: 'Account', service: 'AWSService', other: undefined,
};
