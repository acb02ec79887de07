/**
 * Policy documents and statements, read straight from the raw JSON value (semantics.md, "Matching a
 * statement").
 *
 * Malformed input is skipped, never thrown: a policy that is not valid JSON or not an object, or
 * has no `Statement`, contributes no statement; a statement is skipped when it is not an object,
 * its `Effect` is not exactly `Allow`/`Deny`, it lacks exactly one of `Action`/`NotAction` or of
 * `Resource`/`NotResource`, those are not a string or a list of strings, its principal part is
 * wrong for the policy type (resource policies and RCPs need exactly one of `Principal`/
 * `NotPrincipal`, the other types must have neither), or its `Condition` is not an object of
 * objects with known operator names and scalar (or list of scalar) values.
 */
import type { PolicyInput, PolicyType } from '../../src/policy/request.js';
import { globMatches, wildcardTokens, arnOrGlobMatches } from './reference-glob.js';
import { conditionValues, evaluateConditions, parseOperator } from './reference-conditions.js';
import type { PrincipalForm } from './reference-principal.js';
import { notPrincipalApplies, principalEntries, principalForm } from './reference-principal.js';
import type { Caller, ContextLookup } from './reference-request.js';
import { resolveText } from './reference-variables.js';

type Entries = NonNullable<ReturnType<typeof principalEntries>>;

export interface Statement {
  readonly effect: 'Allow' | 'Deny';
  /** `Action` patterns, or `NotAction` patterns when `notAction`. */
  readonly actions: readonly string[];
  readonly notAction: boolean;
  readonly resources: readonly string[];
  readonly notResource: boolean;
  /** `Principal` entries, or `NotPrincipal` entries when `notPrincipal`; undefined outside resource policies and RCPs. */
  readonly principals?: Entries;
  readonly notPrincipal: boolean;
  readonly condition?: Readonly<Record<string, unknown>>;
  /** Policy variables are substituted only under Version 2012-10-17. */
  readonly variablesEnabled: boolean;
}

type Json = Readonly<Record<string, unknown>>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringList(raw: unknown): string[] | undefined {
  if (typeof raw === 'string') return [raw];
  return Array.isArray(raw) && raw.every((v) => typeof v === 'string') ? (raw as string[]) : undefined;
}

/** Exactly one of `positive`/`negative` present and a string list. */
function either(stmt: Json, positive: string, negative: string): { list: string[]; negated: boolean } | undefined {
  const hasPositive = positive in stmt;
  if (hasPositive === negative in stmt) return undefined;
  const list = stringList(stmt[hasPositive ? positive : negative]);
  return list === undefined ? undefined : { list, negated: !hasPositive };
}

function validCondition(raw: unknown): raw is Json {
  if (!isObject(raw)) return false;
  return Object.entries(raw).every(([name, block]) => parseOperator(name) !== undefined && isObject(block) && Object.values(block).every((v) => conditionValues(v) !== undefined));
}

function parseStatement(raw: unknown, type: PolicyType, variablesEnabled: boolean): Statement | undefined {
  if (!isObject(raw) || (raw.Effect !== 'Allow' && raw.Effect !== 'Deny')) return undefined;
  const action = either(raw, 'Action', 'NotAction');
  const resource = either(raw, 'Resource', 'NotResource');
  if (action === undefined || resource === undefined) return undefined;
  if ('Condition' in raw && !validCondition(raw.Condition)) return undefined;
  const hasPrincipal = 'Principal' in raw || 'NotPrincipal' in raw;
  let principals: Entries | undefined;
  if (type === 'resource' || type === 'rcp') {
    if ('Principal' in raw === 'NotPrincipal' in raw) return undefined;
    principals = principalEntries('Principal' in raw ? raw.Principal : raw.NotPrincipal);
    if (principals === undefined) return undefined;
  } else if (hasPrincipal) return undefined;
  return {
    effect: raw.Effect,
    actions: action.list,
    notAction: action.negated,
    resources: resource.list,
    notResource: resource.negated,
    principals,
    notPrincipal: 'NotPrincipal' in raw,
    condition: isObject(raw.Condition) ? raw.Condition : undefined,
    variablesEnabled,
  };
}

/** The valid statements of one policy (a JSON string is parsed first). */
export function parsePolicy(input: PolicyInput, type: PolicyType): Statement[] {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch {
      return [];
    }
  }
  if (!isObject(doc)) return [];
  const raw: unknown[] = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement === undefined ? [] : [doc.Statement];
  const variablesEnabled = doc.Version === '2012-10-17';
  return raw.flatMap((s) => parseStatement(s, type, variablesEnabled) ?? []);
}

export interface StatementEnv {
  readonly caller: Caller;
  readonly lookup: ContextLookup;
  readonly action: string;
  readonly resource: string;
  readonly type: PolicyType;
  /** The caller has a permissions boundary (for Deny + NotPrincipal in resource policies). */
  readonly hasBoundary: boolean;
}

export interface StatementOutcome {
  readonly applies: boolean;
  /** How the principal part named the caller (resource policies and RCPs); NotPrincipal counts as `direct`. */
  readonly form?: PrincipalForm;
  /** Missing keys this statement consulted (empty unless action and principal matched). */
  readonly missing: string[];
}

const NO: StatementOutcome = { applies: false, missing: [] };

/**
 * Action, then principal, then resource, then conditions. Once action and principal match, every
 * Resource/NotResource pattern is resolved (reporting its unresolvable variables) whether or not the
 * resource then matches; conditions are evaluated only when the resource matched.
 */
export function evaluateStatement(stmt: Statement, env: StatementEnv): StatementOutcome {
  const action = env.action.toLowerCase();
  const actionHit = stmt.actions.some((p) => globMatches(wildcardTokens(p.toLowerCase()), action));
  if (actionHit === stmt.notAction) return NO;

  let form: PrincipalForm | undefined;
  if (stmt.principals !== undefined) {
    if (!stmt.notPrincipal) form = principalForm(stmt.principals, env.caller);
    // Documented AWS behaviour: Deny + NotPrincipal in a resource policy hits any principal with a boundary.
    else if (stmt.effect === 'Deny' && env.type === 'resource' && env.hasBoundary) form = 'direct';
    else form = notPrincipalApplies(stmt.principals, env.caller) ? 'direct' : undefined;
    if (form === undefined) return NO;
  }

  const missing: string[] = [];
  let resourceHit = false;
  for (const pattern of stmt.resources) {
    const resolved = resolveText(pattern, stmt.variablesEnabled, env.lookup);
    missing.push(...resolved.missing);
    if (resolved.tokens !== undefined && arnOrGlobMatches(resolved.tokens, env.resource)) resourceHit = true;
  }
  if (resourceHit === stmt.notResource) return { applies: false, missing };

  if (stmt.condition === undefined) return { applies: true, form, missing };
  const outcome = evaluateConditions(stmt.condition, stmt.variablesEnabled, env.lookup);
  return { applies: outcome.holds, form, missing: [...missing, ...outcome.missing] };
}
