import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDebianTracker, parseOsv } from '../intel/index.js';
import { packageVulnerabilities } from './package-vulnerabilities.js';

const TESTDATA = join(import.meta.dirname, '..', '..', 'testdata', 'intel');
const trackerResult = parseDebianTracker(readFileSync(join(TESTDATA, 'debian-tracker-sample.json'), 'utf8'));
const osvResult = parseOsv(readFileSync(join(TESTDATA, 'osv-debian-sample.json'), 'utf8'));
if (!trackerResult.ok || !osvResult.ok) throw new Error('fixtures do not parse');
const tracker = trackerResult.value;
const osv = osvResult.value;

describe('Debian tracker and OSV parsers', () => {
  it('reads the tracker export: CVEs by source package, TEMP ids skipped', () => {
    expect([tracker.issues, tracker.skipped]).toEqual([8, 1]);
    expect(tracker.bySource.get('glibc')?.map((i) => i.cve)).toEqual(['CVE-2023-4911', 'CVE-2010-4756']);
    expect(tracker.bySource.get('glibc')?.[0]?.releases.get('bookworm')).toEqual({ status: 'resolved', fixedVersion: '2.36-9+deb12u3', urgency: 'high', noDsa: null });
  });

  it('rejects a tracker export with a bad status, naming where', () => {
    const r = parseDebianTracker(JSON.stringify({ bash: { 'CVE-2014-6271': { releases: { bookworm: { status: 'fixed' } } } } }));
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]?.path).toBe('$.bash["CVE-2014-6271"].releases.bookworm.status');
    expect(parseDebianTracker('{}').diagnostics[0]?.code).toBe('intel/debian-tracker-empty');
  });

  it('reads OSV: Debian records by source and release, other ecosystems skipped', () => {
    expect([osv.records, osv.skipped]).toEqual([4, 1]);
    expect(osv.bySource.get('openssl')?.map((a) => a.debianRelease)).toEqual(['12', '11']);
    expect(osv.bySource.get('openssh')?.[0]).toMatchObject({ id: 'DSA-5724-1', cves: ['CVE-2024-6387'], ranges: [{ introduced: '0', fixed: '1:9.2p1-2+deb12u3' }] });
    // One record per line reads the same.
    const lines = (JSON.parse(readFileSync(join(TESTDATA, 'osv-debian-sample.json'), 'utf8')) as unknown[]).map((r) => JSON.stringify(r)).join('\n');
    expect(parseOsv(lines).ok && (parseOsv(lines) as { value: { records: number } }).value.records).toBe(4);
    const bad = parseOsv('[{"id": "X", "affected": [{"package": {"name": "curl"}}]}]');
    expect(bad.diagnostics[0]?.path).toBe('$[0].affected[0].package');
  });
});

describe('vulnerabilities of installed packages', () => {
  const installed = [
    { name: 'bash', version: '5.2.15-2+b2' },
    { name: 'libc6', source: 'glibc', version: '2.36-9+deb12u1' },
    { name: 'liblzma5', source: 'xz-utils', version: '5.4.1-1' },
    { name: 'openssh-server', source: 'openssh', version: '1:9.2p1-2+deb12u2' },
    { name: 'libssl3', source: 'openssl', version: '3.0.13-1~deb12u1' },
    { name: 'libcurl4', source: 'curl', version: '7.88.1-10+deb12u5' },
    { name: 'git' },
    { name: 'sudo', version: '1.9.13p3-1+deb12u1' },
  ];

  it('keeps what affects the installed versions, in dpkg order, and says what it left out', () => {
    const r = packageVulnerabilities(installed, { tracker, osv }, 'bookworm');
    expect(r.vulnerabilities.map((v) => [v.package, v.cve, v.fixedVersion ?? null, v.cvss ?? null])).toEqual([
      ['git', 'CVE-2025-48384', null, null], // open in the tracker; no version given, so it counts
      ['libc6', 'CVE-2023-4911', '2.36-9+deb12u3', null], // deb12u1 < deb12u3
      ['libcurl4', 'CVE-2025-0001', null, null], // OSV only: introduced 7.80.0-1, no fix
      ['libssl3', 'CVE-2024-2511', '3.0.14-1~deb12u1', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H'], // ~deb12u1 sorts before the fix
      ['openssh-server', 'CVE-2024-6387', '1:9.2p1-2+deb12u3', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H'], // tracker verdict, OSV vector
    ]);
    // bash ≥ 4.3-7 and sudo ≥ 1.9.5p2-1 are fixed; xz-utils was never affected; glibc's glob issue is unimportant.
    expect(r.excluded).toEqual({ fixed: 2, notAffected: 1, unimportant: 1 });
  });

  it('carries Debian’s urgency from the tracker', () => {
    const r = packageVulnerabilities([{ name: 'libc6', source: 'glibc', version: '2.36-9+deb12u1' }], { tracker }, 'bookworm');
    expect(r.vulnerabilities[0]).toMatchObject({ cve: 'CVE-2023-4911', urgency: 'high' });
  });

  it('counts unimportant issues when asked, and every issue of a package with no version', () => {
    const all = packageVulnerabilities([{ name: 'libc6', source: 'glibc' }], { tracker }, 'bookworm', { includeUnimportant: true });
    expect(all.vulnerabilities.map((v) => v.cve)).toEqual(['CVE-2010-4756', 'CVE-2023-4911']);
  });

  it('reads each release on its own', () => {
    const bullseye = packageVulnerabilities([{ name: 'libc6', source: 'glibc', version: '2.31-13+deb11u5' }, { name: 'libssl3', source: 'openssl', version: '1.1.1w-0+deb11u2' }], { tracker, osv }, 'bullseye');
    expect(bullseye.vulnerabilities.map((v) => [v.package, v.cve, v.fixedVersion])).toEqual([['libc6', 'CVE-2023-4911', '2.31-13+deb11u7']]);
  });

  it('warns about an installed version that is not a Debian version and counts its issues', () => {
    const r = packageVulnerabilities([{ name: 'bash', version: 'five' }], { tracker }, 'bookworm');
    expect(r.diagnostics[0]).toMatchObject({ code: 'risk/bad-version', severity: 'warning' });
    expect(r.vulnerabilities.map((v) => v.cve)).toEqual(['CVE-2014-6271']);
  });
});
