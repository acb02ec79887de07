import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { sharedData } from '../../test/support/shared-data.js';
import { parseEpss, parseKev, type KevCatalog } from '../intel/index.js';
import { assessRisk } from './assess.js';
import { DEFAULT_RISK_CONFIG } from './config.js';
import { checkApp, checkEnv, checkVulnerabilities, type AppProfile, type EnvProfile, type VulnerabilityInput } from './inputs.js';
import { cvssEnvironment } from './vulnerability.js';

const ROOT = join(import.meta.dirname, '..', '..');
const yaml = (path: string): unknown => parseYaml(readFileSync(join(ROOT, path), 'utf8'));

function app(path: string): AppProfile {
  const r = checkApp(yaml(path));
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.value;
}
function env(path: string): EnvProfile {
  const r = checkEnv(yaml(path));
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.value;
}
const vulns = (() => {
  const r = checkVulnerabilities(JSON.parse(readFileSync(join(ROOT, 'examples', 'vulnerabilities.json'), 'utf8')));
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.value;
})();
const epssResult = parseEpss(readFileSync(join(ROOT, 'testdata', 'intel', 'epss_scores-2025-08-25.csv'), 'utf8'));
const epss = epssResult.ok ? epssResult.value : undefined;

/** A KEV catalog of the given entries, through the real parser. */
function kevOf(...cves: string[]): KevCatalog {
  const r = parseKev(JSON.stringify({
    catalogVersion: 'test', dateReleased: '2025-08-25T00:00:00.000Z', count: cves.length,
    vulnerabilities: cves.map((cveID) => ({ cveID, vendorProject: 'v', product: 'p', vulnerabilityName: 'n', dateAdded: '2024-01-02', shortDescription: 's', requiredAction: 'patch', dueDate: '2024-01-23', knownRansomwareCampaignUse: 'Unknown' })),
  }));
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.value;
}

const payments = { app: app('examples/public-payments/app.yaml'), env: env('examples/public-payments/env.yaml') };
const reporting = { app: app('examples/internal-reporting/app.yaml'), env: env('examples/internal-reporting/env.yaml') };
const kevPath = sharedData(join('intel', 'kev-known_exploited_vulnerabilities.json'));

