/**
 * Which candidates satisfy a relation, by Debian Policy §7 and dpkg's Multi-Arch rules, for one
 * native architecture (plus `all`):
 * - a real package of the name, in the version range when one is given;
 * - a package that Provides the name: unversioned Provides satisfy only unversioned relations,
 *   `Provides: x (= v)` satisfies a versioned relation when v is in range (§7.5);
 * - `name:any` is satisfied only by a Multi-Arch: allowed package (or one providing it);
 *   `name:native` and `name:<native arch>` as an unqualified relation; any other qualifier by nothing.
 * Results are memoized by the relation's text, since the same relation recurs across packages.
 */
import { compareVersions, type Candidate, type PackageUniverse, type Relation } from '../../catalog/index.js';

export function versionSatisfies(version: string, op: Relation['op'], wanted: string | undefined): boolean {
  if (op === undefined || wanted === undefined) return true;
  const c = compareVersions(version, wanted);
  switch (op) {
    case '<<': return c < 0;
    case '<=': return c <= 0;
    case '=': return c === 0;
    case '>=': return c >= 0;
    case '>>': return c > 0;
  }
}

const PRIORITY_RANK: Readonly<Record<string, number>> = { required: 1, important: 2, standard: 3, optional: 4, extra: 5 };
const rank = (c: Candidate): number => PRIORITY_RANK[c.package.priority] ?? 4;

/**
 * Among providers of a name, apt prefers Essential packages, then higher Priority (required
 * before optional), and otherwise the one it met last in the index; doing the same makes our
 * choice of provider apt's.
 */
function byProviderPreference(a: Candidate, b: Candidate): number {
  return Number(b.package.essential) - Number(a.package.essential) || rank(a) - rank(b) || b.order - a.order;
}

const shared = new WeakMap<PackageUniverse, Map<string, RelationMatcher>>();

/**
 * The matcher of a universe and architecture, shared by every resolution in it: the memo of
 * relation → candidates is what most of a resolution costs, and a universe does not change.
 */
export function matcherFor(universe: PackageUniverse, architecture: string): RelationMatcher {
  let byArch = shared.get(universe);
  if (byArch === undefined) {
    byArch = new Map();
    shared.set(universe, byArch);
  }
  let matcher = byArch.get(architecture);
  if (matcher === undefined) {
    matcher = new RelationMatcher(universe, architecture);
    byArch.set(architecture, matcher);
  }
  return matcher;
}

export class RelationMatcher {
  private readonly memo = new Map<string, readonly Candidate[]>();

  constructor(private readonly universe: PackageUniverse, readonly architecture: string) {}

  private essentials: readonly string[] | undefined;

  /** Names whose preferred candidate is Essential: yes and installable here, sorted (computed once). */
  essentialNames(): readonly string[] {
    if (this.essentials === undefined) {
      const names: string[] = [];
      for (const name of this.universe.packageNames()) {
        const c = this.universe.preferred(name);
        if (c !== undefined && c.package.essential && this.installable(c)) names.push(name);
      }
      this.essentials = names.sort();
    }
    return this.essentials;
  }

  /** True when the candidate can be installed on this architecture at all. */
  installable(c: Candidate): boolean {
    return c.package.architecture === this.architecture || c.package.architecture === 'all';
  }

  /** Candidates satisfying `r`, real packages first (preferred first), then providers. */
  matches(r: Relation): readonly Candidate[] {
    const key = `${r.name}:${r.archQualifier ?? ''}:${r.op ?? ''}:${r.version ?? ''}`;
    let found = this.memo.get(key);
    if (found === undefined) {
      found = this.compute(r);
      this.memo.set(key, found);
    }
    return found;
  }

  private compute(r: Relation): readonly Candidate[] {
    const q = r.archQualifier;
    if (q !== undefined && q !== 'any' && q !== 'native' && q !== this.architecture) return [];
    const any = q === 'any';
    const out: Candidate[] = [];
    for (const c of this.universe.candidates(r.name)) {
      if (!this.installable(c)) continue;
      if (any && c.package.multiArch !== 'allowed') continue;
      if (versionSatisfies(c.package.version, r.op, r.version)) out.push(c);
    }
    const providers: Candidate[] = [];
    for (const p of this.universe.providers(r.name)) {
      const c = p.candidate;
      if (!this.installable(c) || out.includes(c) || providers.includes(c)) continue;
      if (r.op !== undefined && (p.version === undefined || !versionSatisfies(p.version, r.op, r.version))) continue;
      providers.push(c);
    }
    return out.concat(providers.sort(byProviderPreference));
  }
}
