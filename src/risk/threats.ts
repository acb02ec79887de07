/**
 * Threat factors: how much each kind of attack matters for this deployment, 0–1, with why. The
 * component selection engine weighs a security tool's benefit by the threats it mitigates, so
 * these are what turn a risk profile into an image (docs/risk.md, "Threats").
 */
import type { RiskConfig } from './config.js';
import { round, type Factor } from './factors.js';
import type { AppProfile, EnvProfile } from './inputs.js';
import { metric, type VulnerabilityAssessment } from './vulnerability.js';

export type ThreatId = 'brute-force' | 'malware' | 'lateral-movement' | 'unpatched-vulnerabilities' | 'data-exfiltration' | 'persistence' | 'privilege-escalation' | 'denial-of-service';

export interface Threat {
  readonly id: ThreatId;
  readonly weight: number;
  readonly evidence: readonly string[];
}

const score = (v: VulnerabilityAssessment): number => (v.cvss?.environmental ?? 5) / 10;

function strongest(vulns: readonly VulnerabilityAssessment[], label: string): [number, string[]] {
  const top = [...vulns].sort((a, b) => score(b) - score(a) || (a.cve < b.cve ? -1 : 1))[0];
  return top === undefined ? [0, [`no ${label}`]] : [score(top), [`${vulns.length} ${label}; strongest ${top.cve} (${top.package}, ${(score(top) * 10).toFixed(1)})`]];
}

export function computeThreats(app: AppProfile, env: EnvProfile, vulns: readonly VulnerabilityAssessment[], factors: readonly Factor[], config: RiskConfig): Threat[] {
  const f = (id: Factor['id']) => factors.find((x) => x.id === id)?.value ?? 0;
  const exposure = f('network-exposure');
  const weakAccess = f('access-control');
  const exploitable = f('exploitability');
  const severe = f('vulnerability-severity');
  const criticality = config.criticalityImpact[app.criticality];

  const fixable = vulns.filter((v) => v.fixedVersion !== null);
  const [fixableTop, fixableWhy] = strongest(fixable, 'vulnerabilities with a fix available');
  const fixableKev = fixable.filter((v) => v.kev !== null);
  const escalation = vulns.filter((v) => v.cvss !== null && (metric(v.cvss.vector, 'AV') === 'L' || ['L', 'H'].includes(metric(v.cvss.vector, 'PR') ?? '')));
  const [escalationTop, escalationWhy] = strongest(escalation, 'vulnerabilities reachable by a local or logged-in attacker');
  const availability = vulns.filter((v) => v.cvss !== null && ['H', 'C'].includes(metric(v.cvss.vector, 'A') ?? metric(v.cvss.vector, 'VA') ?? ''));
  const [availabilityTop, availabilityWhy] = strongest(availability, 'vulnerabilities with high availability impact');
  const availabilityNeed = { low: 0.3, medium: 0.6, high: 1, 'mission-critical': 1 }[app.criticality];

  const threats: [ThreatId, number, string[]][] = [
    ['brute-force', exposure * (0.3 + 0.7 * weakAccess), [`network exposure ${exposure}`, `access-control weakness ${weakAccess}`]],
    ['malware', Math.max(severe, exploitable) * (0.5 + 0.5 * exposure), [`vulnerability severity ${severe}, exploitability ${exploitable}`, `network exposure ${exposure}`]],
    ['lateral-movement', (env.networkControls.segmentation ? 0.3 : 0.8) * (0.3 + 0.7 * exploitable), [env.networkControls.segmentation ? 'the network is segmented' : 'no network segmentation', `exploitability ${exploitable}`]],
    ['unpatched-vulnerabilities', fixableKev.length > 0 ? 1 : fixableTop, fixableKev.length > 0 ? [...fixableWhy, `${[...new Set(fixableKev.map((v) => v.cve))].join(', ')} fixed upstream and in KEV`] : fixableWhy],
    ['data-exfiltration', f('data-sensitivity') * exposure * (env.networkControls.egressFiltering ? 0.5 : 1), [`data sensitivity ${f('data-sensitivity')}`, `network exposure ${exposure}`, env.networkControls.egressFiltering ? 'egress is filtered' : 'no egress filtering']],
    ['persistence', exploitable * (0.5 + 0.5 * criticality), [`exploitability ${exploitable}`, `criticality ${app.criticality}`]],
    ['privilege-escalation', Math.max(escalationTop, 0.3 * weakAccess), [...escalationWhy, `access-control weakness ${weakAccess}`]],
    ['denial-of-service', exposure * availabilityNeed * Math.max(0.3, availabilityTop), [`network exposure ${exposure}`, `availability need ${availabilityNeed} (criticality ${app.criticality})`, ...availabilityWhy]],
  ];
  return threats.map(([id, weight, evidence]) => ({ id, weight: round(Math.min(1, weight), 3), evidence }));
}
