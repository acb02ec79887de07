/**
 * The catalog's closed vocabularies: the risk engine's threat ids and tiers (checked at compile
 * time against its types), the control categories, and the resource classes.
 */
import type { ThreatId, Tier } from '../risk/index.js';

/** The risk engine's threat ids (src/risk/threats.ts), in its order. */
export const THREAT_IDS = ['brute-force', 'malware', 'lateral-movement', 'unpatched-vulnerabilities', 'data-exfiltration', 'persistence', 'privilege-escalation', 'denial-of-service'] as const satisfies readonly ThreatId[];
/** The risk engine's tiers (src/risk/config.ts), lowest first. */
export const TIERS = ['minimal', 'low', 'moderate', 'high', 'critical'] as const satisfies readonly Tier[];
// Both lists must name every member of the risk engine's types: this fails to compile otherwise.
const _allThreats: [Exclude<ThreatId, (typeof THREAT_IDS)[number]>] extends [never] ? true : false = true;
const _allTiers: [Exclude<Tier, (typeof TIERS)[number]>] extends [never] ? true : false = true;

export const CATEGORIES = ['firewall', 'intrusion-response', 'file-integrity', 'audit', 'mac', 'malware-scan', 'config-audit', 'patching', 'password-policy', 'time-sync', 'logging', 'device-control'] as const;
export type ControlCategory = (typeof CATEGORIES)[number];

export type ResourceClass = 'low' | 'medium' | 'high';
/** RAM classes by resident megabytes: low below 20, medium below 200, high from 200. */
export const RAM_CLASS_LIMITS_MB = { low: 20, medium: 200 } as const;

export function ramClassOf(mb: number): ResourceClass {
  return mb < RAM_CLASS_LIMITS_MB.low ? 'low' : mb < RAM_CLASS_LIMITS_MB.medium ? 'medium' : 'high';
}

