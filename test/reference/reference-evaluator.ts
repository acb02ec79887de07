/**
 * Reference interpreter for AWS IAM policy evaluation, following docs/semantics.md. Deliberately
 * simple and linear (no caching, no indexes): it exists to be compared with the compiled
 * authorizer in src/policy/, which it does not use.
 *
 * Decision flow (semantics.md, "Deciding a request"):
 *  1. Every Deny statement of every applicable policy is evaluated, in the order rcp levels, scp
 *     levels, resource, identity, boundary, session (documents and statements in order). SCPs and
 *     RCPs are not applicable at all (neither their Deny nor their Allow statements) to service
 *     principals and service-linked roles. Any applying Deny → ExplicitDeny.
 *  2. RCP levels, root first: every Allow statement of the level is evaluated; no applying Allow →
 *     ImplicitDeny (rcp, level); later levels and steps are not evaluated.
 *  3. SCP levels, likewise.
 *  4./5. Every Allow statement of resource, identity, boundary and session policies is evaluated
 *     (always all four, in that order), then combined:
 *     - same account: allowed by a resource grant naming the caller directly, or by (identity allow
 *       or resource grant to the caller's role) with the boundary and the session policy (when
 *       present) allowing too. Otherwise ImplicitDeny by identity (no identity allow and no role
 *       grant), else boundary, else session.
 *     - cross-account (both accounts known and different): caller side (identity, boundary,
 *       session) and resource must allow; otherwise ImplicitDeny by the first of resource,
 *       identity, boundary, session that does not allow.
 *     The account root user counts as allowed by its identity-based policies, and boundaries and
 *     session policies do not apply to it. A federated user session with no session policy has no
 *     permissions on the caller side.
 *
 * Missing context keys: the union, over every statement evaluated in the steps above whose action
 * and principal part matched, of (a) the keys of unresolvable variables in any of its
 * Resource/NotResource patterns (all patterns are resolved), and (b) when its resource part also
 * matched, the keys its conditions consulted that the request lacks: operators in JSON order, keys
 * in JSON order, stopping after the first false key; the consulted key itself (not under Null) and
 * the keys of unresolvable variables in that key's values. Deduplicated case-insensitively (first
 * spelling met in evaluation order wins), sorted by lower-cased name.
 */
import type { AuthorizationRequest, PolicyInput, PolicyInputs, PolicySetInput, PolicyType } from '../../src/policy/request.js';
import type { PrincipalForm } from './reference-principal.js';
import { contextLookup, parseCaller, resourceAccountOf } from './reference-request.js';
import type { Statement, StatementEnv } from './reference-statement.js';
import { evaluateStatement, parsePolicy } from './reference-statement.js';

export type ReferenceDecisionKind = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface ReferenceDecision {
  readonly decision: ReferenceDecisionKind;
  readonly implicitDenyBy?: PolicyType;
  readonly implicitDenyLevel?: number;
  readonly missingContextKeys: string[];
}

/** A document, a list of documents, or nothing. */
function asList(inputs: PolicyInputs | null | undefined): readonly PolicyInput[] {
  if (inputs === null || inputs === undefined) return [];
  return Array.isArray(inputs) ? (inputs as readonly PolicyInput[]) : [inputs as PolicyInput];
}

/** The statements of one group of documents, all of one policy type. */
interface Group {
  readonly type: PolicyType;
  readonly level?: number;
  readonly statements: readonly Statement[];
}

function group(type: PolicyType, docs: readonly PolicyInput[], level?: number): Group {
  return { type, level, statements: docs.flatMap((d) => parsePolicy(d, type)) };
}

class MissingKeys {
  private readonly seen = new Map<string, string>();
  add(keys: readonly string[]): void {
    for (const key of keys) if (!this.seen.has(key.toLowerCase())) this.seen.set(key.toLowerCase(), key);
  }
  sorted(): string[] {
    return [...this.seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, key]) => key);
  }
}

