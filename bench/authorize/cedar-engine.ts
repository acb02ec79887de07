/**
 * Cedar on its fastest path in @cedar-policy/cedar-wasm 4.x: the policy set is parsed once into
 * the module's thread-local cache (`preparsePolicySet`) and every decision is a
 * `statefulIsAuthorized` call naming it. The alternative, `isAuthorized`, re-parses the whole
 * policy text on every call. No schema: with one, each call would also clone the preparsed schema
 * and type-check the context, which only adds work (the translation already types every value).
 *
 * The `nodejs` build is used because the default ESM build imports the .wasm file as a module,
 * which Node does not load without an experimental flag.
 */
import { getCedarVersion, preparsePolicySet, statefulIsAuthorized, type StatefulAuthorizationCall } from '@cedar-policy/cedar-wasm/nodejs';
import type { DecisionKind } from '../../src/index.js';
import type { CedarRequest } from '../workload/to-cedar.js';

export const cedarVersion = (): string => getCedarVersion();

/**
 * Parses `policies` into the cache under `id`. Re-using an id replaces the entry; cedar-wasm has no
 * way to drop one, so benchmarks re-use a few ids instead of minting new ones.
 */
export function preparse(id: string, policies: Record<string, string>): void {
  const answer = preparsePolicySet(id, { staticPolicies: policies });
  if (answer.type !== 'success') {
    throw new Error(`Cedar rejected the translated policies: ${answer.errors.slice(0, 3).map((e) => e.message).join('; ')}`);
  }
}

/** The per-decision call objects, built ahead so that timing sees only Cedar's own work. */
export function statefulCalls(id: string, requests: readonly CedarRequest[]): StatefulAuthorizationCall[] {
  return requests.map((r) => ({ ...r, preparsedPolicySetId: id }));
}

export interface CedarOutcome {
  readonly decision: DecisionKind;
  /** Determining policies: satisfied permits for allow, satisfied forbids for deny. */
  readonly reasons: readonly string[];
  /** Failures and policy evaluation errors (an erroring policy is skipped, which would hide a bad translation). */
  readonly errors: readonly string[];
}

/** Just the call, for timing. */
export function decideRaw(call: StatefulAuthorizationCall): unknown {
  return statefulIsAuthorized(call);
}

/** A decision in IAM terms: a deny with a satisfied forbid is an explicit deny. */
export function decide(call: StatefulAuthorizationCall): CedarOutcome {
  const answer = statefulIsAuthorized(call);
  if (answer.type !== 'success') return { decision: 'ImplicitDeny', reasons: [], errors: answer.errors.map((e) => e.message) };
  const { decision, diagnostics } = answer.response;
  const reasons = diagnostics.reason;
  const errors = diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`);
  const kind: DecisionKind = decision === 'allow' ? 'Allow' : reasons.length > 0 ? 'ExplicitDeny' : 'ImplicitDeny';
  return { decision: kind, reasons, errors };
}
