/**
 * The risk engine's weights and thresholds: versioned configuration, so a profile names the
 * rules that produced it and a change of rules is visible as a change of `version`. The
 * rationale for each default is in docs/risk.md.
 */
import type { Criticality, DataSensitivity, Exposure, UserBase } from './inputs.js';

export type FactorId = 'vulnerability-severity' | 'exploitability' | 'data-sensitivity' | 'network-exposure' | 'user-base' | 'access-control' | 'geography';
export type Tier = 'minimal' | 'low' | 'moderate' | 'high' | 'critical';

export interface RiskConfig {
  readonly version: string;
  /** Relative weights; the score is 100 × Σ weight·value / Σ weight. */
  readonly weights: Readonly<Record<FactorId, number>>;
  /** Lower bounds of each tier above `minimal`, on the 0–100 score. */
  readonly tiers: readonly { readonly tier: Tier; readonly from: number }[];
  readonly dataSensitivity: Readonly<Record<DataSensitivity, number>>;
  /** Data classes that raise sensitivity to at least the given value whatever the label says. */
  readonly sensitiveClasses: Readonly<Record<string, number>>;
  readonly exposure: Readonly<Record<Exposure, number>>;
  /** How much each network control takes off the exposure value (not below `exposureFloor`). */
  readonly networkControlRelief: { readonly waf: number; readonly segmentation: number };
  readonly exposureFloor: number;
  readonly userBase: Readonly<Record<UserBase, number>>;
  /** Users at which the user-base factor reaches its maximum (log scale from 1). */
  readonly userBaseSaturation: number;
  /** Strength of each access control; the factor is 1 − the sum (never below 0). */
  readonly accessControlStrength: { readonly mfa: number; readonly sso: number; readonly privilegedAccessManagement: number };
  readonly geography: {
    readonly base: number;
    /** Added when a compliance regime's jurisdiction does not contain the deployment's country. */
    readonly outsideJurisdiction: number;
    /** Added for a deployment in one of these countries (ISO 3166-1 alpha-2); empty by default. */
    readonly elevatedCountries: readonly string[];
    readonly elevated: number;
    /** Regimes that bind data to a jurisdiction: regime → its countries. */
    readonly jurisdictions: Readonly<Record<string, readonly string[]>>;
  };
  /** EPSS probability from which exploitation counts as `public poc` for SSVC. */
  readonly epssPublicPoc: number;
  /** Tier floors: any vulnerability with this SSVC deployer decision lifts the tier to at least this. */
  readonly tierFloors: Readonly<Partial<Record<'immediate' | 'out-of-cycle', Tier>>>;
  readonly criticalityImpact: Readonly<Record<Criticality, number>>;
}

const EU = ['AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE', 'IS', 'LI', 'NO'];

export const DEFAULT_RISK_CONFIG: RiskConfig = {
  version: 'tessera-risk/1',
  weights: { 'vulnerability-severity': 25, exploitability: 20, 'data-sensitivity': 15, 'network-exposure': 15, 'user-base': 10, 'access-control': 10, geography: 5 },
  tiers: [{ tier: 'low', from: 20 }, { tier: 'moderate', from: 40 }, { tier: 'high', from: 60 }, { tier: 'critical', from: 80 }],
  dataSensitivity: { public: 0, internal: 0.3, confidential: 0.7, restricted: 1 },
  sensitiveClasses: { 'payment-card': 1, health: 1, credentials: 1, pii: 0.7, financial: 0.5 },
  exposure: { 'internet-facing': 1, partner: 0.6, internal: 0.3, isolated: 0.05 },
  networkControlRelief: { waf: 0.1, segmentation: 0.1 },
  exposureFloor: 0.05,
  userBase: { internal: 0.2, partner: 0.5, public: 0.8 },
  userBaseSaturation: 10_000_000,
  accessControlStrength: { mfa: 0.5, sso: 0.25, privilegedAccessManagement: 0.25 },
  geography: { base: 0.2, outsideJurisdiction: 0.5, elevatedCountries: [], elevated: 0.3, jurisdictions: { gdpr: EU } },
  epssPublicPoc: 0.1,
  tierFloors: { immediate: 'high', 'out-of-cycle': 'moderate' },
  criticalityImpact: { low: 0.25, medium: 0.5, high: 0.75, 'mission-critical': 1 },
};

/** Tiers from least to most risk. */
export const TIER_ORDER: readonly Tier[] = ['minimal', 'low', 'moderate', 'high', 'critical'];

export function tierOf(score: number, config: RiskConfig): Tier {
  let tier: Tier = 'minimal';
  for (const t of config.tiers) if (score >= t.from) tier = t.tier;
  return tier;
}

export function higherTier(a: Tier, b: Tier): Tier {
  return TIER_ORDER.indexOf(a) >= TIER_ORDER.indexOf(b) ? a : b;
}
