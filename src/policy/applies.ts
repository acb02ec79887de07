/**
 * Whether one statement (whose Action already matched) applies to a request: principal, resource,
 * then conditions in document order. Shared by the decision flow and the statement sets.
 */
import type { CompiledStatement } from './compile-statement.js';
import type { Predicate } from './predicates.js';
import type { PrincipalMatch } from './principal.js';
import type { RequestContext } from './request-context.js';

/**
 * Does the statement apply (its Action already matched)? Principal, resource, then conditions.
 * `resourceMatches`: the resource index has already found that its Resource matches.
 */
export function applies(s: CompiledStatement, ctx: RequestContext, hasBoundary: boolean, resourceMatches = false): boolean {
  if (s.principal !== undefined && principalOf(s, ctx, hasBoundary) === undefined) return false;
  if (!resourceMatches && !ctx.check(s.resource)) return false;
  const conditions = s.conditions;
  for (let i = 0; i < conditions.length; i++) if (!ctx.check(conditions[i] as Predicate)) return false;
  return true;
}

export function principalOf(s: CompiledStatement, ctx: RequestContext, hasBoundary: boolean): PrincipalMatch | undefined {
  // AWS: a resource-based Deny with NotPrincipal denies every principal that has a permissions boundary.
  if (hasBoundary && s.effect === 'Deny' && s.statement.principal?.negated === true && s.ref.policyType === 'resource') return 'direct';
  return s.principal?.match(ctx.caller);
}

