/**
 * The decision flow of AWS policy evaluation (docs/semantics.md, "Deciding a request"): explicit
 * deny, RCPs, SCPs, then the resource-based / identity-based / boundary / session interplay for
 * same-account and cross-account requests. It runs over an ActionPlan: for one action, the
 * statements of every policy whose Action matches, in resource-indexed sets.
 *
 * Within a step every candidate statement is evaluated (no stopping at the first match), so the
 * deciding statements and the missing context keys do not depend on statement order; steps run
 * in AWS's order and stop as soon as the decision is known.
 */
import { formatRef, REF_DESCRIPTION, sortRefs, type Decision, type DescribedRef, type ImplicitDenyCause, type StatementRef } from './decision.js';
import { applies, principalOf } from './applies.js';
import { strongerMatch, type PrincipalMatch } from './principal.js';
import type { RequestContext } from './request-context.js';
import type { PolicyType } from './request.js';
import type { StatementSet } from './statement-set.js';

/** The statements that can apply to one action, split the way the flow consumes them. */
export interface ActionPlan {
  /** Deny statements of every policy. */
  readonly denies: StatementSet;
  /** Allow statements per organization level (one entry per level given, possibly empty). */
  readonly rcp: readonly StatementSet[];
  readonly scp: readonly StatementSet[];
  readonly resource: StatementSet;
  readonly identity: StatementSet;
  readonly boundary: StatementSet;
  readonly session: StatementSet;
}

/** Which policy types the set has at all (an absent boundary limits nothing; an empty one, everything). */
export interface SetShape {
  readonly hasBoundary: boolean;
  readonly hasSession: boolean;
  readonly hasResource: boolean;
}

/** One step of the flow, recorded for `tessera policy explain`. */
export interface DecisionStep {
  readonly step: 'explicit-deny' | PolicyType;
  readonly level?: number;
  readonly outcome: 'deny' | 'allow' | 'no-allow' | 'skipped' | 'pass';
  readonly note: string;
  readonly statements: readonly StatementRef[];
}

/** Evaluates every candidate of a set; returns the refs of those that apply, in document order. */
function applying(set: StatementSet, ctx: RequestContext, hasBoundary: boolean, skipOrgPolicies = false): readonly StatementRef[] {
  return set.collect(ctx, hasBoundary, skipOrgPolicies);
}

/** What a set without resource-based policies grants (shared: never modified). */
const NO_GRANT: { readonly match: PrincipalMatch | undefined; readonly refs: readonly StatementRef[] } = { match: undefined, refs: [] };

/** The resource-based Allow statements that apply, and the strongest way one of them names the caller. */
function resourceGrants(set: StatementSet, ctx: RequestContext, hasBoundary: boolean): { match: PrincipalMatch | undefined; refs: StatementRef[] } {
  let match: PrincipalMatch | undefined;
  const refs: StatementRef[] = [];
  set.forEachCandidate(ctx, (s, resourceMatches) => {
    if (!applies(s, ctx, hasBoundary, resourceMatches)) return;
    match = strongerMatch(match, principalOf(s, ctx, hasBoundary));
    refs.push(s.ref);
  });
  sortRefs(refs);
  return { match, refs };
}

interface Outcome {
  readonly crossAccount: boolean;
  readonly principalAccount: string | undefined;
  readonly resourceAccount: string | undefined;
}

