/**
 * Diagnostics of fragments and syntheses: collected, never thrown, each naming the fragment it is
 * about. Policy diagnostics of a bound or merged policy keep their own `policy/` codes.
 */
import type { Diagnostic, Severity, SourceLocation } from '../policy/index.js';

export const FRAGMENT_CHECKS = {
  'fragment/invalid-definition': { severity: 'error', title: 'a fragment definition field is missing or has the wrong type' },
  'fragment/invalid-id': { severity: 'error', title: 'an id that is not lower-case letters, digits and dashes' },
  'fragment/invalid-risk': { severity: 'error', title: 'a risk outside 0–100' },
  'fragment/undeclared-parameter': { severity: 'error', title: 'a `${slot}` in a statement that the fragment does not declare' },
  'fragment/unused-parameter': { severity: 'warning', title: 'a declared parameter that no statement uses' },
  'fragment/invalid-pattern': { severity: 'error', title: 'a parameter pattern that is not a valid regular expression' },
  'fragment/invalid-default': { severity: 'error', title: 'a parameter default that its own constraint rejects' },
  'fragment/required-condition-missing': { severity: 'error', title: 'a statement without a condition the fragment requires' },
  'fragment/invalid-signature': { severity: 'error', title: 'a synthesis signature entry of the wrong form' },
  'fragment/invalid-statement': { severity: 'error', title: 'a statement that is not a valid IAM statement once bound' },
  'synthesis/unknown-fragment': { severity: 'error', title: 'a fragment reference that does not exist' },
  'synthesis/not-usable': { severity: 'error', title: 'a fragment version that is not approved (or pinned deprecated)' },
  'synthesis/deprecated': { severity: 'warning', title: 'a deprecated fragment version, usable where pinned' },
  'synthesis/missing-parameter': { severity: 'error', title: 'a parameter without a value or default' },
  'synthesis/unknown-parameter': { severity: 'error', title: 'a value for a parameter the fragment does not have' },
  'synthesis/invalid-parameter': { severity: 'error', title: 'a parameter value its pattern or enumeration rejects' },
  'synthesis/wildcard-parameter': { severity: 'error', title: 'a parameter value with `*`, `?` or `${` where wildcards are not allowed' },
  'synthesis/duplicate-fragment': { severity: 'error', title: 'the same fragment twice in one composition' },
  'synthesis/missing-requirement': { severity: 'error', title: 'a fragment requires a capability no other fragment provides' },
  'synthesis/conflict': { severity: 'error', title: 'two fragments that must not be combined' },
  'synthesis/exclusive-group': { severity: 'error', title: 'two fragments of one exclusive group' },
  'synthesis/risk-budget': { severity: 'error', title: 'the composition exceeds the risk budget' },
  'synthesis/escalation-path': { severity: 'error', title: 'the composition grants a known privilege-escalation path' },
  'synthesis/not-contained': { severity: 'error', title: 'the result grants access outside the boundary or the delegator’s permissions' },
  'synthesis/unprovable': { severity: 'error', title: 'containment could not be proven' },
  'synthesis/too-large': { severity: 'error', title: 'the merged policy exceeds IAM’s size limits even when split' },
  'synthesis/invalid-boundary': { severity: 'error', title: 'the boundary or a delegator policy is not a valid policy' },
} as const satisfies Record<string, { severity: Severity; title: string }>;

export type FragmentDiagnosticCode = keyof typeof FRAGMENT_CHECKS;

export interface FragmentDiagnostic extends Omit<Diagnostic, 'code'> {
  readonly code: FragmentDiagnosticCode | Diagnostic['code'];
  /** The fragment (`id` or `id@version`) the diagnostic is about. */
  readonly fragment?: string;
}

export function fragmentDiagnostic(
  code: FragmentDiagnosticCode,
  message: string,
  help: string,
  where: { fragment?: string | undefined; path?: string | undefined; loc?: SourceLocation | undefined } = {},
): FragmentDiagnostic {
  const d: { -readonly [K in keyof FragmentDiagnostic]: FragmentDiagnostic[K] } = { code, severity: FRAGMENT_CHECKS[code].severity, message, help };
  if (where.fragment !== undefined) d.fragment = where.fragment;
  if (where.path !== undefined) d.path = where.path;
  if (where.loc !== undefined) d.loc = where.loc;
  return d;
}

export function hasFragmentErrors(ds: readonly { severity: Severity }[]): boolean {
  return ds.some((d) => d.severity === 'error');
}
