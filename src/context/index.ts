/**
 * Public surface of the context module: derives Tessera's `tessera:` context keys (local time,
 * network zone, device posture, data sensitivity, workload posture) from a request and configured
 * inputs, before the authorizer evaluates it. Pure: no I/O, no clocks, no timers.
 */
export type { ContextConfig } from './config.js';
export { validateContextConfig } from './config.js';
export type { ContextDiagnostic, ContextDiagnosticCode, ContextSeverity } from './diagnostics.js';
export { InvalidContextConfigError, hasContextErrors } from './diagnostics.js';
export type { ContextEnricher, EnrichResult } from './providers.js';
export { compileContextConfig, createContextEnricher } from './providers.js';
export type { DevicePosture, EnrichInputs, RiskTier, WorkloadPosture } from './types.js';
export { RISK_TIERS } from './types.js';
export type { DayOfWeek, LocalTime } from './time.js';
export { LOCAL_DAY_OF_WEEK, LOCAL_HOUR, LOCAL_MINUTE_OF_DAY, ZoneClock, parseCurrentTime, timeKeysFor } from './time.js';
export type { ZoneReferenceSource } from './zones.js';
export { zoneProblem, zonesReferenced } from './zones.js';
export type { NetworkConfig } from './network.js';
export type { NetworkZones } from './network.js';
export { NETWORK_ZONE, parseAddress } from './network.js';
export type { DeviceConfig } from './device.js';
export { DEVICE_COMPLIANT, DEVICE_MANAGED, DEVICE_TYPE, deviceKeys } from './device.js';
export type { SensitivityConfig, SensitivityLevel, SensitivityName } from './sensitivity.js';
export type { SensitivityClassifier } from './sensitivity.js';
export { DATA_SENSITIVITY, SENSITIVITY_LEVELS, compileArnPattern, parseLevel } from './sensitivity.js';
export type { WorkloadConfig } from './workload.js';
export { WORKLOAD_KEV_EXPOSED, WORKLOAD_RISK_SCORE, WORKLOAD_RISK_TIER, roleArnOfSession, workloadKeys } from './workload.js';
