/**
 * Dependency resolution: the install set for some root packages that satisfies every Depends and
 * Pre-Depends and violates no Conflicts or Breaks, chosen the way apt chooses (first installable
 * alternative, preferred candidate), with the reason each package is there. When no such set
 * exists, the answer is the smallest set of rules that cannot hold together: the solver's
 * unsatisfiable core, shrunk by a deletion filter until removing any one rule makes it solvable.
 */
import { formatAlternatives, formatRelation, type Candidate, type PackageUniverse } from '../../catalog/index.js';
import { buildProblem, checkRoots, type ProblemOptions, type ResolutionProblem, type RootRequest, type Rule } from './problem.js';
import { solveSat } from './sat.js';

export type { RootRequest } from './problem.js';

export type ResolveOptions = Partial<ProblemOptions>;

export type Why =
  | { readonly kind: 'root' }
  | { readonly kind: 'essential' }
  | { readonly kind: 'depends'; readonly of: string; readonly field: 'Depends' | 'Pre-Depends' | 'Recommends' | 'Suggests'; readonly relation: string };

export interface ResolvedPackage {
  readonly candidate: Candidate;
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  readonly why: Why;
}

export interface ResolveDiagnostic {
  readonly code: 'resolve/unknown-package' | 'resolve/unsatisfiable';
  readonly severity: 'error';
  readonly message: string;
  readonly help: string;
  /** For an unsatisfiable request: the clashing rules, each as a sentence, roots first. */
  readonly clash?: readonly string[];
  /** The same rules as data, in the same order. */
  readonly rules?: readonly Rule[];
}

export interface ResolveStats {
  readonly candidates: number;
  readonly clauses: number;
  readonly conflicts: number;
  readonly decisions: number;
}

export type Resolution =
  | { readonly ok: true; readonly packages: readonly ResolvedPackage[]; readonly stats: ResolveStats }
  | { readonly ok: false; readonly diagnostics: readonly ResolveDiagnostic[]; readonly stats?: ResolveStats };

export const DEFAULT_RESOLVE_OPTIONS: ProblemOptions = { architecture: 'amd64', recommends: false, essential: false };

export function resolve(universe: PackageUniverse, roots: readonly RootRequest[], options: ResolveOptions = {}): Resolution {
  const opts: ProblemOptions = { ...DEFAULT_RESOLVE_OPTIONS, ...options };
  const problem = buildProblem(universe, roots, opts);
  const rootProblems = checkRoots(universe, roots, problem.matcher);
  if (rootProblems.length > 0) {
    return {
      ok: false,
      diagnostics: rootProblems.map((p) => ({ code: 'resolve/unknown-package', severity: 'error', message: p.message, help: 'check the name with `tessera catalog search`, or pin an available version as name=version' })),
    };
  }
  const result = solveSat(problem.sat);
  const stats: ResolveStats = { candidates: problem.candidates.length, clauses: problem.sat.clauses.length, conflicts: result.conflicts, decisions: result.decisions };
  if (!result.sat) {
    const core = minimizeCore(problem, result.core);
    return {
      ok: false,
      stats,
      diagnostics: [{
        code: 'resolve/unsatisfiable',
        severity: 'error',
        message: `no install set satisfies ${roots.map(rootText).join(', ')}: ${core.length} rule${core.length === 1 ? '' : 's'} clash`,
        help: 'drop or change one of the clashing roots or pins; every rule listed is needed for the clash',
        clash: orderRules(core.map((id) => problem.rules[id]!)).map(describeRule),
        rules: orderRules(core.map((id) => problem.rules[id]!)),
      }],
    };
  }
  const installed = problem.candidates.filter((_, i) => result.model[i + 1] === 1);
  return { ok: true, packages: explainInstallSet(problem, roots, installed, opts), stats };
}

