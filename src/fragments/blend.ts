/**
 * Permission blending (design.md, "Blending"): the effective decision for a principal whose
 * synthesized policy sits under a boundary, gated by context at request time.
 *
 * Explicit deny anywhere wins; then the request must be allowed by the synthesized policy AND the
 * boundary, under the request's context enriched with Tessera's derived keys (time of day in a
 * zone, network zone, device posture, data sensitivity, workload posture). Context can only gate
 * what boundary ∩ synthesized already allows: it is never a source of permissions. Seed 004's
 * pseudocode adds a permission from context outside the boundary; Tessera deliberately does not
 * (docs/decisions.md).
 */
import type { ContextDiagnostic, ContextEnricher, EnrichInputs } from '../context/index.js';
import { createAuthorizer, type AuthorizationRequest, type Decision, type PolicyInput } from '../policy/index.js';

export interface BlendInput {
  /** The synthesized (approved) policies of the principal. */
  readonly synthesized: readonly PolicyInput[];
  /** The delegator's permissions boundary, attached to the principal. */
  readonly boundary: PolicyInput;
  /** Guard rails that only deny or limit (SCP levels), optional. */
  readonly scp?: readonly (readonly PolicyInput[])[];
}

export interface BlendedDecision {
  readonly decision: Decision;
  /** The tessera: keys derived for this request (what the context contributed). */
  readonly derived: Readonly<Record<string, unknown>>;
  readonly request: AuthorizationRequest;
  /** Inputs the context providers could not use (a tag that is not a level, an unknown device). */
  readonly diagnostics: readonly ContextDiagnostic[];
}

export interface Blend {
  /** `inputs` carry what the caller knows beyond the request (device posture, workload posture). */
  authorize(request: AuthorizationRequest, inputs?: EnrichInputs): BlendedDecision;
}

export function createBlend(input: BlendInput, enricher?: ContextEnricher): Blend {
  const authz = createAuthorizer(input.scp === undefined ? { identity: input.synthesized, boundary: input.boundary } : { identity: input.synthesized, boundary: input.boundary, scp: input.scp });
  return {
    authorize(request, inputs) {
      const enriched = enricher === undefined ? { request, derived: {}, diagnostics: [] } : enricher.enrich(request, inputs);
      return { decision: authz.authorize(enriched.request), derived: enriched.derived, request: enriched.request, diagnostics: enriched.diagnostics };
    },
  };
}
