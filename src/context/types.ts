/**
 * Shared shapes of the context providers: the per-request inputs beside the request, and the
 * interface every provider implements so that `providers.ts` can compose them.
 */
import type { AuthorizationRequest, ContextValue } from '../policy/index.js';
import type { ContextReader } from './reader.js';
import type { DiagnosticReporter } from './diagnostics.js';

/** A device's posture as an MDM reports it. A field left out means "unknown": its key is not derived. */
export interface DevicePosture {
  readonly managed?: boolean;
  /** Free text such as `laptop`, `mobile`, `server`; compared by policies with String operators. */
  readonly type?: string;
  readonly compliant?: boolean;
}

export const RISK_TIERS = ['minimal', 'low', 'moderate', 'high', 'critical'] as const;
export type RiskTier = (typeof RISK_TIERS)[number];

/** The calling workload's posture, as the risk engine computes it. Absent fields are not derived. */
export interface WorkloadPosture {
  readonly riskScore?: number;
  readonly riskTier?: RiskTier;
  readonly kevExposed?: boolean;
}

/**
 * Inputs that are not part of the AWS request: posture records an adapter fetched for this request
 * (MDM, risk engine). Records given here take precedence over the configured lookup tables, because
 * they are the fresher answer for this very request.
 */
export interface EnrichInputs {
  /** Device id to look up in `devices.records` (when `device` is not given). */
  readonly deviceId?: string;
  readonly device?: DevicePosture;
  /** Workload id to look up in `workloads.records` (when `workload` is not given). */
  readonly workloadId?: string;
  readonly workload?: WorkloadPosture;
}

/** What a provider sees of one request. */
export interface DeriveRequest {
  readonly request: AuthorizationRequest;
  /** The request context, read by case-insensitive key name as the authorizer reads it. */
  readonly context: ContextReader;
  readonly inputs: EnrichInputs;
}

/** Where a provider puts what it derived and what it could not use. */
export interface DeriveSink extends DiagnosticReporter {
  set(key: string, value: ContextValue): void;
}

/** A provider compiled from configuration: pure, synchronous, no I/O. */
export interface ContextProvider {
  derive(req: DeriveRequest, out: DeriveSink): void;
}