/** Deletion filter: drop each rule in turn, keeping the drop whenever the rest still clash. */
function minimizeCore(problem: ResolutionProblem, core: readonly number[]): number[] {
  const kept = new Set(core);
  for (const id of core) {
    kept.delete(id);
    if (solveSat(problem.sat, (c) => kept.has(c)).sat) kept.add(id);
  }
  return [...kept].sort((a, b) => a - b);
}

/** Why each package is installed: the first installed package (in resolution order) that needs it. */
function explainInstallSet(problem: ResolutionProblem, roots: readonly RootRequest[], installed: readonly Candidate[], opts: ProblemOptions): ResolvedPackage[] {
  const inSet = new Set(installed);
  const why = new Map<Candidate, Why>();
  const queue: Candidate[] = [];
  const reach = (c: Candidate, w: Why) => {
    if (!inSet.has(c) || why.has(c)) return;
    why.set(c, w);
    queue.push(c);
  };
  for (const root of roots) for (const c of installed) if (c.package.name === root.name || (root.version === undefined && problem.matcher.matches({ name: root.name }).includes(c))) reach(c, { kind: 'root' });
  if (opts.essential) for (const c of installed) if (c.package.essential) reach(c, { kind: 'essential' });
  for (let i = 0; i < queue.length; i++) {
    const c = queue[i]!;
    const fields = [
      ['Pre-Depends', c.package.preDepends], ['Depends', c.package.depends],
      ...(opts.recommends ? [['Recommends', c.package.recommends] as const] : []),
      ...(opts.suggests === true ? [['Suggests', c.package.suggests] as const] : []),
    ] as const;
    for (const [field, groups] of fields) {
      for (const group of groups) {
        for (const r of group) {
          const chosen = problem.matcher.matches(r).find((m) => inSet.has(m));
          if (chosen !== undefined) {
            reach(chosen, { kind: 'depends', of: c.package.name, field, relation: formatAlternatives(group) });
            break;
          }
        }
      }
    }
  }
  return installed
    .map((c) => ({ candidate: c, name: c.package.name, version: c.package.version, architecture: c.package.architecture, why: why.get(c) ?? { kind: 'root' as const } }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** `name` or `name=version`, as apt takes roots on its command line. */
export function parseRootSpec(text: string): RootRequest {
  const eq = text.indexOf('=');
  return eq > 0 ? { name: text.slice(0, eq), version: text.slice(eq + 1) } : { name: text };
}

const rootText = (r: RootRequest): string => (r.version !== undefined ? `${r.name}=${r.version}` : r.name);
const pkgText = (c: Candidate): string => `${c.package.name} ${c.package.version}`;
const RANK: Readonly<Record<Rule['kind'], number>> = { root: 0, essential: 1, excluded: 2, depends: 3, conflicts: 4, 'one-version': 5 };

function orderRules(rules: Rule[]): Rule[] {
  return rules.map((r, i) => [r, i] as const).sort((a, b) => RANK[a[0].kind] - RANK[b[0].kind] || a[1] - b[1]).map(([r]) => r);
}

export function describeRule(rule: Rule): string {
  switch (rule.kind) {
    case 'root': return `you asked for ${rootText(rule.root)}`;
    case 'essential': return `${rule.name} is Essential and always installed`;
    case 'excluded': return `${pkgText(rule.package)} is excluded: ${rule.why}`;
    case 'depends': return `${pkgText(rule.package)} ${rule.field === 'Depends' ? 'depends on' : 'pre-depends on'} ${formatAlternatives(rule.group)}${rule.satisfiers === 0 ? ', which nothing in the catalog satisfies' : ''}`;
    case 'conflicts': return `${pkgText(rule.package)} ${rule.field === 'Conflicts' ? 'conflicts with' : 'breaks'} ${formatRelation(rule.relation)} (${pkgText(rule.other)})`;
    case 'one-version': return `only one version of ${rule.a.package.name} can be installed (${rule.a.package.version} or ${rule.b.package.version})`;
  }
}
