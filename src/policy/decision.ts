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
