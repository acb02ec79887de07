/**
 * The weighted risk factors. Each is a value from 0 (no risk from this source) to 1, with the
 * evidence it came from: which CVE, which KEV entry, which input field.
 */
import type { FactorId, RiskConfig } from './config.js';
import type { AppProfile, EnvProfile } from './inputs.js';
import type { VulnerabilityAssessment } from './vulnerability.js';

export interface Factor {
  readonly id: FactorId;
  readonly value: number;
  readonly weight: number;
  /** Points of the 0–100 score this factor adds: 100 × weight × value / Σ weights. */
  readonly contribution: number;
  readonly evidence: readonly string[];
}

export const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Severity used when a vulnerability has no CVSS vector: medium (5.0), said in the evidence. */
const UNKNOWN_SEVERITY = 5;

function severity(vulns: readonly VulnerabilityAssessment[]): [number, string[]] {
  if (vulns.length === 0) return [0, ['no known vulnerabilities in the app’s packages']];
  const scoreOf = (v: VulnerabilityAssessment) => v.cvss?.environmental ?? UNKNOWN_SEVERITY;
  const top = [...vulns].sort((a, b) => scoreOf(b) - scoreOf(a) || (a.cve < b.cve ? -1 : 1));
  const worst = (scoreOf(top[0] as VulnerabilityAssessment) / 10) ** 2;
  // The worst vulnerability sets the value (squared: a 9.8 counts far more than a 5.0); each
  // further one closes 5% of the remaining gap, at most half of it.
  const more = Math.min(0.5, 0.05 * (vulns.length - 1));
  const unknown = vulns.filter((v) => v.cvss === null).length;
  return [
    1 - (1 - worst) * (1 - more),
    [
      `${vulns.length} vulnerabilit${vulns.length === 1 ? 'y' : 'ies'} in the app’s packages`,
      ...top.slice(0, 3).map((v) => `${v.cve} (${v.package}): CVSS ${v.cvss === null ? `unknown, counted as ${UNKNOWN_SEVERITY.toFixed(1)}` : `${v.cvss.environmental.toFixed(1)} environmental, ${v.cvss.base.toFixed(1)} base`}`),
      ...(unknown > 0 ? [`${unknown} without a CVSS vector, counted as ${UNKNOWN_SEVERITY.toFixed(1)}`] : []),
    ],
  ];
}

function exploitability(vulns: readonly VulnerabilityAssessment[], reach: number): [number, string[]] {
  const kev = vulns.filter((v) => v.kev !== null);
  const epss = vulns.filter((v) => v.kev === null && v.epss !== null).sort((a, b) => (b.epss?.score ?? 0) - (a.epss?.score ?? 0) || (a.cve < b.cve ? -1 : 1));
  const evidence = [
    ...kev.map((v) => `${v.cve} (${v.package}) is in CISA KEV since ${v.kev?.dateAdded}${v.kev?.knownRansomware === true ? ', used by ransomware' : ''}`),
    ...epss.slice(0, 3).map((v) => `${v.cve} (${v.package}): EPSS ${v.epss?.score} (percentile ${v.epss?.percentile})`),
  ];
  if (evidence.length === 0) evidence.push(vulns.length === 0 ? 'no vulnerabilities to exploit' : 'no vulnerability is in KEV or has an EPSS score');
  // The likeliest exploitation (KEV: certain, else the EPSS probability), discounted by how far
  // the deployment is out of reach: half of it is the network exposure.
  const likeliest = Math.max(0, ...vulns.map((v) => (v.kev !== null ? 1 : (v.epss?.score ?? 0))));
  if (likeliest > 0) evidence.push(`reachability ${round(reach, 3)} (half fixed, half the network exposure)`);
  return [likeliest * reach, evidence];
}

function dataSensitivity(app: AppProfile, config: RiskConfig): [number, string[]] {
  const label = config.dataSensitivity[app.data.sensitivity];
  const classes = app.data.classes.filter((c) => config.sensitiveClasses[c] !== undefined);
  const fromClasses = Math.max(0, ...classes.map((c) => config.sensitiveClasses[c] as number));
  return [Math.max(label, fromClasses), [`data.sensitivity: ${app.data.sensitivity} (${label})`, ...classes.map((c) => `data.classes: ${c} (at least ${config.sensitiveClasses[c]})`)]];
}