export function referenceDecide(request: AuthorizationRequest, policies: PolicySetInput): ReferenceDecision {
  const caller = parseCaller(request.principal);
  const lookup = contextLookup(request, caller);
  const missing = new MissingKeys();
  const orgPoliciesApply = caller.kind !== 'service' && !caller.serviceLinked;

  const rcp = orgPoliciesApply ? (policies.rcp ?? []).map((docs, level) => group('rcp', docs, level)) : [];
  const scp = orgPoliciesApply ? (policies.scp ?? []).map((docs, level) => group('scp', docs, level)) : [];
  const resource = group('resource', asList(policies.resource));
  const identity = group('identity', asList(policies.identity));
  const boundaryDocs = asList(policies.boundary);
  const sessionDocs = asList(policies.session);
  const boundary = group('boundary', boundaryDocs);
  const session = group('session', sessionDocs);

  const hasBoundary = boundaryDocs.length > 0;
  const env = (type: PolicyType): StatementEnv => ({ caller, lookup, action: request.action, resource: request.resource, type, hasBoundary });
  const done = (decision: ReferenceDecisionKind, by?: PolicyType, level?: number): ReferenceDecision => ({
    decision,
    ...(by === undefined ? {} : { implicitDenyBy: by }),
    ...(level === undefined ? {} : { implicitDenyLevel: level }),
    missingContextKeys: missing.sorted(),
  });

  /** Evaluates every statement of `effect` in the group; returns the forms of those that apply. */
  const applying = (g: Group, effect: 'Allow' | 'Deny'): (PrincipalForm | undefined)[] => {
    const forms: (PrincipalForm | undefined)[] = [];
    for (const stmt of g.statements) {
      if (stmt.effect !== effect) continue;
      const outcome = evaluateStatement(stmt, env(g.type));
      missing.add(outcome.missing);
      if (outcome.applies) forms.push(outcome.form);
    }
    return forms;
  };

  // 1. Explicit deny: every Deny statement is evaluated (no short cut), so every key is reported.
  let denied = false;
  for (const g of [...rcp, ...scp, resource, identity, boundary, session]) if (applying(g, 'Deny').length > 0) denied = true;
  if (denied) return done('ExplicitDeny');

  // 2. and 3. Organization levels, root first: each level needs an applying Allow.
  for (const g of [...rcp, ...scp]) if (applying(g, 'Allow').length === 0) return done('ImplicitDeny', g.type, g.level);

  // 4. and 5. Resource, identity, boundary, session: all evaluated, then combined.
  const resourceForms = applying(resource, 'Allow');
  // The root user has every identity-based permission and no boundary or session policy; a
  // federated user session (GetFederationToken) has only what its session policy grants.
  const root = caller.kind === 'root';
  const identityAllows = applying(identity, 'Allow').length > 0 || root;
  const boundaryAllows = (!hasBoundary || applying(boundary, 'Allow').length > 0) || root;
  const sessionAllows = (sessionDocs.length === 0 ? caller.kind !== 'federated' : applying(session, 'Allow').length > 0) || root;

  const resourceAccount = resourceAccountOf(request, caller);
  const crossAccount = caller.account !== undefined && resourceAccount !== undefined && caller.account !== resourceAccount;
  if (crossAccount) {
    const failing: [PolicyType, boolean][] = [['resource', resourceForms.length > 0], ['identity', identityAllows], ['boundary', boundaryAllows], ['session', sessionAllows]];
    const first = failing.find(([, ok]) => !ok);
    return first === undefined ? done('Allow') : done('ImplicitDeny', first[0]);
  }
  if (resourceForms.includes('direct')) return done('Allow');
  const callerSide = identityAllows || resourceForms.includes('role');
  if (callerSide && boundaryAllows && sessionAllows) return done('Allow');
  return done('ImplicitDeny', !callerSide ? 'identity' : !boundaryAllows ? 'boundary' : 'session');
}
