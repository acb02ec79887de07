/**
 * Explain: the decision, each step of the evaluation flow, and for every statement of every policy
 * why it did or did not apply (action, resource, principal, each condition with the request's
 * values). This is the linear, show-everything view; `authorize` is the indexed fast path, and
 * both reach the same decision.
 */
import type { Authorizer } from './authorizer.js';
import type { CompiledStatement } from './compile-statement.js';
import type { DecisionStep } from './decide.js';
import type { Decision, StatementRef } from './decision.js';
import { RequestContext } from './request-context.js';
import type { AuthorizationRequest } from './request.js';

export type ElementResult = 'match' | 'no-match' | 'not-applicable';

export interface ConditionTrace {
  readonly operator: string;
  readonly key: string;
  readonly policyValues: readonly string[];
  /** The request's values for the key; undefined when missing. */
  readonly requestValues?: readonly string[];
  readonly result: boolean;
}

export interface StatementTrace {
  readonly ref: StatementRef;
  readonly action: ElementResult;
  readonly resource: ElementResult;
  readonly principal: ElementResult;
  readonly conditions: readonly ConditionTrace[];
  /** True when every element matched: the statement applies to the request. */
  readonly applies: boolean;
}

export interface Explanation {
  readonly decision: Decision;
  readonly steps: readonly DecisionStep[];
  readonly statements: readonly StatementTrace[];
}

export function explain(authorizer: Authorizer, request: AuthorizationRequest): Explanation {
  const { decision, steps } = authorizer.authorizeWithSteps(request);
  const statements: StatementTrace[] = [];
  for (const p of authorizer.policies) for (const s of p.statements) statements.push(traceStatement(s, request));
  return { decision, steps, statements };
}

function traceStatement(s: CompiledStatement, request: AuthorizationRequest): StatementTrace {
  const ctx = new RequestContext(request);
  const action: ElementResult = s.matchesAction(ctx.actionLower) ? 'match' : 'no-match';
  const resource: ElementResult = ctx.check(s.resource) ? 'match' : 'no-match';
  const principal: ElementResult = s.principal === undefined ? 'not-applicable' : s.principal.match(ctx.caller) !== undefined ? 'match' : 'no-match';
  const conditions = s.statement.conditions.map((c, i): ConditionTrace => {
    const values = ctx.values(c.key.toLowerCase());
    const compiled = s.conditions[i];
    const base = { operator: c.operator, key: c.key, policyValues: c.values.map((v) => v.value), result: compiled === undefined ? false : ctx.check(compiled) };
    return values === undefined ? base : { ...base, requestValues: values };
  });
  const applies = action === 'match' && resource === 'match' && principal !== 'no-match' && conditions.every((c) => c.result);
  return { ref: s.ref, action, resource, principal, conditions, applies };
}