function networkExposure(env: EnvProfile, config: RiskConfig): [number, string[]] {
  const base = config.exposure[env.exposure];
  const relief = (env.networkControls.waf ? config.networkControlRelief.waf : 0) + (env.networkControls.segmentation ? config.networkControlRelief.segmentation : 0);
  const controls = [env.networkControls.waf ? 'a WAF' : '', env.networkControls.segmentation ? 'segmentation' : ''].filter((c) => c !== '');
  return [Math.max(config.exposureFloor, base - relief), [`exposure: ${env.exposure} (${base})`, controls.length > 0 ? `network controls: ${controls.join(' and ')} (−${round(relief, 3)})` : 'network controls: no WAF, no segmentation']];
}

function userBase(app: AppProfile, config: RiskConfig): [number, string[]] {
  const base = config.userBase[app.users.base];
  const scale = Math.min(1, Math.log10(app.users.size + 1) / Math.log10(config.userBaseSaturation));
  return [Math.min(1, base + 0.2 * scale), [`users.base: ${app.users.base} (${base})`, `users.size: ${app.users.size.toLocaleString('en-US')} (+${round(0.2 * scale, 3)})`]];
}

function accessControl(env: EnvProfile, config: RiskConfig): [number, string[]] {
  const s = config.accessControlStrength;
  const c = env.accessControls;
  const strength = (c.mfa ? s.mfa : 0) + (c.sso ? s.sso : 0) + (c.privilegedAccessManagement ? s.privilegedAccessManagement : 0);
  const have = [c.mfa ? 'MFA' : '', c.sso ? 'SSO' : '', c.privilegedAccessManagement ? 'privileged access management' : ''].filter((x) => x !== '');
  const missing = [!c.mfa ? 'MFA' : '', !c.sso ? 'SSO' : '', !c.privilegedAccessManagement ? 'privileged access management' : ''].filter((x) => x !== '');
  return [Math.max(0, 1 - strength), [have.length > 0 ? `access controls: ${have.join(', ')}` : 'access controls: none', ...(missing.length > 0 ? [`missing: ${missing.join(', ')}`] : [])]];
}

function geography(env: EnvProfile, config: RiskConfig): [number, string[]] {
  const g = config.geography;
  const evidence = [`region ${env.region || '(not given)'}, country ${env.country || '(not given)'}`];
  let value = g.base;
  const outside = env.compliance.filter((regime) => {
    const countries = g.jurisdictions[regime];
    return countries !== undefined && !countries.includes(env.country);
  });
  if (outside.length > 0) {
    value += g.outsideJurisdiction;
    evidence.push(`deployed outside the jurisdiction of ${outside.join(', ')}${env.country === '' ? ' (no country given)' : ''}`);
  }
  if (g.elevatedCountries.includes(env.country)) {
    value += g.elevated;
    evidence.push(`${env.country} is configured as an elevated-threat country`);
  }
  return [Math.min(1, value), evidence];
}

export function computeFactors(app: AppProfile, env: EnvProfile, vulns: readonly VulnerabilityAssessment[], config: RiskConfig): Factor[] {
  const exposure = networkExposure(env, config);
  const raw: [FactorId, [number, string[]]][] = [
    ['vulnerability-severity', severity(vulns)],
    ['exploitability', exploitability(vulns, 0.5 + 0.5 * exposure[0])],
    ['data-sensitivity', dataSensitivity(app, config)],
    ['network-exposure', exposure],
    ['user-base', userBase(app, config)],
    ['access-control', accessControl(env, config)],
    ['geography', geography(env, config)],
  ];
  const total = Object.values(config.weights).reduce((a, b) => a + b, 0);
  return raw.map(([id, [value, evidence]]) => {
    const weight = config.weights[id];
    return { id, value: round(value, 3), weight, contribution: round((100 * weight * value) / total, 2), evidence };
  });
}
