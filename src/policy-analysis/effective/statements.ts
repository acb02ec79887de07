/**
 * The statements of an input, flattened with their side and origin, each with a compiled Action
 * matcher and its Condition block evaluated once under the what-if context.
 */
import type { PolicyDocument, Statement } from '../../policy/index.js';
import { partialConditions, type PartialResult, type WhatIf } from './conditions.js';
import type { PolicySide, ResourceScope, StatementOrigin } from './types.js';

/** The policies whose effective permissions are wanted (parsed documents). */
export interface EffectiveInput {
  readonly identity: readonly PolicyDocument[];
  readonly boundary?: PolicyDocument;
  readonly session?: PolicyDocument;
}

export interface StatementView {
  readonly side: PolicySide;
  readonly effect: 'Allow' | 'Deny';
  readonly origin: StatementOrigin;
  readonly resources: ResourceScope;
  readonly statement: Statement;
  /** Whether the statement's Action/NotAction covers a lower-cased `service:action`. */
  matchesAction(actionLower: string): boolean;
  /** The Condition block under the context (evaluated on first use, then reused). */
  conditions(action: string): PartialResult;
}

function actionRegex(pattern: string): RegExp {
  // IAM action patterns: case-insensitive, `*` may cross the colon (docs/semantics.md).
  const source = [...pattern.toLowerCase()].map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, 's');
}

function view(side: PolicySide, policy: string, doc: PolicyDocument, s: Statement, w: WhatIf | undefined): StatementView {
  const regexes = s.action.patterns.map((p) => actionRegex(p.value));
  const negated = s.action.negated;
  const origin: StatementOrigin = {
    policy,
    index: s.index,
    ...(doc.id !== undefined ? { policyId: doc.id } : {}),
    ...(s.sid !== undefined ? { sid: s.sid } : {}),
  };
  const patterns = (s.resource?.patterns ?? [{ value: '*' }]).map((p) => p.value);
  const resources: ResourceScope = s.resource?.negated === true ? { not: patterns } : patterns;
  let partial: PartialResult | undefined;
  return {
    side,
    effect: s.effect,
    origin,
    resources,
    statement: s,
    matchesAction: (a) => regexes.some((r) => r.test(a)) !== negated,
    conditions: (action) => (partial ??= partialConditions(s.conditions, doc.variablesEnabled, w, action)),
  };
}

/** Every statement of the input, identity policies first, in document order. */
export function statementViews(input: EffectiveInput, w: WhatIf | undefined): StatementView[] {
  const out: StatementView[] = [];
  const add = (side: PolicySide, name: string, doc: PolicyDocument) => {
    for (const s of doc.statements) out.push(view(side, name, doc, s, w));
  };
  input.identity.forEach((doc, i) => add('identity', `identity[${i}]`, doc));
  if (input.boundary !== undefined) add('boundary', 'boundary', input.boundary);
  if (input.session !== undefined) add('session', 'session', input.session);
  return out;
}

/** The sides whose Allow an action needs. */
export function requiredSides(input: EffectiveInput): PolicySide[] {
  const sides: PolicySide[] = ['identity'];
  if (input.boundary !== undefined) sides.push('boundary');
  if (input.session !== undefined) sides.push('session');
  return sides;
}
