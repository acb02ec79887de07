import { describe, expect, it } from 'vitest';
import { compareVersions } from '../catalog/index.js';
import { rebuildReasons } from './reasons.js';
import type { DeploymentSummary, SummaryVulnerability } from './summary.js';
import { summarize } from './summary.js';

const base: DeploymentSummary = {
  tier: 'moderate',
  policyDigest: 'sha256:p1',
  planDigest: 'sha256:plan1',
  packages: [{ name: 'libssl3', version: '3.0.11-1~deb12u2' }, { name: 'bash', version: '5.2.15-2+b2' }],
  vulnerabilities: [],
};
const vuln = (v: Partial<SummaryVulnerability>): SummaryVulnerability => ({ cve: 'CVE-2024-0001', package: 'libssl3', fixedVersion: '3.0.13-1~deb12u1', kev: false, ssvc: 'scheduled', ...v });
const next = (over: Partial<DeploymentSummary>): DeploymentSummary => ({ ...base, planDigest: 'sha256:plan2', ...over });
const decide = (previous: DeploymentSummary | undefined, current: DeploymentSummary) => rebuildReasons(previous, current, compareVersions);

describe('rebuildReasons', () => {
  it('builds a deployment that has no image yet', () => {
    expect(decide(undefined, base)).toMatchObject({ rebuild: true, reasons: [{ kind: 'initial' }] });
  });

  it('re-assesses when a referenced app or environment has a new revision, not when a summary names none', () => {
    const was = { ...base, documents: { app: 'billing@1', environment: 'prod@3' } };
    expect(decide(was, next({ documents: { app: 'billing@2', environment: 'prod@3' } }))).toEqual({
      rebuild: true, notices: [], reasons: [{ kind: 'app-changed', from: 'billing@1', to: 'billing@2', message: 'the app profile changed from billing@1 to billing@2' }],
    });
    expect(decide(was, next({ documents: { app: 'billing@1', environment: 'prod@4' } })).reasons.map((r) => r.kind)).toEqual(['environment-changed']);
    expect(decide(was, next({ documents: { app: 'billing@1', environment: 'prod@3' } })).rebuild).toBe(false);
    expect(decide(base, next({ documents: { app: 'billing@2' } })).rebuild).toBe(false);
  });

  it('keeps the document references in a summary only when there are some', () => {
    expect(summarize({ ...base, vulnerabilities: [], documents: { app: 'billing@2' } }).documents).toEqual({ app: 'billing@2' });
    expect('documents' in summarize({ ...base, vulnerabilities: [], documents: {} })).toBe(false);
  });

  it('changes nothing when nothing changed', () => {
    expect(decide(base, base)).toEqual({ rebuild: false, reasons: [], notices: [] });
  });

  it('rebuilds when a shipped package at a vulnerable version enters KEV with a fix', () => {
    const d = decide({ ...base, vulnerabilities: [vuln({})] }, next({ vulnerabilities: [vuln({ kev: true })] }));
    expect(d.rebuild).toBe(true);
    expect(d.reasons).toEqual([expect.objectContaining({ kind: 'kev', package: 'libssl3', cve: 'CVE-2024-0001', from: '3.0.11-1~deb12u2', to: '3.0.13-1~deb12u1' })]);
  });

  it('KEV on a package not in the image: no rebuild', () => {
    const d = decide(base, next({ vulnerabilities: [vuln({ package: 'openssh-server', kev: true })] }));
    expect(d).toEqual({ rebuild: false, reasons: [], notices: [] });
  });

  it('KEV without a fixed version: no rebuild, but reported', () => {
    const d = decide(base, next({ vulnerabilities: [vuln({ kev: true, fixedVersion: null })] }));
    expect(d.rebuild).toBe(false);
    expect(d.reasons).toEqual([]);
    expect(d.notices).toEqual([expect.objectContaining({ kind: 'kev', cve: 'CVE-2024-0001', package: 'libssl3', to: null })]);
    expect(d.notices[0]?.message).toContain('no fixed version');
  });

  it('KEV that the shipped version already fixes: no rebuild', () => {
    const d = decide(base, next({ vulnerabilities: [vuln({ kev: true, fixedVersion: '3.0.11-1~deb12u1' })] }));
    expect(d.rebuild).toBe(false);
  });

  it('KEV already known at the last build does not rebuild again', () => {
    const known = [vuln({ kev: true })];
    expect(decide({ ...base, vulnerabilities: known }, next({ vulnerabilities: known })).rebuild).toBe(false);
  });

  it('a known-exploited vulnerability that gains its fix rebuilds as fixed-version', () => {
    const d = decide({ ...base, vulnerabilities: [vuln({ kev: true, fixedVersion: null })] }, next({ vulnerabilities: [vuln({ kev: true })] }));
    expect(d.reasons).toEqual([expect.objectContaining({ kind: 'fixed-version', cve: 'CVE-2024-0001', to: '3.0.13-1~deb12u1' })]);
  });

  it('an SSVC decision that becomes out-of-cycle or immediate rebuilds', () => {
    for (const ssvc of ['out-of-cycle', 'immediate']) {
      const d = decide({ ...base, vulnerabilities: [vuln({})] }, next({ vulnerabilities: [vuln({ ssvc })] }));
      expect(d.reasons).toEqual([expect.objectContaining({ kind: 'ssvc', to: '3.0.13-1~deb12u1' })]);
    }
    expect(decide({ ...base, vulnerabilities: [vuln({ ssvc: 'out-of-cycle' })] }, next({ vulnerabilities: [vuln({ ssvc: 'immediate' })] })).rebuild).toBe(false);
  });

  it('a tier change and a policy change are reasons', () => {
    const d = decide(base, next({ tier: 'high', policyDigest: 'sha256:p2' }));
    expect(d.reasons.map((r) => [r.kind, r.from, r.to])).toEqual([['tier', 'moderate', 'high'], ['policy', 'sha256:p1', 'sha256:p2']]);
  });
});

describe('summarize', () => {
  it('keeps what the decision reads, in a stable order', () => {
    const s = summarize({
      tier: 'low', policyDigest: 'p', planDigest: 'd', packages: [{ name: 'b', version: '1' }, { name: 'a', version: '2' }],
      vulnerabilities: [
        { cve: 'CVE-2', package: 'a', fixedVersion: null, kev: null, ssvc: { deployer: { outcome: 'defer' } } },
        { cve: 'CVE-1', package: 'b', fixedVersion: '2', kev: { dateAdded: 'x' }, ssvc: { deployer: { outcome: 'immediate' } } },
      ],
    });
    expect(s.packages.map((p) => p.name)).toEqual(['a', 'b']);
    expect(s.vulnerabilities).toEqual([{ cve: 'CVE-1', package: 'b', fixedVersion: '2', kev: true, ssvc: 'immediate' }, { cve: 'CVE-2', package: 'a', fixedVersion: null, kev: false, ssvc: 'defer' }]);
  });
});