export function decide(plan: ActionPlan, shape: SetShape, ctx: RequestContext, steps?: DecisionStep[]): Decision {
  const caller = ctx.caller;
  const principalAccount = ctx.principalAccount;
  const resourceAccount = ctx.resourceAccount;
  const crossAccount = principalAccount !== undefined && resourceAccount !== undefined && principalAccount !== resourceAccount;
  const out: Outcome = { crossAccount, principalAccount, resourceAccount };
  const action = ctx.request.action;
  const { hasBoundary } = shape;

  // 1. Explicit deny in any applicable policy wins (SCPs and RCPs do not apply to service-linked
  // roles and service principals, their Deny statements included).
  const orgExempt = caller.serviceLinked || caller.kind === 'service';
  const denies = applying(plan.denies, ctx, hasBoundary, orgExempt);
  steps?.push({ step: 'explicit-deny', outcome: denies.length > 0 ? 'deny' : 'pass', note: denies.length > 0 ? `${denies.length} Deny statement(s) match` : 'no Deny statement matches', statements: denies });
  if (denies.length > 0) return finish(ctx, out, 'ExplicitDeny', denies, undefined, `explicitly denied by ${describeRef(denies[0])}`);

  // 2–3. Organization policies: every level must allow (not for service-linked roles or services).
  // Their grants are collected only when a set has such policies (most have none).
  let granted: StatementRef[] | undefined;
  for (const type of ORG_TYPES) {
    const levels = plan[type];
    if (levels.length === 0) continue;
    if (orgExempt) {
      steps?.push({ step: type, outcome: 'skipped', note: `${type.toUpperCase()}s do not apply to ${caller.kind === 'service' ? 'service principals' : 'service-linked roles'}`, statements: [] });
      continue;
    }
    for (let level = 0; level < levels.length; level++) {
      const hits = applying(levels[level] as StatementSet, ctx, hasBoundary);
      if (hits.length === 0) return implicitDeny(ctx, out, steps, type, `no ${type.toUpperCase()} at level ${level} allows \`${action}\``, level);
      (granted ??= []).push(...hits);
      steps?.push({ step: type, level, outcome: 'allow', note: `level ${level} allows`, statements: hits });
    }
  }

  // 4–5. Every Allow of the resource-based, identity-based, boundary and session policies is
  // evaluated, then combined by AWS's rules for same-account and cross-account requests.
  const grant = shape.hasResource ? resourceGrants(plan.resource, ctx, hasBoundary) : NO_GRANT;
  if (shape.hasResource) {
    steps?.push({ step: 'resource', outcome: grant.match !== undefined ? 'allow' : 'no-allow', note: grant.match !== undefined ? `allows (the caller named ${MATCH_WORDS[grant.match]})` : 'no statement allows', statements: grant.refs });
  }
  const root = caller.kind === 'root';
  const identity = applying(plan.identity, ctx, hasBoundary);
  const boundary = hasBoundary ? applying(plan.boundary, ctx, hasBoundary) : [];
  const session = shape.hasSession ? applying(plan.session, ctx, hasBoundary) : [];
  // The root user has every identity-based permission and no boundary or session policy.
  const identityAllows = root || identity.length > 0;
  const boundaryAllows = root || !hasBoundary || boundary.length > 0;
  // A federated user session (GetFederationToken) has only what its session policy grants.
  const sessionAllows = root || (shape.hasSession ? session.length > 0 : caller.kind !== 'federated-user');
  if (steps !== undefined) {
    if (!root) steps.push({ step: 'identity', outcome: identity.length > 0 ? 'allow' : 'no-allow', note: identity.length > 0 ? 'allows' : 'no statement allows', statements: identity });
    else steps.push({ step: 'identity', outcome: 'allow', note: 'the account root user has every identity-based permission', statements: [] });
    if (hasBoundary && !root) steps.push({ step: 'boundary', outcome: boundaryAllows ? 'allow' : 'no-allow', note: boundaryAllows ? 'allows' : 'no statement allows', statements: boundary });
    if ((shape.hasSession || caller.kind === 'federated-user') && !root) steps.push({ step: 'session', outcome: sessionAllows ? 'allow' : 'no-allow', note: sessionAllows ? 'allows' : 'no statement allows', statements: session });
  }
  if (crossAccount) {
    // The resource's account and the caller's account must both allow it.
    if (grant.match === undefined) {
      return implicitDeny(ctx, out, undefined, 'resource', shape.hasResource ? `the resource-based policy of account ${resourceAccount} does not allow \`${action}\` for this caller` : `cross-account access to account ${resourceAccount} needs a resource-based policy that allows it`);
    }
    if (!identityAllows) return implicitDeny(ctx, out, undefined, 'identity', `no identity-based policy allows \`${action}\` (cross-account access needs both sides)`);
    if (!boundaryAllows) return denyBoundary(ctx, out);
    if (!sessionAllows) return denySession(ctx, out, shape);
    const all = [...(granted ?? []), ...identity, ...boundary, ...session, ...grant.refs];
    return finish(ctx, out, 'Allow', sortRefs(all), undefined, `allowed by ${describeRef(identity[0] ?? grant.refs[0])} and the resource-based policy of account ${resourceAccount}`);
  }
  if (grant.match === 'direct') {
    return finish(ctx, out, 'Allow', [...(granted ?? []), ...grant.refs], undefined, `allowed by ${describeRef(grant.refs[0])}, which names the caller directly`);
  }
  if (!identityAllows && grant.match !== 'role') return implicitDeny(ctx, out, undefined, 'identity', `no identity-based policy allows \`${action}\``);
  if (!boundaryAllows) return denyBoundary(ctx, out);
  if (!sessionAllows) return denySession(ctx, out, shape);
  const lead = identity[0] ?? grant.refs[0];
  return finish(ctx, out, 'Allow', [...(granted ?? []), ...(identity.length > 0 ? identity : grant.refs), ...boundary, ...session], undefined, lead === undefined ? 'allowed: the account root user has every identity-based permission' : `allowed by ${describeRef(lead)}`);
}

const ORG_TYPES = ['rcp', 'scp'] as const;
const MATCH_WORDS: Record<PrincipalMatch, string> = { direct: 'directly', role: 'by its role', account: 'by its account' };

function denyBoundary(ctx: RequestContext, out: Outcome): Decision {
  return implicitDeny(ctx, out, undefined, 'boundary', `the permissions boundary does not allow \`${ctx.request.action}\``);
}

function denySession(ctx: RequestContext, out: Outcome, shape: SetShape): Decision {
  const reason = shape.hasSession ? `the session policy does not allow \`${ctx.request.action}\`` : 'a federated user session has only the permissions its session policy grants, and it has none';
  return implicitDeny(ctx, out, undefined, 'session', reason);
}

function implicitDeny(ctx: RequestContext, out: Outcome, steps: DecisionStep[] | undefined, policyType: PolicyType, reason: string, level?: number): Decision {
  steps?.push(level === undefined ? { step: policyType, outcome: 'no-allow', note: reason, statements: [] } : { step: policyType, level, outcome: 'no-allow', note: reason, statements: [] });
  const cause: ImplicitDenyCause = level === undefined ? { policyType, reason } : { policyType, level, reason };
  return finish(ctx, out, 'ImplicitDeny', [], cause, `implicitly denied: ${reason}`);
}

function finish(ctx: RequestContext, out: Outcome, decision: Decision['decision'], decidingStatements: readonly StatementRef[], implicitDeny: ImplicitDenyCause | undefined, summary: string): Decision {
  // One object shape for every decision; JSON output leaves the undefined fields out.
  return {
    decision,
    summary,
    decidingStatements,
    implicitDeny,
    missingContextKeys: ctx.missingKeys(),
    crossAccount: out.crossAccount,
    principalAccount: out.principalAccount,
    resourceAccount: out.resourceAccount,
  };
}

/** `identity[0] statement `ReadReports` (line 4)` or `scp[1][0] statement #2`. */
export function describeRef(ref: StatementRef | undefined): string {
  if (ref === undefined) return 'no statement';
  return (ref as DescribedRef)[REF_DESCRIPTION] ?? formatRef(ref);
}
