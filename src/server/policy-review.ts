/**
 * What a reviewer of a synthesized policy version is shown, and who may review it. Pure: the
 * routes read the versions and the catalog, these functions only compare and summarize.
 */
import { canonicalJson } from '../fragments/index.js';
import type { EffectivePermissions } from '../policy-analysis/index.js';
import type { PolicyAction, PolicyVersion } from '../store/index.js';

/**
 * Separation of duties, as for fragments (fragments/review.ts): whoever wrote a version, or
 * submitted it, may not approve or reject it. Activation is not a review: the version was already
 * approved by someone else, and an approver rolling back must not be blocked by having approved.
 */
export function policyReviewProblem(version: PolicyVersion, action: PolicyAction, actor: string): string | undefined {
  if (action !== 'approve' && action !== 'reject') return undefined;
  const who = actor.toLowerCase();
  const name = `${version.id}@${version.version}`;
  if (version.createdBy.toLowerCase() === who) return `${actor} wrote ${name} and cannot review it`;
  const submission = [...version.history].reverse().find((h) => h.to === 'submitted');
  if (submission !== undefined && submission.by.toLowerCase() === who) return `${actor} submitted ${name} for review and cannot review it`;
  return undefined;
}

type Statement = Readonly<Record<string, unknown>>;

/** The statements of policy documents; a document that is not an object with statements has none. */
export function statementsOf(documents: readonly unknown[]): Statement[] {
  return documents.flatMap((d) => {
    const s = typeof d === 'object' && d !== null ? (d as { Statement?: unknown }).Statement : undefined;
    const list = Array.isArray(s) ? (s as unknown[]) : s === undefined ? [] : [s];
    return list.filter((x): x is Statement => typeof x === 'object' && x !== null && !Array.isArray(x));
  });
}

/** Sids are labels the merge assigns; two statements that differ only by Sid grant the same. */
function keyOf(s: Statement): string {
  const { Sid: _sid, ...rest } = s;
  return canonicalJson(rest);
}

/** Statements added and removed going from `before` to `after` (by meaning, ignoring Sids and order). */
export function statementDiff(after: readonly unknown[], before: readonly unknown[]): { added: Statement[]; removed: Statement[] } {
  const a = statementsOf(after);
  const b = statementsOf(before);
  const inBefore = new Set(b.map(keyOf));
  const inAfter = new Set(a.map(keyOf));
  return { added: a.filter((s) => !inBefore.has(keyOf(s))), removed: b.filter((s) => !inAfter.has(keyOf(s))) };
}

/** The reviewer's summary of effective permissions: per service, counts per access level and the risk indicator. */
export function effectiveSummary(e: EffectivePermissions): unknown {
  return {
    total: e.total,
    totals: e.totals,
    services: e.services.map((s) => ({ service: s.service, totals: s.totals, risk: s.risk.indicator })),
    denied: e.denied.length,
  };
}
