/**
 * Checks that our authorizer and Cedar decided the same problem the same way. A speed comparison
 * is only meaningful if they agree, so any disagreement fails the benchmark.
 *
 * Beyond Allow vs not-Allow, it checks the kind of deny (a satisfied forbid ⇔ ExplicitDeny) and
 * that the statements we name as deciding are among the policies Cedar says determined its answer.
 */
import type { AuthorizationRequest, Decision, DecisionKind } from '../../src/index.js';
import { cedarPolicyId } from '../workload/to-cedar.js';
import type { CedarOutcome } from './cedar-engine.js';

export interface Mismatch {
  readonly index: number;
  readonly problem: string;
  readonly request: AuthorizationRequest;
  readonly ours: { readonly decision: DecisionKind; readonly deciding: readonly string[] };
  readonly cedar: CedarOutcome;
}

export interface Agreement {
  readonly checked: number;
  readonly mismatches: readonly Mismatch[];
  /** Our decisions over the checked requests. */
  readonly mix: Readonly<Record<DecisionKind, number>>;
}

function problemOf(ours: Decision, deciding: readonly string[], cedar: CedarOutcome): string | undefined {
  if (cedar.errors.length > 0) return `Cedar reported errors: ${cedar.errors.join('; ')}`;
  if ((ours.decision === 'Allow') !== (cedar.decision === 'Allow')) return `Allow vs not-Allow (ours ${ours.decision}, Cedar ${cedar.decision})`;
  if (ours.decision !== cedar.decision) return `kind of deny differs (ours ${ours.decision}, Cedar ${cedar.decision})`;
  const missing = deciding.filter((id) => !cedar.reasons.includes(id));
  if (missing.length > 0) return `our deciding statement(s) ${missing.join(', ')} are not among Cedar's determining policies`;
  return undefined;
}

/** Compares the decisions at `indices` (ours[i] and cedar[k] belong to requests[indices[k]]). */
export function compare(
  requests: readonly AuthorizationRequest[],
  ours: readonly Decision[],
  indices: readonly number[],
  cedar: readonly CedarOutcome[],
): Agreement {
  const mismatches: Mismatch[] = [];
  const mix: Record<DecisionKind, number> = { Allow: 0, ExplicitDeny: 0, ImplicitDeny: 0 };
  indices.forEach((index, k) => {
    const o = ours[index] as Decision;
    const c = cedar[k] as CedarOutcome;
    mix[o.decision]++;
    const deciding = o.decidingStatements.map((s) => cedarPolicyId(s.policyIndex, s.statementIndex));
    const problem = problemOf(o, deciding, c);
    if (problem !== undefined) {
      mismatches.push({ index, problem, request: requests[index] as AuthorizationRequest, ours: { decision: o.decision, deciding }, cedar: c });
    }
  });
  return { checked: indices.length, mismatches, mix };
}

/** A mismatch as a reader needs it to reproduce: the request, both answers, and the statements involved. */
export function describeMismatch(m: Mismatch, policies: Readonly<Record<string, string>>): string {
  const ids = [...new Set([...m.ours.deciding, ...m.cedar.reasons])];
  return [
    `request #${m.index}: ${m.problem}`,
    `  request: ${JSON.stringify(m.request)}`,
    `  ours:    ${m.ours.decision} by [${m.ours.deciding.join(', ')}]`,
    `  cedar:   ${m.cedar.decision} by [${m.cedar.reasons.join(', ')}]${m.cedar.errors.length > 0 ? ` errors: ${m.cedar.errors.join('; ')}` : ''}`,
    ...ids.map((id) => `  ${id}: ${(policies[id] ?? '(no such policy)').replace(/\n/g, ' ')}`),
  ].join('\n');
}