describe('risk assessment', () => {
  it.skipIf(kevPath === undefined)('the two examples land in different tiers, for documented reasons (real KEV)', () => {
    const kev = parseKev(readFileSync(kevPath as string, 'utf8'));
    if (!kev.ok) throw new Error('KEV did not parse');
    const intel = { kev: kev.value, ...(epss ? { epss } : {}) };
    const p = assessRisk({ ...payments, vulnerabilities: vulns, intel }).profile;
    const r = assessRisk({ ...reporting, vulnerabilities: vulns, intel }).profile;
    expect(p.tier).toBe('critical');
    // Three KEV entries keep the reporting tool above `low`; its exposure keeps every SSVC
    // decision at `scheduled`, so nothing lifts it further.
    expect(r.tier).toBe('moderate');
    expect(r.tierReason).toMatch(/in the moderate band/);
    expect(p.score).toBeGreaterThan(r.score + 30);
    // Shellshock is in KEV, the payments API is internet-facing with card data: patch now.
    const shellshock = p.vulnerabilities.find((v) => v.cve === 'CVE-2014-6271');
    expect(shellshock?.ssvc.deployer).toMatchObject({ outcome: 'immediate', values: { exploitation: 'active', systemExposure: 'open', automatable: 'yes', humanImpact: 'very high' } });
    expect(shellshock?.ssvc.cisa.outcome).toBe('act');
    expect(p.vulnerabilities[0]?.ssvc.deployer.outcome).toBe('immediate');
    // The reporting tool ships git (in KEV too) but is internal, segmented, low criticality.
    const git = r.vulnerabilities.find((v) => v.cve === 'CVE-2025-48384');
    expect(git?.ssvc.deployer).toMatchObject({ outcome: 'scheduled', values: { exploitation: 'active', systemExposure: 'small', automatable: 'no', humanImpact: 'low' } });
    expect(r.summary).toMatchObject({ vulnerabilities: 4, inKev: 3, immediate: 0, outOfCycle: 0 });
    expect(r.intel.kev).toBe('2025.08.25');
  });

  it('a KEV entry for an installed package, internet-facing, sensitive data: immediate, and the tier rises', () => {
    const one: VulnerabilityInput[] = [{ cve: 'CVE-2023-44487', package: 'nginx', cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', fixedVersion: '1.22.1-9+deb12u1' }];
    const quietEnv: EnvProfile = { ...payments.env, accessControls: { mfa: true, sso: true, privilegedAccessManagement: true } };
    const quietApp: AppProfile = { ...payments.app, users: { base: 'partner', size: 10 }, criticality: 'high' };
    const without = assessRisk({ app: quietApp, env: quietEnv, vulnerabilities: one }).profile;
    const withKev = assessRisk({ app: quietApp, env: quietEnv, vulnerabilities: one, intel: { kev: kevOf('CVE-2023-44487') } }).profile;
    expect(without.vulnerabilities[0]?.ssvc.deployer.outcome).toBe('scheduled');
    expect(withKev.vulnerabilities[0]?.ssvc.deployer.outcome).toBe('immediate');
    expect(withKev.vulnerabilities[0]?.evidence.exploitation).toBe('in CISA KEV since 2024-01-02');
    expect(withKev.score).toBeGreaterThan(without.score);
    expect(['minimal', 'low', 'moderate']).toContain(without.tier);
    expect(withKev.tier).toBe('high');
    // With tier bands set higher the score alone would say `low`; the immediate decision lifts it.
    const strict = { ...DEFAULT_RISK_CONFIG, tiers: [{ tier: 'low', from: 20 }, { tier: 'moderate', from: 90 }, { tier: 'high', from: 95 }, { tier: 'critical', from: 99 }] } as const;
    const floored = assessRisk({ app: quietApp, env: quietEnv, vulnerabilities: one, intel: { kev: kevOf('CVE-2023-44487') }, config: strict }).profile;
    expect(floored.tier).toBe('high');
    expect(floored.tierReason).toBe('raised from low to high: SSVC deployer decision immediate for CVE-2023-44487');
    // The same KEV entry for a package the app does not ship changes nothing.
    const elsewhere = assessRisk({ app: quietApp, env: quietEnv, vulnerabilities: [{ ...one[0] as VulnerabilityInput, package: 'apache2' }], intel: { kev: kevOf('CVE-2023-44487') } }).profile;
    expect(elsewhere.summary).toMatchObject({ vulnerabilities: 0, ignored: 1 });
  });

  it('is deterministic: the same inputs in any order give a byte-identical profile', () => {
    const intel = { kev: kevOf('CVE-2014-6271', 'CVE-2023-4911'), ...(epss ? { epss } : {}) };
    const a = JSON.stringify(assessRisk({ ...payments, vulnerabilities: vulns, intel }));
    const shuffled = { ...payments.app, packages: [...payments.app.packages].reverse() };
    const b = JSON.stringify(assessRisk({ app: shuffled, env: payments.env, vulnerabilities: [...vulns].reverse(), intel }));
    expect(b).toBe(a);
  });

  it('adds the factors up to the score, each with evidence', () => {
    const { profile } = assessRisk({ ...payments, vulnerabilities: vulns, intel: { kev: kevOf('CVE-2014-6271') } });
    const total = profile.factors.reduce((s, f) => s + f.contribution, 0);
    expect(profile.score).toBeCloseTo(total, 1);
    for (const f of profile.factors) {
      expect(f.value).toBeGreaterThanOrEqual(0);
      expect(f.value).toBeLessThanOrEqual(1);
      expect(f.evidence.length).toBeGreaterThan(0);
    }
    const byId = Object.fromEntries(profile.factors.map((f) => [f.id, f]));
    expect(byId['data-sensitivity']?.value).toBe(1);
    expect(byId['network-exposure']).toMatchObject({ value: 0.8 });
    expect(byId.exploitability?.value).toBe(0.9); // KEV, at reachability 0.5 + 0.5 × 0.8
    expect(byId.exploitability?.evidence[0]).toMatch(/^CVE-2014-6271 \(bash\) is in CISA KEV/);
    expect(byId.geography?.evidence).toContain('deployed outside the jurisdiction of gdpr');
    expect(profile.threats.map((t) => t.id)).toEqual(['brute-force', 'malware', 'lateral-movement', 'unpatched-vulnerabilities', 'data-exfiltration', 'persistence', 'privilege-escalation', 'denial-of-service']);
    expect(profile.threats.find((t) => t.id === 'unpatched-vulnerabilities')?.weight).toBe(1);
  });

  it('scores each vulnerability where it is deployed: requirements from the data, the attack vector from exposure', () => {
    expect(cvssEnvironment(reporting.app, reporting.env, 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toEqual({ confidentialityRequirement: 'M', integrityRequirement: 'L', availabilityRequirement: 'L', modifiedAttackVector: 'A' });
    // A local flaw stays local; an internet-facing deployment does not move anything closer.
    expect(cvssEnvironment(reporting.app, reporting.env, 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H').modifiedAttackVector).toBeUndefined();
    expect(cvssEnvironment(payments.app, payments.env, 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toEqual({ confidentialityRequirement: 'H', integrityRequirement: 'H', availabilityRequirement: 'H' });
    const r = assessRisk({ ...reporting, vulnerabilities: [{ cve: 'CVE-2014-6271', package: 'bash', cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }] }).profile;
    expect(r.vulnerabilities[0]?.cvss).toMatchObject({ base: 9.8, environmentalVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/CR:M/IR:L/AR:L/MAV:A' });
    expect(r.vulnerabilities[0]?.cvss?.environmental).toBeLessThan(9.8);
  });

  it('warns about a vector it cannot read and assesses the vulnerability without it', () => {
    const { profile, diagnostics } = assessRisk({ ...payments, vulnerabilities: [{ cve: 'CVE-2024-0001', package: 'bash', cvss: 'CVSS:3.1/AV:N' }] });
    expect(diagnostics[0]).toMatchObject({ severity: 'warning', code: 'intel/cvss-vector' });
    expect(profile.vulnerabilities[0]).toMatchObject({ cvss: null, evidence: { automatable: 'no CVSS vector: assumed automatable (the cautious choice)' } });
  });
});

describe('risk inputs', () => {
  it('reports schema errors with JSON paths and rejects the input', () => {
    const r = checkApp({ name: 'x', data: { sensitivity: 'secret' }, users: { base: 'everyone' }, criticality: 'high', packages: ['Bad Name'] });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.path).sort()).toEqual(['$.data.sensitivity', '$.packages[0]', '$.packages[0]', '$.packages[0]', '$.users.base']);
    expect(checkEnv({ name: 'e' }).diagnostics[0]?.message).toBe('$ `exposure` is required');
  });

  it('warns about unknown fields and goes on', () => {
    const raw = { ...(yaml('examples/internal-reporting/env.yaml') as object), colour: 'blue' };
    const r = checkEnv(raw);
    expect(r.ok).toBe(true);
    expect(r.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', path: '$.colour', message: '$.colour is not a known field' })]);
  });

  it('fills cautious defaults: a control not mentioned is absent', () => {
    const r = checkEnv({ name: 'bare', exposure: 'partner' });
    expect(r.ok && r.value).toMatchObject({ networkControls: { waf: false, segmentation: false, egressFiltering: false }, accessControls: { mfa: false, sso: false, privilegedAccessManagement: false }, compliance: [] });
  });
});
