/**
 * Partial evaluation of a statement's Condition block under a what-if context: each clause is
 * settled by the policy module's `evaluateClause` when the context supplies every key it reads,
 * and kept (summarized for people) otherwise. A context can only gate: a clause it settles true
 * disappears, one it settles false removes the whole statement.
 */
import { evaluateClause, parseTemplate, type ConditionClause, type ContextValue } from '../../policy/index.js';
import type { ConditionSummary } from './types.js';

/** The caller the what-if requests are made as when the options name none. */
export const WHAT_IF_PRINCIPAL = 'arn:aws:iam::111122223333:user/what-if';

/** Keys the policy module derives from the principal (docs/semantics.md, "The request"). */
const DERIVED_KEYS = new Set(['aws:principalarn', 'aws:principalaccount', 'aws:username', 'aws:principaltype', 'aws:resourceaccount', 'aws:principalisawsservice']);

export interface WhatIf {
  readonly context?: Readonly<Record<string, ContextValue>>;
  /** When given, keys derived from it (`aws:PrincipalArn`, `aws:username`, ...) count as known. */
  readonly principal?: string;
}

/** `false`: the statement cannot hold under the context; otherwise the clauses still open. */
export type PartialResult = false | readonly ConditionSummary[];

export function summarizeClause(c: ConditionClause): ConditionSummary {
  const values = c.values.map((v) => v.value);
  const shown = values.length === 1 ? (values[0] ?? '') : `(${values.join(' | ')})`;
  return { operator: c.operator, key: c.key, values, text: `${c.key} ${c.operator} ${shown}` };
}

/** Keys a clause reads: its own and those of the policy variables in its values. */
function keysRead(c: ConditionClause, variablesEnabled: boolean): string[] {
  const vars = c.values.flatMap((v) => parseTemplate(v.value, variablesEnabled).template.parts.flatMap((p) => (p.kind === 'variable' ? [p.key] : [])));
  return [c.key, ...vars];
}

/** Lower-cased names of the keys the context supplies (an empty list is a missing key). */
function knownKeys(w: WhatIf): Set<string> {
  const out = new Set<string>();
  for (const [k, v] of Object.entries(w.context ?? {})) if (typeof v === 'string' || v.length > 0) out.add(k.toLowerCase());
  if (w.principal !== undefined) for (const k of DERIVED_KEYS) out.add(k);
  return out;
}

/**
 * Evaluates a Condition block. The clause results do not depend on the action or resource (no
 * key the engine derives comes from them), so callers evaluate a statement once and reuse it.
 */
export function partialConditions(clauses: readonly ConditionClause[], variablesEnabled: boolean, w: WhatIf | undefined, action: string): PartialResult {
  const known = w === undefined ? new Set<string>() : knownKeys(w);
  if (w === undefined || known.size === 0) return clauses.map(summarizeClause);
  const request = { principal: w.principal ?? WHAT_IF_PRINCIPAL, action, resource: '*', context: w.context ?? {} };
  const open: ConditionSummary[] = [];
  for (const c of clauses) {
    // A key the user did not supply stays open even if the what-if principal would derive it:
    // the placeholder caller must not settle `aws:username` or `aws:PrincipalArn` conditions.
    const settled = keysRead(c, variablesEnabled).every((k) => known.has(k.toLowerCase()));
    const r = settled ? evaluateClause(c, variablesEnabled, request) : 'unknown';
    if (r === false) return false;
    if (r === 'unknown') open.push(summarizeClause(c));
  }
  return open;
}
