/**
 * A decision and its explanation: what decided, where it is written, and what the request lacked.
 */
import type { PolicyType } from './request.js';
import type { SourceLocation } from './location.js';

export type DecisionKind = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

/** Points at one statement of one policy in the set. */
export interface StatementRef {
  readonly policyType: PolicyType;
  /** Organization level for SCPs and RCPs (0 = root). */
  readonly level?: number;
  /** Index of the policy within its type (within its level for SCPs and RCPs). */
  readonly policyIndex: number;
  /** Stable name of the policy in the set, e.g. `identity[0]`, `scp[1][0]`, `boundary`. */
  readonly policyName: string;
  /** The document's own `Id` element, if any. */
  readonly policyId?: string;
  readonly statementIndex: number;
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  /** Where the statement is written, when the policy came from JSON text. */
  readonly location?: SourceLocation;
}

/**
 * A compiled statement's ref carries its description (describeRef in decide.ts) under this key,
 * written once at compile time and not enumerable, so JSON output and equality checks do not see
 * it: a decision's summary then formats no numbers on the request path.
 */
export const REF_DESCRIPTION: unique symbol = Symbol('tessera.refDescription');

export type DescribedRef = StatementRef & { readonly [REF_DESCRIPTION]?: string };

/** `identity[0] statement `ReadReports` (line 4)` or `scp[1][0] statement #2`. */
export function formatRef(ref: StatementRef): string {
  const stmt = ref.sid !== undefined && ref.sid !== '' ? `statement \`${ref.sid}\`` : `statement #${ref.statementIndex}`;
  const where = ref.location !== undefined ? ` (line ${ref.location.line})` : '';
  return `${ref.policyName} ${stmt}${where}`;
}

export interface ImplicitDenyCause {
  /** The policy type that did not allow the request. */
  readonly policyType: PolicyType;
  /** For SCPs and RCPs: the organization level without a matching Allow. */
  readonly level?: number;
  readonly reason: string;
}

export interface Decision {
  readonly decision: DecisionKind;
  /** One sentence a person can read. */
  readonly summary: string;
  /**
   * For Allow: the Allow statements that granted it (one per policy type that had to allow).
   * For ExplicitDeny: the matching Deny statement(s). Empty for ImplicitDeny.
   */
  readonly decidingStatements: readonly StatementRef[];
  readonly implicitDeny?: ImplicitDenyCause;
  /** Context keys that matching statements consulted but the request did not carry. */
  readonly missingContextKeys: readonly string[];
  readonly crossAccount: boolean;
  readonly principalAccount?: string;
  readonly resourceAccount?: string;
}

/** Document order of the policy types. */
const TYPE_ORDER: Record<PolicyType, number> = { rcp: 0, scp: 1, resource: 2, identity: 3, boundary: 4, session: 5 };

/** Document order of refs: policy type, organization level, policy, statement. */
export function compareRefs(a: StatementRef, b: StatementRef): number {
  // Refs of one set mostly share a policy type: skip the (keyed, slow) TYPE_ORDER lookup then.
  const types = a.policyType === b.policyType ? 0 : TYPE_ORDER[a.policyType] - TYPE_ORDER[b.policyType];
  return types || (a.level ?? 0) - (b.level ?? 0) || a.policyIndex - b.policyIndex || a.statementIndex - b.statementIndex;
}

/** Sorts refs into document order in place; candidates mostly come in order, and then nothing is copied. */
export function sortRefs(refs: StatementRef[]): StatementRef[] {
  for (let i = 1; i < refs.length; i++) {
    if (compareRefs(refs[i - 1] as StatementRef, refs[i] as StatementRef) > 0) return refs.sort(compareRefs);
  }
  return refs;
}

/**
 * A ref's document order as one number: refs with increasing ranks are in increasing compareRefs
 * order. NaN when a part is out of the encodable range (level > 15, an index ≥ 2²³), so that a
 * check `rank > previous` then fails and the caller falls back to sortRefs.
 */
export function refRank(ref: StatementRef): number {
  const level = ref.level ?? 0;
  const { policyIndex, statementIndex } = ref;
  const fits = (n: number, limit: number) => Number.isInteger(n) && n >= 0 && n < limit;
  if (!fits(level, 16) || !fits(policyIndex, 2 ** 23) || !fits(statementIndex, 2 ** 23)) return Number.NaN;
  return ((TYPE_ORDER[ref.policyType] * 16 + level) * 2 ** 23 + policyIndex) * 2 ** 23 + statementIndex;
}
