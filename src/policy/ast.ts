/**
 * The typed AST of an IAM JSON policy document. Every element keeps its source location (when
 * the policy came from text) so that diagnostics and decisions can point at the exact line.
 */
import type { SourceLocation } from './location.js';
import type { PolicyType } from './request.js';

/** A string value and where it is written. */
export interface Located<T = string> {
  readonly value: T;
  readonly loc?: SourceLocation;
}

export type Effect = 'Allow' | 'Deny';

/** Action/NotAction or Resource/NotResource: a list of patterns, possibly negated. */
export interface PatternList {
  /** True for NotAction / NotResource. */
  readonly negated: boolean;
  readonly patterns: readonly Located[];
  readonly loc?: SourceLocation;
}

export type PrincipalKind = 'AWS' | 'Service' | 'Federated' | 'CanonicalUser';

export interface PrincipalEntry {
  readonly kind: PrincipalKind;
  readonly value: Located;
}

/** Principal/NotPrincipal. `"Principal": "*"` is `{ anyone: true, entries: [] }`. */
export interface PrincipalElement {
  readonly negated: boolean;
  readonly anyone: boolean;
  readonly entries: readonly PrincipalEntry[];
  readonly loc?: SourceLocation;
}

export type SetOperator = 'ForAllValues' | 'ForAnyValue';

/** One `operator: { key: values }` pair of a Condition block. */
export interface ConditionClause {
  /** The operator as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly operator: string;
  /** The operator without set prefix and IfExists suffix, e.g. `StringLike`. */
  readonly baseOperator: string;
  readonly setOperator?: SetOperator;
  readonly ifExists: boolean;
  readonly key: string;
  readonly values: readonly Located[];
  readonly operatorLoc?: SourceLocation;
  readonly keyLoc?: SourceLocation;
}

export interface Statement {
  /** Position in the Statement list (0-based). */
  readonly index: number;
  readonly sid?: string;
  readonly effect: Effect;
  readonly action: PatternList;
  /** Absent only where the policy type allows it (never for the types Tessera evaluates today). */
  readonly resource?: PatternList;
  readonly principal?: PrincipalElement;
  readonly conditions: readonly ConditionClause[];
  readonly loc?: SourceLocation;
}

export interface PolicyDocument {
  readonly policyType: PolicyType;
  /** `Version` as written (undefined when absent). */
  readonly version?: string;
  /** Policy variables are substituted only under Version 2012-10-17. */
  readonly variablesEnabled: boolean;
  readonly id?: string;
  readonly statements: readonly Statement[];
  /** Size of the source text (whitespace included), when known. */
  readonly sourceLength?: number;
  readonly loc?: SourceLocation;
}

/** Resource-based policies and RCPs carry a Principal; the others must not. */
export function takesPrincipal(type: PolicyType): boolean {
  return type === 'resource' || type === 'rcp';
}
