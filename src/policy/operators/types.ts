/**
 * One object per condition operator, all implementing this interface and registered in one list
 * (registry.ts). An operator parses policy values once, parses request values (cached per request),
 * and answers the positive comparison; negation, IfExists and set operators are applied around it
 * by the condition compiler, the same way for every operator.
 */
import type { GlobToken } from '../glob.js';
import type { PolicyDiagnosticCode } from '../diagnostics.js';

export type OperatorFamily = 'String' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'Ip' | 'Arn' | 'Null';

export type ValueParse<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: PolicyDiagnosticCode; readonly message: string; readonly help: string };

/** A policy value after variable substitution: as text, and as glob tokens for wildcard operators. */
export interface PolicyValueText {
  readonly text: string;
  readonly tokens: readonly GlobToken[];
}

export interface ConditionOperator<P = unknown, R = unknown> {
  readonly name: string;
  readonly family: OperatorFamily;
  /** `...Not...` operators and NotIpAddress: the negation of a positive comparison. */
  readonly negated: boolean;
  /** True when `*` and `?` in policy values are wildcards. */
  readonly wildcards: boolean;
  /** Identifies parseRequest, so operators that parse requests alike share the cached result. */
  readonly requestKind: string;
  parsePolicy(value: PolicyValueText): ValueParse<P>;
  /** A request value of the operator's type, or undefined when it is not one (it then matches nothing). */
  parseRequest(raw: string): R | undefined;
  /** The positive comparison of one request value with one policy value. */
  test(request: R, policy: P): boolean;
}

export function ok<T>(value: T): ValueParse<T> {
  return { ok: true, value };
}

export function bad<T>(code: PolicyDiagnosticCode, message: string, help: string): ValueParse<T> {
  return { ok: false, code, message, help };
}

/** Declares an operator with its types inferred; the registry stores it type-erased. */
export function operator<P, R>(op: ConditionOperator<P, R>): ConditionOperator {
  return op as unknown as ConditionOperator;
}
