/**
 * Tessera's own context keys (design.md, "Tessera context keys"): derived by the engine and
 * namespaced `tessera:`, so policies that use them stay valid IAM JSON.
 */
import type { ConditionKeyInfo } from './service-catalog.js';

export const TESSERA_CONTEXT_KEYS: readonly ConditionKeyInfo[] = [
  { name: 'tessera:LocalHour/${TimeZone}', type: 'Numeric' },
  { name: 'tessera:LocalMinuteOfDay/${TimeZone}', type: 'Numeric' },
  { name: 'tessera:LocalDayOfWeek/${TimeZone}', type: 'String' },
  { name: 'tessera:NetworkZone', type: 'String' },
  { name: 'tessera:DeviceManaged', type: 'Bool' },
  { name: 'tessera:DeviceType', type: 'String' },
  { name: 'tessera:DeviceCompliant', type: 'Bool' },
  { name: 'tessera:DataSensitivity', type: 'Numeric' },
  { name: 'tessera:WorkloadRiskScore', type: 'Numeric' },
  { name: 'tessera:WorkloadRiskTier', type: 'String' },
  { name: 'tessera:WorkloadKevExposed', type: 'Bool' },
];

/** Global keys AWS sends with every request: `IfExists` on them never matters. */
export const ALWAYS_PRESENT_KEYS: readonly string[] = [
  'aws:CurrentTime',
  'aws:EpochTime',
  'aws:PrincipalArn',
  'aws:PrincipalAccount',
  'aws:PrincipalType',
  'aws:PrincipalIsAWSService',
  'aws:SecureTransport',
  'aws:userid',
  'aws:ViaAWSService',
];
