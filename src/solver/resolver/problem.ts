/**
 * A resolution request as a satisfiability problem. Variables are the candidates (package
 * versions) reachable from the roots through Depends and Pre-Depends (and Recommends when asked);
 * nothing else in the archive can matter. Clauses, each with the rule it encodes:
 * - root: one of the root's matching candidates is installed;
 * - depends: an installed package has one candidate of each of its dependency groups;
 * - conflicts/breaks: two packages are not installed together (a package never clashes with
 *   itself, even through a name it provides, Policy §7.6.2);
 * - one version: at most one version of a name (one architecture);
 * - excluded: a package the caller forbids (a pin to another version, a policy).
 * Goals put the same clauses in the order apt would satisfy them: roots as given, then each
 * installed package's groups in field order, alternatives first to last.
 */
import type { Alternatives, Candidate, PackageUniverse, Relation } from '../../catalog/index.js';
import type { Goal, SatProblem } from './sat.js';
import { matcherFor, type RelationMatcher } from './relation-match.js';

export interface RootRequest {
  readonly name: string;
  /** An exact version (`name=version`), as apt's pin on the command line. */
  readonly version?: string;
}

export interface ProblemOptions {
  readonly architecture: string;
  /** Install Recommends when they can be (soft: never the reason a resolution fails). */
  readonly recommends: boolean;
  /** Install Suggests too when they can be (soft, after Recommends; apt never does by default). */
  readonly suggests?: boolean;
  /** Also install every Essential: yes package, as a new system image needs. */
  readonly essential: boolean;
  /** Candidates that must not be installed, with why (policy prohibitions). */
  readonly exclude?: (c: Candidate) => string | undefined;
}

export type Rule =
  | { readonly kind: 'root'; readonly root: RootRequest }
  | { readonly kind: 'essential'; readonly name: string }
  | { readonly kind: 'depends'; readonly package: Candidate; readonly field: 'Depends' | 'Pre-Depends'; readonly group: Alternatives; readonly satisfiers: number }
  | { readonly kind: 'conflicts'; readonly package: Candidate; readonly other: Candidate; readonly field: 'Conflicts' | 'Breaks'; readonly relation: Relation }
  | { readonly kind: 'one-version'; readonly a: Candidate; readonly b: Candidate }
  | { readonly kind: 'excluded'; readonly package: Candidate; readonly why: string };

export interface ResolutionProblem {
  readonly sat: SatProblem;
  readonly rules: readonly Rule[];
  readonly candidates: readonly Candidate[];
  readonly variableOf: ReadonlyMap<Candidate, number>;
  readonly matcher: RelationMatcher;
}

export interface RootProblem {
  readonly root: RootRequest;
  readonly message: string;
}

/** Roots that cannot even be stated (unknown name, missing version, ambiguous virtual). */
export function checkRoots(universe: PackageUniverse, roots: readonly RootRequest[], matcher: RelationMatcher): RootProblem[] {
  const problems: RootProblem[] = [];
  for (const root of roots) {
    const real = universe.candidates(root.name).filter((c) => matcher.installable(c));
    const providers = universe.providers(root.name).filter((p) => matcher.installable(p.candidate));
    if (real.length === 0 && providers.length === 0) {
      problems.push({ root, message: universe.candidates(root.name).length > 0 ? `\`${root.name}\` has no version for ${matcher.architecture}` : `no package \`${root.name}\` in the catalog` });
    } else if (root.version !== undefined && !real.some((c) => c.package.version === root.version)) {
      problems.push({ root, message: `\`${root.name}\` has no version ${root.version} (available: ${real.map((c) => c.package.version).join(', ') || 'none'})` });
    } else if (real.length === 0 && new Set(providers.map((p) => p.candidate.package.name)).size > 1) {
      problems.push({ root, message: `\`${root.name}\` is a virtual package provided by ${[...new Set(providers.map((p) => p.candidate.package.name))].join(', ')}; name one` });
    }
  }
  return problems;
}

