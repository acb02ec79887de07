/**
 * What changed for packages between two snapshots of the Debian tracker or OSV: vulnerabilities
 * newly disclosed for a source package, and ones newly fixed (a fixed version where there was
 * none). These are the changes that make a rebuild worth it: a fix to pick up, or a new issue.
 */
import type { DebianTracker } from './debian-tracker.js';
import type { OsvFeed } from './osv.js';

export interface PackageChange {
  readonly source: string;
  readonly cve: string;
  /** Debian codename (tracker) or OSV ecosystem release number. */
  readonly release: string;
  /** Set for a fix: the first fixed version. */
  readonly fixedVersion?: string;
}

export interface PackageDiff {
  readonly disclosed: readonly PackageChange[];
  readonly fixed: readonly PackageChange[];
}

const byKey = (a: PackageChange, b: PackageChange) => (a.source < b.source ? -1 : a.source > b.source ? 1 : a.cve < b.cve ? -1 : a.cve > b.cve ? 1 : a.release < b.release ? -1 : a.release > b.release ? 1 : 0);

/** Per (source, CVE, release): the fixed version, or null while open; absent when not listed. */
function trackerState(t: DebianTracker, release: string | undefined): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const [source, issues] of t.bySource) {
    for (const issue of issues) {
      for (const [rel, r] of issue.releases) {
        if (release !== undefined && rel !== release) continue;
        if (r.fixedVersion === '0') continue; // never affected
        out.set(`${source}\u0000${issue.cve}\u0000${rel}`, r.status === 'resolved' ? r.fixedVersion : null);
      }
    }
  }
  return out;
}

function osvState(o: OsvFeed, release: string | undefined): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const [source, affected] of o.bySource) {
    for (const a of affected) {
      if (release !== undefined && a.debianRelease !== release) continue;
      const fixed = a.ranges.length > 0 && a.ranges.every((r) => r.fixed !== null) ? (a.ranges.at(-1)?.fixed ?? null) : null;
      for (const cve of a.cves) out.set(`${source}\u0000${cve}\u0000${a.debianRelease}`, fixed);
    }
  }
  return out;
}

function compare(before: Map<string, string | null>, after: Map<string, string | null>): PackageDiff {
  const disclosed: PackageChange[] = [];
  const fixed: PackageChange[] = [];
  for (const [key, fix] of after) {
    const [source, cve, release] = key.split('\u0000') as [string, string, string];
    if (!before.has(key)) disclosed.push({ source, cve, release });
    if (fix !== null && (before.get(key) ?? null) === null) fixed.push({ source, cve, release, fixedVersion: fix });
  }
  return { disclosed: disclosed.sort(byKey), fixed: fixed.sort(byKey) };
}

export function diffTracker(from: DebianTracker, to: DebianTracker, release?: string): PackageDiff {
  return compare(trackerState(from, release), trackerState(to, release));
}

export function diffOsv(from: OsvFeed, to: OsvFeed, release?: string): PackageDiff {
  return compare(osvState(from, release), osvState(to, release));
}
