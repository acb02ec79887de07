/**
 * The packages of several sources (suites and components: bookworm main, bookworm-security main,
 * ...) as one universe to resolve in, the way apt combines its sources. Each source has a
 * priority (apt's pin priority; 500 by default): a package's candidates are ordered by priority,
 * then by version (dpkg's order), so the first is what apt would install. The same name, version
 * and architecture in two sources is one package, credited to the higher-priority source (a security suite's copy excepted, below).
 * Virtual packages map to the packages that provide them (Provides), with the provided version
 * when the Provides is versioned.
 *
 * A source can be a security suite (its signed release says so: Label `Debian-Security`). A build
 * it shares with a non-security source stays a candidate of its own (its Filename is in the
 * security archive's pool), ranked first among equals (same priority and version), and
 * `preferringSecurity()` gives the same universe with security builds ahead of other candidates
 * of equal or older version whatever their priority — the stricter order high tiers use.
 */
import type { BinaryPackage } from './packages.js';
import { compareVersions } from './version.js';

export interface PackageSource {
  /** A label for explanations: `bookworm/main`, `bookworm-security/main`. */
  readonly name: string;
  /** Higher wins; apt's default pin priority is 500. */
  readonly priority: number;
  readonly packages: readonly BinaryPackage[];
  /** A security-update suite (from its release's Label/Suite, not its name). */
  readonly security?: boolean;
}

export interface Candidate {
  readonly package: BinaryPackage;
  readonly source: string;
  readonly priority: number;
  /** Position in the order the sources were read (the highest-priority source first). */
  readonly order: number;
  /** From a security suite. */
  readonly security: boolean;
}

export interface Provider {
  readonly candidate: Candidate;
  /** The version the Provides states (`Provides: mail-transport-agent (= 1.0)`), if any. */
  readonly version?: string;
}

export class PackageUniverse {
  private readonly byName = new Map<string, Candidate[]>();
  private readonly providersOf = new Map<string, Provider[]>();
  /** Names of the sources that are security suites. */
  readonly securitySources: ReadonlySet<string>;

  constructor(sources: readonly PackageSource[], order: (a: Candidate, b: Candidate) => number = byPreference) {
    // Highest priority first (a security suite first among equals), so the first copy of a
    // (name, version, arch) seen is the one kept.
    const ordered = [...sources].sort((a, b) => b.priority - a.priority || Number(b.security === true) - Number(a.security === true));
    this.securitySources = new Set(sources.filter((s) => s.security === true).map((s) => s.name));
    const seen = new Set<string>();
    for (const source of ordered) {
      for (const p of source.packages) {
        // A security suite's copy is kept beside another suite's: a tier may prefer it.
        const key = `${p.name}\u0000${p.version}\u0000${p.architecture}\u0000${source.security === true}`;
        if (seen.has(key)) continue;
        seen.add(key);
        this.add({ package: p, source: source.name, priority: source.priority, order: seen.size, security: source.security === true });
      }
    }
    this.sortBy(order);
  }

  private add(candidate: Candidate): void {
    const p = candidate.package;
    const list = this.byName.get(p.name);
    if (list === undefined) this.byName.set(p.name, [candidate]);
    else list.push(candidate);
    for (const alts of p.provides) {
      for (const r of alts) {
        const provider: Provider = r.op === '=' && r.version !== undefined ? { candidate, version: r.version } : { candidate };
        const providers = this.providersOf.get(r.name);
        if (providers === undefined) this.providersOf.set(r.name, [provider]);
        else providers.push(provider);
      }
    }
  }

  private sortBy(order: (a: Candidate, b: Candidate) => number): void {
    for (const list of this.byName.values()) list.sort(order);
    for (const list of this.providersOf.values()) list.sort((a, b) => order(a.candidate, b.candidate));
  }

  /**
   * The same candidates (the same objects), with a name's security-suite builds ahead of the
   * others when they are at least as new as every other source's build (newest first among them),
   * whatever the priorities; the rest keep apt's order. A security build older than another
   * source's stays behind it: Debian folds security fixes into point releases, so the newer
   * build carries them (real bookworm: libc6 2.36-9+deb12u7 in security, +deb12u14 in main).
   */
  preferringSecurity(): PackageUniverse {
    const first = new Set<Candidate>();
    for (const list of this.byName.values()) {
      let newestOther: string | undefined;
      for (const c of list) if (!c.security && (newestOther === undefined || compareVersions(c.package.version, newestOther) > 0)) newestOther = c.package.version;
      for (const c of list) if (c.security && (newestOther === undefined || compareVersions(c.package.version, newestOther) >= 0)) first.add(c);
    }
    const order = (a: Candidate, b: Candidate) => Number(first.has(b)) - Number(first.has(a)) || byPreference(a, b);
    const view = new PackageUniverse(this.sourcesAsEmpty(), order);
    for (const [name, list] of this.byName) view.byName.set(name, [...list]);
    for (const [name, list] of this.providersOf) view.providersOf.set(name, [...list]);
    view.sortBy(order);
    return view;
  }

  private sourcesAsEmpty(): PackageSource[] {
    return [...this.securitySources].map((name) => ({ name, priority: 0, packages: [], security: true }));
  }

  /** True when some name has a security-suite build. */
  get hasSecurityBuilds(): boolean {
    for (const list of this.byName.values()) if (list.some((c) => c.security)) return true;
    return false;
  }

  /** Every real package of this name, the preferred first (priority, then newest). */
  candidates(name: string): readonly Candidate[] {
    return this.byName.get(name) ?? [];
  }

  /** What apt would pick for `name` with no other constraint. */
  preferred(name: string): Candidate | undefined {
    return this.byName.get(name)?.[0];
  }

  /** Packages that provide `name` (a virtual package, or a real one provided as well). */
  providers(name: string): readonly Provider[] {
    return this.providersOf.get(name) ?? [];
  }

  /** True when no real package has the name but something provides it. */
  isVirtual(name: string): boolean {
    return !this.byName.has(name) && this.providersOf.has(name);
  }

  /** Every real package name, in no particular order. */
  packageNames(): IterableIterator<string> {
    return this.byName.keys();
  }

  get names(): number {
    return this.byName.size;
  }
}

function byPreference(a: Candidate, b: Candidate): number {
  return b.priority - a.priority || compareVersions(b.package.version, a.package.version) || (a.package.architecture < b.package.architecture ? -1 : a.package.architecture > b.package.architecture ? 1 : 0)
    || Number(b.security) - Number(a.security);
}
