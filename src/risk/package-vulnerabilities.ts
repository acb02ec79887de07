/**
 * Which vulnerabilities affect the packages an app ships, from the Debian Security Tracker and
 * OSV, compared with dpkg's version order. The tracker is Debian's own verdict per release
 * (status, first fixed version, urgency) and wins where both speak; OSV adds CVSS vectors and
 * the records the tracker lacks.
 */
import { compareVersions, parseVersion } from '../catalog/index.js';
import type { DebianTracker, IntelDiagnostic, OsvFeed } from '../intel/index.js';
import type { VulnerabilityInput } from './inputs.js';

export interface InstalledPackage {
  /** Binary package name. */
  readonly name: string;
  /** Its source package (the tracker and OSV speak of sources); the binary name when absent. */
  readonly source?: string;
  /** The installed version; when absent every listed vulnerability counts (the cautious reading). */
  readonly version?: string;
}

export interface PackageFeeds {
  readonly tracker?: DebianTracker;
  readonly osv?: OsvFeed;
}

export interface PackageVulnerabilities {
  readonly vulnerabilities: readonly VulnerabilityInput[];
  /** What was left out, and why (counts by reason). */
  readonly excluded: { readonly fixed: number; readonly notAffected: number; readonly unimportant: number };
  readonly diagnostics: readonly IntelDiagnostic[];
}

/** Debian codenames and their OSV ecosystem numbers. */
export const DEBIAN_RELEASES: Readonly<Record<string, string>> = { buster: '10', bullseye: '11', bookworm: '12', trixie: '13', forky: '14' };

export function packageVulnerabilities(installed: readonly InstalledPackage[], feeds: PackageFeeds, release: string, options: { includeUnimportant?: boolean } = {}): PackageVulnerabilities {
  const diagnostics: IntelDiagnostic[] = [];
  const excluded = { fixed: 0, notAffected: 0, unimportant: 0 };
  const found = new Map<string, VulnerabilityInput>();
  /** (CVE, package) pairs the tracker settled as not affecting this install. */
  const settled = new Set<string>();
  const osvRelease = DEBIAN_RELEASES[release];

  for (const p of installed) {
    const source = p.source ?? p.name;
    let version = p.version;
    if (version !== undefined && !parseVersion(version).ok) {
      diagnostics.push({ code: 'risk/bad-version', severity: 'warning', path: `packages.${p.name}`, message: `\`${version}\` is not a Debian version (${(parseVersion(version) as { message: string }).message}); every vulnerability of ${p.name} counts`, help: 'give the version exactly as dpkg -l shows it' });
      version = undefined;
    }
    const isFixedBy = (fixed: string) => version !== undefined && parseVersion(fixed).ok && compareVersions(version, fixed) >= 0;

    for (const issue of feeds.tracker?.bySource.get(source) ?? []) {
      const r = issue.releases.get(release);
      if (r === undefined) continue;
      const key = `${issue.cve}\u0000${p.name}`;
      if (r.fixedVersion === '0') {
        excluded.notAffected++;
        settled.add(key);
        continue;
      }
      if (r.urgency.replace(/\*+$/, '') === 'unimportant' && options.includeUnimportant !== true) {
        excluded.unimportant++;
        settled.add(key);
        continue;
      }
      if (r.status === 'resolved' && r.fixedVersion !== null && isFixedBy(r.fixedVersion)) {
        excluded.fixed++;
        settled.add(key);
        continue;
      }
      found.set(key, { cve: issue.cve, package: p.name, fixedVersion: r.status === 'resolved' ? r.fixedVersion : null, urgency: r.urgency, ...(issue.description !== '' ? { description: issue.description } : {}) });
    }

    for (const a of feeds.osv?.bySource.get(source) ?? []) {
      if (osvRelease !== undefined && a.debianRelease !== '' && a.debianRelease !== osvRelease) continue;
      const within = (introduced: string, fixed: string | null) => version === undefined || ((introduced === '0' || (parseVersion(introduced).ok && compareVersions(version, introduced) >= 0)) && (fixed === null || !isFixedBy(fixed)));
      const hit = a.ranges.find((r) => within(r.introduced, r.fixed));
      for (const cve of a.cves) {
        const key = `${cve}\u0000${p.name}`;
        const known = found.get(key);
        // The tracker's verdict stands; OSV lends it a vector.
        if (known !== undefined) {
          if (known.cvss === undefined && a.cvss[0] !== undefined) found.set(key, { ...known, cvss: a.cvss[0] });
          continue;
        }
        if (settled.has(key)) continue;
        if (hit === undefined) {
          if (a.ranges.length > 0) excluded.fixed++;
          continue;
        }
        found.set(key, { cve, package: p.name, fixedVersion: hit.fixed, ...(a.cvss[0] !== undefined ? { cvss: a.cvss[0] } : {}), ...(a.summary !== '' ? { description: a.summary } : {}) });
      }
    }
  }
  const vulnerabilities = [...found.values()].sort((x, y) => (x.package < y.package ? -1 : x.package > y.package ? 1 : x.cve < y.cve ? -1 : x.cve > y.cve ? 1 : 0));
  return { vulnerabilities, excluded, diagnostics };
}
