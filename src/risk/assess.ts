/**
 * `assessRisk`: application metadata + deployment environment + intel → a risk profile whose
 * every number traces back to evidence. Pure and deterministic: the same inputs give a
 * byte-identical profile (no clock, arrays in a defined order).
 */
import type { IntelDiagnostic } from '../intel/index.js';
import { DEFAULT_RISK_CONFIG, higherTier, tierOf, type RiskConfig, type Tier } from './config.js';
import { computeFactors, round, type Factor } from './factors.js';
import type { AppProfile, EnvProfile, VulnerabilityInput } from './inputs.js';
import { computeThreats, type Threat } from './threats.js';
import { assessVulnerability, byPriority, type Intel, type VulnerabilityAssessment } from './vulnerability.js';

export interface RiskProfile {
  readonly engine: 'tessera-risk';
  readonly config: string;
  readonly app: string;
  readonly env: string;
  /** Which intel snapshots were used (null: not loaded). */
  readonly intel: { readonly kev: string | null; readonly epss: string | null };
  readonly score: number;
  readonly tier: Tier;
  /** Why the tier is what it is: the score band, or a floor an urgent vulnerability set. */
  readonly tierReason: string;
  readonly factors: readonly Factor[];
  readonly threats: readonly Threat[];
  /** Most pressing first. */
  readonly vulnerabilities: readonly VulnerabilityAssessment[];
  readonly summary: { readonly vulnerabilities: number; readonly inKev: number; readonly immediate: number; readonly outOfCycle: number; readonly ignored: number };
}

export interface RiskInputs {
  readonly app: AppProfile;
  readonly env: EnvProfile;
  /** Vulnerabilities of packages; those of packages the app does not ship are ignored (counted). */
  readonly vulnerabilities?: readonly VulnerabilityInput[];
  readonly intel?: Intel;
  readonly config?: RiskConfig;
}

export function assessRisk(inputs: RiskInputs): { profile: RiskProfile; diagnostics: IntelDiagnostic[] } {
  const config = inputs.config ?? DEFAULT_RISK_CONFIG;
  const intel = inputs.intel ?? {};
  const { app, env } = inputs;
  const diagnostics: IntelDiagnostic[] = [];
  const shipped = new Set(app.packages.map((p) => p.name));
  const all = inputs.vulnerabilities ?? [];
  const relevant = all.filter((v) => shipped.has(v.package));

  // One entry per (CVE, package): a feed may list the same pair twice.
  const seen = new Set<string>();
  const vulnerabilities: VulnerabilityAssessment[] = [];
  for (const v of relevant) {
    const key = `${v.cve}\u0000${v.package}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const r = assessVulnerability(v, app, env, intel, config);
    vulnerabilities.push(r.assessment);
    diagnostics.push(...r.diagnostics);
  }
  vulnerabilities.sort(byPriority);

  const factors = computeFactors(app, env, vulnerabilities, config);
  const score = round(factors.reduce((s, f) => s + f.contribution, 0), 1);
  const band = tierOf(score, config);
  let tier = band;
  let tierReason = `score ${score} is in the ${band} band`;
  for (const [decision, floor] of [['immediate', config.tierFloors.immediate], ['out-of-cycle', config.tierFloors['out-of-cycle']]] as const) {
    const urgent = vulnerabilities.filter((v) => v.ssvc.deployer.outcome === decision);
    if (floor === undefined || urgent.length === 0 || higherTier(tier, floor) === tier) continue;
    tier = floor;
    tierReason = `raised from ${band} to ${floor}: SSVC deployer decision ${decision} for ${urgent.map((v) => v.cve).slice(0, 3).join(', ')}${urgent.length > 3 ? ` and ${urgent.length - 3} more` : ''}`;
  }

  return {
    profile: {
      engine: 'tessera-risk',
      config: config.version,
      app: app.name,
      env: env.name,
      intel: { kev: intel.kev?.catalogVersion ?? null, epss: intel.epss === undefined ? null : `${intel.epss.modelVersion} ${intel.epss.scoreDate}` },
      score,
      tier,
      tierReason,
      factors,
      threats: computeThreats(app, env, vulnerabilities, factors, config),
      vulnerabilities,
      summary: {
        vulnerabilities: vulnerabilities.length,
        inKev: vulnerabilities.filter((v) => v.kev !== null).length,
        immediate: vulnerabilities.filter((v) => v.ssvc.deployer.outcome === 'immediate').length,
        outOfCycle: vulnerabilities.filter((v) => v.ssvc.deployer.outcome === 'out-of-cycle').length,
        ignored: all.length - relevant.length,
      },
    },
    diagnostics,
  };
}
