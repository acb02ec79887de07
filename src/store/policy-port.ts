/**
 * The persistence port of synthesized policies (issue 8): permissions boundaries, synthesized
 * policies with their versions and lifecycle, and assignments of policies to principals.
 *
 * A boundary is versioned like a fragment: a version never changes, a new document is a new
 * version. A synthesized policy belongs to one team; each version keeps what it was synthesized
 * from (fragment refs, parameters, the boundary version), the documents that came out and the
 * analysis verdict, so a reviewer sees exactly what will be enforced and why it was judged safe.
 *
 * Lifecycle of a version: draft → submitted → approved | rejected → active → superseded. At most
 * one version of a policy is active; activating one supersedes the active one in the same
 * transaction (rollback is activating an earlier approved or superseded version). Like
 * FragmentStore.transition, `expected` makes the check of the current status and the move one
 * transaction, for HTTP's If-Match.
 *
 * Stores never read the clock: times come from the caller.
 */

export type PolicyStatus = 'draft' | 'submitted' | 'approved' | 'rejected' | 'active' | 'superseded';
export type PolicyAction = 'submit' | 'approve' | 'reject' | 'activate';

export const POLICY_STATUSES: readonly PolicyStatus[] = ['draft', 'submitted', 'approved', 'rejected', 'active', 'superseded'];
export const POLICY_ACTIONS: readonly PolicyAction[] = ['submit', 'approve', 'reject', 'activate'];

/** The moves: from which statuses each action may start, and where it ends. */
export const POLICY_TRANSITIONS: Readonly<Record<PolicyAction, { from: readonly PolicyStatus[]; to: PolicyStatus }>> = {
  submit: { from: ['draft'], to: 'submitted' },
  approve: { from: ['submitted'], to: 'approved' },
  reject: { from: ['submitted'], to: 'rejected' },
  // A superseded version was approved and active once: activating it again is the rollback.
  activate: { from: ['approved', 'superseded'], to: 'active' },
};

/** Who makes a change, when, and (for reviews) why. */
export interface PolicyActor {
  by: string;
  at: string;
  comment?: string;
}

export interface BoundaryVersion {
  id: string;
  version: number;
  /** The IAM policy document (a JSON value) used as permissions boundary. */
  document: unknown;
  /** The team whose delegated admins may synthesize policies under it; null: only the central admin may. */
  team: string | null;
  createdAt: string;
  createdBy: string;
}

export type BoundarySummary = Omit<BoundaryVersion, 'document'>;

/** What a version was synthesized from; enough to synthesize it again. */
export interface PolicySynthesisInput {
  fragments: { ref: string; params: Record<string, string> }[];
  boundary: { id: string; version: number };
  riskBudget: number | null;
}

export interface PolicyStatusChange {
  from: PolicyStatus;
  to: PolicyStatus;
  at: string;
  by: string;
  comment?: string;
}

export interface PolicyVersion {
  id: string;
  version: number;
  /** The team the policy belongs to (fixed when the policy is created). */
  team: string;
  status: PolicyStatus;
  request: PolicySynthesisInput;
  /** The synthesized IAM policy documents. */
  documents: unknown[];
  /** The analysis verdict as the synthesis gave it (containment, findings, record). */
  verdict: unknown;
  risk: number;
  createdAt: string;
  createdBy: string;
  history: PolicyStatusChange[];
}

export interface NewPolicyVersion {
  id: string;
  team: string;
  request: PolicySynthesisInput;
  documents: unknown[];
  verdict: unknown;
  risk: number;
}

/** One line of a list of policies. */
export interface PolicySummary {
  id: string;
  team: string;
  latestVersion: number;
  /** The active version, or null. */
  active: number | null;
  createdAt: string;
  createdBy: string;
}

export interface PolicyAssignment {
  principal: string;
  /** In the order given. */
  policyIds: string[];
  updatedAt: string;
  updatedBy: string;
}

export interface PolicyStore {
  /**
   * A new version of the boundary (version 1 creates it) for `team` (null: no team, the central
   * admin's); the same document for the same team as the latest returns the latest.
   */
  putBoundary(id: string, document: unknown, actor: PolicyActor, team?: string | null): Promise<BoundaryVersion>;
  /** The given version, or the latest without one. */
  getBoundary(id: string, version?: number): Promise<BoundaryVersion | undefined>;
  /** The latest version of every boundary (of one team's with `team`), by id, without documents. */
  listBoundaries(team?: string): Promise<BoundarySummary[]>;
  /**
   * A new draft version (version 1 creates the policy). PolicyTeamMismatchError when the policy
   * exists under another team; BoundaryNotFoundError when the boundary version does not exist.
   */
  addPolicyVersion(input: NewPolicyVersion, actor: PolicyActor): Promise<PolicyVersion>;
  getPolicyVersion(id: string, version: number): Promise<PolicyVersion | undefined>;
  /** Oldest first; empty for an unknown policy. */
  policyVersions(id: string): Promise<PolicyVersion[]>;
  activeVersion(id: string): Promise<PolicyVersion | undefined>;
  /** Every policy (of one team when given), by id. */
  listPolicies(team?: string): Promise<PolicySummary[]>;
  /**
   * Moves a version along the lifecycle. PolicyNotFoundError for an unknown version,
   * StalePolicyStatusError when `expected` is given and is not the current status,
   * InvalidPolicyTransitionError when the action cannot start from the current status.
   */
  transition(id: string, version: number, action: PolicyAction, actor: PolicyActor, expected?: PolicyStatus): Promise<PolicyVersion>;
  /** Replaces the principal's policies; PolicyNotFoundError when one does not exist. An empty list removes them. */
  setAssignment(principal: string, policyIds: readonly string[], actor: PolicyActor): Promise<PolicyAssignment>;
  getAssignment(principal: string): Promise<PolicyAssignment | undefined>;
  /**
   * A number that changes whenever a principal's policy set may have: a new boundary version, an
   * activation, an assignment. Servers compare it to drop cached sets another node made stale.
   */
  revision(): Promise<number>;
}
