/**
 * The packages of several sources (suites and components: bookworm main, bookworm-security main,
 * ...) as one universe to resolve in, the way apt combines its sources. Each source has a
 * priority (apt's pin priority; 500 by default): a package's candidates are ordered by priority,
 * then by version (dpkg's order), so the first is what apt would install. The same name, version
 * and architecture in two sources is one package, credited to the higher-priority source.
 * Virtual packages map to the packages that provide them (Provides), with the provided version
 * when the Provides is versioned.
 */
import type { BinaryPackage } from './packages.js';
import { compareVersions } from './version.js';

export interface PackageSource {
  /** A label for explanations: `bookworm/main`, `bookworm-security/main`. */
  readonly name: string;
  /** Higher wins; apt's default pin priority is 500. */
  readonly priority: number;
  readonly packages: readonly BinaryPackage[];
}

export interface Candidate {
  readonly package: BinaryPackage;
  readonly source: string;
  readonly priority: number;
  /** Position in the order the sources were read (the highest-priority source first). */
  readonly order: number;
}

export interface Provider {
  readonly candidate: Candidate;
  /** The version the Provides states (`Provides: mail-transport-agent (= 1.0)`), if any. */
  readonly version?: string;
}

export class PackageUniverse {
  private readonly byName = new Map<string, Candidate[]>();
  private readonly providersOf = new Map<string, Provider[]>();

  constructor(sources: readonly PackageSource[]) {
    // Highest priority first, so the first copy of a (name, version, arch) seen is the one kept.
    const ordered = [...sources].sort((a, b) => b.priority - a.priority);
    const seen = new Set<string>();
    for (const source of ordered) {
      for (const p of source.packages) {
        const key = `${p.name}\u0000${p.version}\u0000${p.architecture}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const candidate: Candidate = { package: p, source: source.name, priority: source.priority, order: seen.size };
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
    }
    for (const list of this.byName.values()) list.sort(byPreference);
    for (const list of this.providersOf.values()) list.sort((a, b) => byPreference(a.candidate, b.candidate));
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
  return b.priority - a.priority || compareVersions(b.package.version, a.package.version) || (a.package.architecture < b.package.architecture ? -1 : a.package.architecture > b.package.architecture ? 1 : 0);
}
