/**
 * The enricher's configuration and its validation. Every problem becomes a diagnostic (collected,
 * never thrown here); a configuration with errors builds no enricher, because a dropped CIDR or
 * classification rule would silently move requests into another zone or level.
 *
 * Shape (JSON-schema-like; every member optional, unknown members are errors):
 *
 *   {
 *     "timeZones":  [string],              // IANA names, e.g. "Europe/Berlin" (keys tessera:LocalHour/<zone>, ...)
 *     "network": {
 *       "zones":    [{ "name": string,      // letters, digits, _ . : -  e.g. "corporate"
 *                      "cidrs": [string] }],// "10.0.0.0/8", "2001:db8::/32"; first matching zone wins
 *       "default":  string                  // zone of an address no range holds, e.g. "internet"
 *     },
 *     "devices": {
 *       "records":  { "<device id>": { "managed": boolean, "type": string, "compliant": boolean } },
 *       "idKey":    string                  // context key holding the device id
 *     },
 *     "sensitivity": {
 *       "resources":  [{ "pattern": string, // "*" or an ARN pattern with * and ? wildcards
 *                        "level": 0|1|2|3 | "public"|"internal"|"confidential"|"restricted" }],
 *       "precedence": "most-specific" | "highest",   // default "most-specific"
 *       "tagKey":     string                // resource tag holding a level (aws:ResourceTag/<tagKey>)
 *     },
 *     "workloads": {
 *       "records":  { "<principal ARN or workload id>": { "riskScore": number >= 0,
 *                       "riskTier": "minimal"|"low"|"moderate"|"high"|"critical", "kevExposed": boolean } },
 *       "idKey":    string                  // context key holding the workload id
 *     }
 *   }
 */
import type { DeviceConfig } from './device.js';
import { compileDeviceProvider } from './device.js';
import { DiagnosticSink, type ContextDiagnostic } from './diagnostics.js';
import { compileNetworkZones, type NetworkConfig } from './network.js';
import { compileSensitivity, type SensitivityConfig } from './sensitivity.js';
import { checkMembers, optionalObject } from './shape.js';
import { compileTimeProvider, type ZoneClock } from './time.js';
import type { ContextProvider } from './types.js';
import { compileWorkloadProvider, type WorkloadConfig } from './workload.js';

export interface ContextConfig {
  readonly timeZones?: readonly string[];
  readonly network?: NetworkConfig;
  readonly devices?: DeviceConfig;
  readonly sensitivity?: SensitivityConfig;
  readonly workloads?: WorkloadConfig;
}

export interface CompiledConfig {
  /** In derivation order: time, network, device, sensitivity, workload. */
  readonly providers: readonly ContextProvider[];
  readonly clocks: readonly ZoneClock[];
}

/** Compiles a configuration (typed, or as read from JSON); `compiled` is absent when it has errors. */
export function compileConfig(config: unknown): { compiled?: CompiledConfig; diagnostics: readonly ContextDiagnostic[] } {
  const sink = new DiagnosticSink();
  const cfg = optionalObject(config ?? {}, '', sink);
  if (cfg === undefined) return { diagnostics: sink.items };
  checkMembers(cfg, ['timeZones', 'network', 'devices', 'sensitivity', 'workloads'], '', sink);
  const time = compileTimeProvider(cfg['timeZones'], 'timeZones', sink);
  const providers: (ContextProvider | undefined)[] = [
    time,
    compileNetworkZones(cfg['network'], 'network', sink),
    // Device and workload providers exist without configuration: `inputs` may carry the records.
    compileDeviceProvider(cfg['devices'], 'devices', sink),
    compileSensitivity(cfg['sensitivity'], 'sensitivity', sink),
    compileWorkloadProvider(cfg['workloads'], 'workloads', sink),
  ];
  if (sink.hasErrors) return { diagnostics: sink.items };
  return { compiled: { providers: providers.filter((p): p is ContextProvider => p !== undefined), clocks: time.clocks }, diagnostics: sink.items };
}

/** Only the diagnostics of a configuration (errors and warnings). */
export function validateContextConfig(config: unknown): readonly ContextDiagnostic[] {
  return compileConfig(config).diagnostics;
}