export function buildProblem(universe: PackageUniverse, roots: readonly RootRequest[], options: ProblemOptions): ResolutionProblem {
  const matcher = matcherFor(universe, options.architecture);
  const candidates: Candidate[] = [];
  const variableOf = new Map<Candidate, number>();
  const variable = (c: Candidate): number => {
    let v = variableOf.get(c);
    if (v === undefined) {
      candidates.push(c);
      v = candidates.length;
      variableOf.set(c, v);
    }
    return v;
  };

  const clauses: number[][] = [];
  const rules: Rule[] = [];
  const add = (lits: number[], rule: Rule): number => {
    clauses.push(lits);
    rules.push(rule);
    return clauses.length - 1;
  };
  const rootGoals: Goal[] = [];
  const goalsOf: Goal[][] = [];

  const rootCandidates = (root: RootRequest): Candidate[] =>
    root.version !== undefined
      ? universe.candidates(root.name).filter((c) => matcher.installable(c) && c.package.version === root.version)
      : [...matcher.matches({ name: root.name })];
  for (const root of roots) {
    const lits = rootCandidates(root).map(variable);
    add(lits, { kind: 'root', root });
    rootGoals.push({ literals: lits });
  }
  if (options.essential) {
    for (const name of matcher.essentialNames()) {
      const lits = matcher.matches({ name }).filter((c) => c.package.name === name).map(variable);
      add(lits, { kind: 'essential', name });
      rootGoals.push({ literals: lits });
    }
  }

  // Dependency clauses, discovering variables breadth-first from the roots.
  for (let v = 1; v <= candidates.length; v++) {
    const c = candidates[v - 1]!;
    const goals: Goal[] = [];
    const why = options.exclude?.(c);
    if (why !== undefined) add([-v], { kind: 'excluded', package: c, why });
    for (const [field, groups] of [['Pre-Depends', c.package.preDepends], ['Depends', c.package.depends]] as const) {
      for (const group of groups) {
        const lits = [-v, ...groupCandidates(matcher, group).map(variable)];
        add(lits, { kind: 'depends', package: c, field, group, satisfiers: lits.length - 1 });
        goals.push({ literals: lits.slice(1) });
      }
    }
    if (options.recommends) {
      for (const group of c.package.recommends) goals.push({ literals: groupCandidates(matcher, group).map(variable) });
    }
    if (options.suggests === true) {
      for (const group of c.package.suggests) goals.push({ literals: groupCandidates(matcher, group).map(variable) });
    }
    goalsOf[v] = goals;
  }

  // Clashes among the reachable candidates only.
  const byName = new Map<string, number[]>();
  candidates.forEach((c, i) => {
    const list = byName.get(c.package.name);
    if (list === undefined) byName.set(c.package.name, [i + 1]);
    else list.push(i + 1);
  });
  const seenPair = new Set<string>();
  for (const list of byName.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) add([-list[i]!, -list[j]!], { kind: 'one-version', a: candidates[list[i]! - 1]!, b: candidates[list[j]! - 1]! });
    }
  }
  const total = candidates.length;
  for (let v = 1; v <= total; v++) {
    const c = candidates[v - 1]!;
    for (const [field, groups] of [['Conflicts', c.package.conflicts], ['Breaks', c.package.breaks]] as const) {
      for (const group of groups) {
        for (const relation of group) {
          for (const other of matcher.matches(relation)) {
            const w = variableOf.get(other);
            if (w === undefined || w === v || other.package.name === c.package.name) continue;
            const pair = v < w ? `${v},${w}` : `${w},${v}`;
            if (seenPair.has(pair)) continue;
            seenPair.add(pair);
            add([-v, -w], { kind: 'conflicts', package: c, other, field, relation });
          }
        }
      }
    }
  }

  return { sat: { variables: candidates.length, clauses, rootGoals, goalsOf }, rules, candidates, variableOf, matcher };
}

/** The candidates of a dependency group, alternatives in order, each candidate once. */
function groupCandidates(matcher: RelationMatcher, group: Alternatives): Candidate[] {
  if (group.length === 1) return [...matcher.matches(group[0]!)];
  const out: Candidate[] = [];
  for (const r of group) for (const c of matcher.matches(r)) if (!out.includes(c)) out.push(c);
  return out;
}
