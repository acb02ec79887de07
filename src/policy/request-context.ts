/**
 * The per-request view the compiled statements read: context keys by case-insensitive name, keys
 * derived from the principal, request values parsed once per operator type, and the record of keys
 * that statements consulted but the request lacked.
 *
 * Everything is lazy and allocation-light because it runs on every decision: a key spelled in the
 * policy as in the request is read straight from the request object; only other spellings build
 * the lower-cased key map.
 */
import { headSignature, splitArn } from './arn-fields.js';
import { accountOf } from './arn.js';
import { parseCaller, type Caller } from './principal.js';
import type { AuthorizationRequest, ContextValue } from './request.js';

/** Callers parsed once per principal string, shared across requests (bounded). */
export class CallerCache {
  private readonly map = new Map<string, Caller>();
  get(principal: string): Caller {
    let c = this.map.get(principal);
    if (c === undefined) {
      c = parseCaller(principal);
      if (this.map.size >= 10_000) this.map.clear();
      this.map.set(principal, c);
    }
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
export interface PredicateMemo {
  check(p: Predicate, ctx: RequestContext): boolean;
  headId(signature: string, add: boolean): number;
}

const hasOwn = Object.prototype.hasOwnProperty;
let stamps = 0;

export class RequestContext {
  readonly request: AuthorizationRequest;
  private actionLowerCache: string | undefined;
  private callerCache: Caller | undefined;
  private names: string[] | undefined;
  private parsed: Map<string, unknown> | undefined;
  private missing: string[] | undefined;
  private resourceFieldsCache: string[] | undefined | null = null;
  /** Distinguishes this request for the resource index's once-per-request visits. */
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

  private headIds: number[] | undefined;

  /** The interned id of the resource ARN's head signature in a variant (-1: no pattern has it). */
  headId(variant: number): number {
    const ids = (this.headIds ??= [-2, -2, -2, -2, -2, -2, -2, -2]);
    let id = ids[variant] as number;
    if (id === -2) {
      const f = this.resourceFields;
      id = f === undefined || this.predicates === undefined ? -1 : this.predicates.headId(headSignature(f[1] as string, f[3] as string, f[4] as string, variant), false);
      ids[variant] = id;
    }
    return id;
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

  /** The resource ARN's six fields (the sixth keeps its colons); undefined when it is not an ARN. */
  get resourceFields(): readonly string[] | undefined {
    if (this.resourceFieldsCache === null) this.resourceFieldsCache = splitArn(this.request.resource);
    return this.resourceFieldsCache;
  }

  /**
   * A key's value: a string, a non-empty list, or undefined when missing (an empty list counts as
   * missing). `spelled` is the name as the policy writes it, `lower` its lower-cased form.
   */
  lookup(spelled: string, lower: string): ContextValue | undefined {
    const context = this.request.context;
    if (context !== undefined) {
      if (hasOwn.call(context, spelled)) {
        const v = context[spelled];
        if (v !== undefined && (typeof v === 'string' || v.length > 0)) return v;
      }
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

  /** A request value parsed by `parse`, cached under `cacheKey` (kind and key, precomputed). */
  parsedOne<R>(cacheKey: string, raw: string, parse: (raw: string) => R | undefined): R | undefined {
    const cache = (this.parsed ??= new Map());
    if (cache.has(cacheKey)) return cache.get(cacheKey) as R | undefined;
    const out = parse(raw);
    cache.set(cacheKey, out);
    return out;
  }

  /** Every value of a multi-valued key parsed by `parse`, cached under `cacheKey`. */
  parsedMany<R>(cacheKey: string, raw: readonly string[], parse: (raw: string) => R | undefined): readonly (R | undefined)[] {
    const cache = (this.parsed ??= new Map());
    let out = cache.get(cacheKey) as readonly (R | undefined)[] | undefined;
    if (out === undefined) {
      out = raw.map(parse);
      cache.set(cacheKey, out);
    }
    return out;
  }

  /** Records a key a statement needed and the request lacked (spelled as in the policy). */
  reportMissing(key: string): void {
    const missing = (this.missing ??= []);
    for (let i = 0; i < missing.length; i++) if ((missing[i] as string).toLowerCase() === key.toLowerCase()) return;
    missing.push(key);
  }

  /** The missing keys, sorted case-insensitively. */
  missingKeys(): string[] {
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
