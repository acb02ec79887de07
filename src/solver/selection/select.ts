/**
 * Component selection: which security controls go into an image, as a mixed-integer program.
 *
 * 1. The app's install set (the resolver) is the base every plan has.
 * 2. Each control's closure is resolved beside the app; what it adds beyond the base is its cost
 *    in packages. A control that cannot be installed, or that policy prohibits, is fixed to 0.
 * 3. The program (HiGHS): binary x_k per control, y_p per added package (x_k ≤ y_p, so a package
 *    two controls share is paid once), and per threat the share removed z_t, with controls as
 *    independent layers: z_t = 1 − Π_k (1 − strength(k, t))^x_k (layers.ts: linear in the
 *    logarithm, bounded by tangents). Maximize
 *    Σ_t 100·weight_t·z_t − Σ_k running cost·x_k − Σ_p (size + known vulnerabilities + setuid files)·y_p
 *    subject to package clashes, the catalog's exclusions and the policy (required controls,
 *    minimum categories per tier, the size limit). When the policy cannot be met, HiGHS-based
 *    QuickXplain names the smallest set of policy rules that clash.
 * 4. The chosen controls are resolved with the app once more: that install set is the plan.
 */
import type { Candidate, PackageUniverse } from '../../catalog/index.js';
import { higherTier, type Tier } from '../../risk/index.js';
import { explainInfeasibility, MipModel, solveMip, type Variable } from '../mip/index.js';
import { clashesWithin, resolve, type ResolveOptions, type RootRequest } from '../resolver/index.js';
import { logResidual, removedShare, TANGENT_POINTS, tangentAt } from './layers.js';
import { prohibitionOf } from './policy.js';
import { chooseBuilds } from './security-builds.js';
import { DEFAULT_COST_WEIGHTS, type ControlOption, type CostWeights, type PlannedPackage, type RejectedControl, type SelectedControl, type SelectionDiagnostic, type SelectionInput, type SelectionNote, type SelectionResult } from './types.js';

const atLeast = (tier: Tier, floor: Tier) => higherTier(tier, floor) === tier;
const round = (x: number) => Math.round(x * 100) / 100;

interface ControlClosure {
  readonly control: ControlOption;
  /** Packages the control adds to the base; undefined when it cannot be installed. */
  readonly added?: readonly Candidate[];
  readonly blocked?: Pick<RejectedControl, 'reason' | 'detail'>;
}

export async function selectComponents(catalog: PackageUniverse, input: SelectionInput): Promise<SelectionResult> {
  // Security-suite builds first from the policy's tier up; apt's order below it.
  const builds = chooseBuilds(catalog, input.policy, input.tier);
  const universe = builds.universe;
  const weights = input.weights ?? DEFAULT_COST_WEIGHTS;
  const exclude = prohibitionOf(input.policy);
  const options: ResolveOptions = { essential: input.essential, exclude };
  const base = resolve(universe, input.app, options);
  if (!base.ok) {
    return { ok: false, diagnostics: base.diagnostics.map((d) => ({ code: 'select/app-unresolvable', severity: 'error', message: `the app's packages cannot be installed: ${d.message}`, help: d.help, ...(d.clash !== undefined ? { clash: d.clash } : {}) })) };
  }
  const offered = new Set(input.controls.map((c) => c.id));
  const unavailable = (input.policy.required ?? []).filter((id) => !offered.has(id));
  if (unavailable.length > 0) {
    return { ok: false, diagnostics: unavailable.map((id) => ({ code: 'select/infeasible', severity: 'error', message: `the policy requires \`${id}\`, which is not among the controls offered at the ${input.tier} tier`, help: 'check the control id in data/security-controls/controls.yaml and the tiers that offer it, or drop it from `required`' })) };
  }
  const baseSet = new Set(base.packages.map((p) => p.candidate));
  const closures = input.controls.map((control) => closureOf(universe, input.app, control, baseSet, options));

  const model = new MipModel();
  const x = new Map<string, Variable>();
  const y = new Map<Candidate, Variable>();
  for (const c of closures) x.set(c.control.id, model.binary(`control ${c.control.id}`));
  for (const c of closures) {
    const xk = x.get(c.control.id)!;
    if (c.blocked !== undefined) {
      model.atMost(`${c.blocked.reason === 'prohibited' ? 'policy' : 'catalog'}: ${c.control.id} — ${c.blocked.detail}`, [[1, xk]], 0, { role: c.blocked.reason === 'prohibited' ? 'policy' : 'background' });
      continue;
    }
    for (const p of c.added ?? []) {
      let yp = y.get(p);
      if (yp === undefined) {
        yp = model.binary(`package ${p.package.name}=${p.package.version}`);
        y.set(p, yp);
      }
      model.atMost(`${c.control.id} needs ${p.package.name}`, [[1, xk], [-1, yp]], 0, { role: 'background' });
    }
  }
  // Packages that clash, and controls the catalog says exclude each other.
  for (const clash of clashesWithin(universe, [...y.keys()])) {
    model.atMost(`clash: ${clash.because} (${clash.b.package.name} ${clash.b.package.version})`, [[1, y.get(clash.a)!], [1, y.get(clash.b)!]], 1, { role: 'background' });
  }
  const excluded = new Set<string>();
  for (const c of input.controls) {
    for (const other of c.excludes) {
      const key = [c.id, other].sort().join(' / ');
      if (!x.has(other) || excluded.has(key)) continue;
      excluded.add(key);
      model.atMost(`catalog: ${key} are alternatives`, [[1, x.get(c.id)!], [1, x.get(other)!]], 1, { role: 'background' });
    }
  }
  for (const c of input.controls) {
    for (const other of c.requires ?? []) {
      const xo = x.get(other);
      if (xo !== undefined) model.atMost(`catalog: ${c.id} requires ${other}`, [[1, x.get(c.id)!], [-1, xo]], 0, { role: 'background' });
      else model.atMost(`catalog: ${c.id} requires ${other}, which is not offered`, [[1, x.get(c.id)!]], 0, { role: 'background' });
    }
    if (c.mandatory !== undefined) model.atLeast(`catalog: ${c.id} is mandatory (${c.mandatory})`, [[1, x.get(c.id)!]], 1);
  }
  // The share of each threat the chosen layers remove.
  const z = new Map<string, Variable>();
  for (const threat of input.threats) {
    if (threat.weight <= 0) continue;
    const terms = closures.filter((c) => (c.control.mitigates[threat.id] ?? 0) > 0).map((c) => [logResidual(c.control.mitigates[threat.id]!), x.get(c.control.id)!] as const);
    if (terms.length === 0) continue;
    const lt = model.continuous(`log residual ${threat.id}`, -1e6, 0);
    model.equal(`layers against ${threat.id}`, [[1, lt], ...terms.map(([l, v]) => [-l, v] as const)], 0, { role: 'background' });
    const zt = model.continuous(`removed ${threat.id}`, 0, 1);
    z.set(threat.id, zt);
    TANGENT_POINTS.forEach((l0, i) => {
      const [slope, intercept] = tangentAt(l0);
      model.atMost(`removed ${threat.id}, tangent ${i}`, [[1, zt], [-slope, lt]], intercept, { role: 'background' });
    });
  }
  // Policy.
  for (const id of input.policy.required ?? []) {
    const xk = x.get(id);
    if (xk !== undefined) model.atLeast(`policy: ${id} is required`, [[1, xk]], 1);
  }
  for (const [floor, categories] of Object.entries(input.policy.minimumCategories ?? {}) as [Tier, readonly string[]][]) {
    if (!atLeast(input.tier, floor)) continue;
    for (const category of categories) {
      const terms = closures.filter((c) => c.control.category === category).map((c) => [1, x.get(c.control.id)!] as const);
      model.atLeast(`policy: at ${floor} tier and above, at least one ${category} control`, terms, 1);
    }
  }
  const baseKiB = base.packages.reduce((n, p) => n + p.candidate.package.installedSize, 0);
  if (input.policy.maxImageMiB !== undefined) {
    model.atMost(`policy: the image is at most ${input.policy.maxImageMiB} MiB installed (the app alone is ${(baseKiB / 1024).toFixed(1)} MiB)`, [...y].map(([p, v]) => [p.package.installedSize / 1024, v] as const), input.policy.maxImageMiB - baseKiB / 1024);
  }
  // Objective.
  const threatWeight = new Map(input.threats.map((t) => [t.id, t.weight]));
  const runningCost = (c: ControlOption) => weights.perControl + weights.ram[c.ram] + weights.cpu[c.cpu] + (c.daemon ? weights.daemon : 0) + (c.listens ? weights.listening : 0);
  const setuidOf = (p: Candidate) => input.setuidFiles?.(p);
  const packageCost = (p: Candidate) => (p.package.installedSize / 1024) * weights.perMiB + (input.knownVulnerabilities?.(p) ?? 0) * weights.perVulnerability + (setuidOf(p)?.length ?? 0) * weights.perSetuidFile;
  model.maximize([
    ...[...z].map(([t, v]) => [weights.benefitScale * (threatWeight.get(t) ?? 0), v] as const),
    ...closures.map((c) => [-runningCost(c.control), x.get(c.control.id)!] as const),
    ...[...y].map(([p, v]) => [-packageCost(p), v] as const),
  ]);

  const solved = await solveMip(model);
  if (solved.status === 'infeasible') return { ok: false, diagnostics: [await explainPolicyClash(model)] };
  if (solved.status !== 'optimal') return { ok: false, diagnostics: [{ code: 'select/solver', severity: 'error', message: `the optimizer did not finish: ${solved.status}${solved.status === 'error' ? ` (${solved.message})` : ''}`, help: 'this is a bug or a resource limit; the inputs were valid' }] };
  const chosen = closures.filter((c) => (solved.values.get(`control ${c.control.id}`) ?? 0) > 0.5).map((c) => c.control);

  // The plan: the app and the chosen controls resolved together.
  const final = resolve(universe, [...input.app, ...chosen.flatMap((c) => c.packages.map((name) => ({ name })))], options);
  if (!final.ok) return { ok: false, diagnostics: [{ code: 'select/infeasible', severity: 'error', message: `the chosen controls (${chosen.map((c) => c.id).join(', ')}) cannot be installed together with the app`, help: 'a clash between controls the package-level check did not see; report it', ...(final.diagnostics[0]?.clash !== undefined ? { clash: final.diagnostics[0].clash } : {}) }] };
  const controlOf = new Map<string, string>();
  for (const c of chosen) for (const name of c.packages) controlOf.set(name, c.id);
  const packages: PlannedPackage[] = final.packages.map((p) => {
    const build = builds.reasonFor(p.candidate);
    return {
    name: p.name, version: p.version, architecture: p.architecture, source: p.candidate.source,
    filename: p.candidate.package.filename, sha256: p.candidate.package.sha256, size: p.candidate.package.size, installedSize: p.candidate.package.installedSize,
    layer: baseSet.has(p.candidate) ? 'base' : 'security',
    why: controlOf.has(p.name) && !baseSet.has(p.candidate) ? { kind: 'control', control: controlOf.get(p.name)! }
      : p.why.kind === 'root' ? { kind: 'app' } : p.why.kind === 'essential' ? { kind: 'essential' } : { kind: 'dependency', of: p.why.of, relation: p.why.relation },
    ...(build !== undefined ? { build } : {}),
    };
  });

  // Reports: what each chosen control buys, and why each other one is out.
  const layers = new Map<string, number[]>();
  const removed = (t: string, extra: number[] = []) => removedShare([...(layers.get(t) ?? []), ...extra]);
  // A package two chosen controls share is charged to the first of them, as the program pays it once.
  const paid = new Set<Candidate>();
  const chargeOnce = (packages: readonly Candidate[]) => packages.filter((p) => {
    if (paid.has(p)) return false;
    paid.add(p);
    return true;
  });
  const selected: SelectedControl[] = chosen.map((control) => {
    const closure = closures.find((c) => c.control === control)!;
    const benefit: Record<string, number> = {};
    for (const [t, s] of Object.entries(control.mitigates)) {
      const w = threatWeight.get(t) ?? 0;
      const before = removed(t);
      layers.set(t, [...(layers.get(t) ?? []), s]);
      const after = removed(t);
      if (w > 0 && after > before) benefit[t] = round(weights.benefitScale * w * (after - before));
    }
    const charged = chargeOnce(closure.added ?? []);
    const requiredBy = (input.policy.required ?? []).includes(control.id) ? 'policy: required' : control.mandatory !== undefined ? `catalog: mandatory (${control.mandatory})` : undefined;
    return {
      id: control.id, category: control.category, title: control.title, packages: control.packages, benefit,
      cost: round(runningCost(control) + charged.reduce((n, p) => n + packageCost(p), 0)),
      addedPackages: closure.added?.length ?? 0, addedKiB: (closure.added ?? []).reduce((n, p) => n + p.package.installedSize, 0),
      ...(input.setuidFiles !== undefined ? { setuidFiles: charged.flatMap((p) => setuidOf(p) ?? []).sort(), withoutFacts: charged.filter((p) => setuidOf(p) === undefined).length } : {}),
      nist: control.nist, ...(requiredBy !== undefined ? { requiredBy } : {}), ...(control.profile !== undefined ? { profile: control.profile } : {}),
    };
  });
  const rejected: RejectedControl[] = closures.filter((c) => !chosen.includes(c.control)).map((c) => {
    if (c.blocked !== undefined) return { id: c.control.id, category: c.control.category, ...c.blocked };
    const blocker = chosen.find((k) => k.excludes.includes(c.control.id) || c.control.excludes.includes(k.id));
    if (blocker !== undefined) return { id: c.control.id, category: c.control.category, reason: 'excluded-by', detail: `${blocker.id} was chosen for ${c.control.category}, and the catalog lists them as alternatives` };
    let gain = 0;
    for (const [t, s] of Object.entries(c.control.mitigates)) gain += weights.benefitScale * (threatWeight.get(t) ?? 0) * (removed(t, [s]) - removed(t));
    const chosenPackages = new Set(final.packages.map((p) => p.candidate));
    const extra = (c.added ?? []).filter((p) => !chosenPackages.has(p));
    const cost = runningCost(c.control) + extra.reduce((n, p) => n + packageCost(p), 0);
    const setuid = extra.reduce((n, p) => n + (setuidOf(p)?.length ?? 0), 0);
    return { id: c.control.id, category: c.control.category, reason: 'cost-over-benefit', detail: `would add ${round(gain)} points of risk-weighted mitigation for a cost of ${round(cost)} (${(c.added ?? []).length} packages, ${(((c.added ?? []).reduce((n, p) => n + p.package.installedSize, 0)) / 1024).toFixed(1)} MiB, RAM ${c.control.ram}, CPU ${c.control.cpu}${setuid > 0 ? `, ${setuid} setuid/setgid file${setuid === 1 ? '' : 's'}` : ''})` };
  });

  const installedKiB = packages.reduce((n, p) => n + p.installedSize, 0);
  const benefit = selected.reduce((n, c) => n + Object.values(c.benefit).reduce((a, b) => a + b, 0), 0);
  const cost = selected.reduce((n, c) => n + c.cost, 0);
  // Packages without facts cost nothing for their setuid files; the reader is told how many.
  const notes: SelectionNote[] = [];
  if (input.setuidFiles !== undefined) {
    const unknown = [...y.keys()].filter((p) => setuidOf(p) === undefined);
    if (unknown.length > 0) {
      const names = unknown.map((p) => p.package.name).sort();
      notes.push({ code: 'select/no-package-facts', severity: 'warning', message: `${unknown.length} of the ${y.size} packages the controls would add have no package facts, so their setuid/setgid files were not priced (${names.slice(0, 8).join(', ')}${names.length > 8 ? ', ...' : ''})`, help: 'regenerate the facts file for this index: tessera catalog facts --for-controls -o FILE (docs/selection.md)' });
    }
  }
  return {
    ok: true,
    selection: {
      ...(notes.length > 0 ? { notes } : {}),
      packages, controls: selected, rejected,
      totals: { packages: packages.length, installedKiB, downloadBytes: packages.reduce((n, p) => n + p.size, 0), basePackages: packages.filter((p) => p.layer === 'base').length, securityPackages: packages.filter((p) => p.layer === 'security').length },
      objective: { benefit: round(benefit), cost: round(cost), value: round(solved.objective) },
      solver: { variables: model.variables.length, constraints: model.constraints.length, milliseconds: round(solved.timing.totalMs) },
    },
  };
}

function closureOf(universe: PackageUniverse, app: readonly RootRequest[], control: ControlOption, base: ReadonlySet<Candidate>, options: ResolveOptions): ControlClosure {
  for (const name of control.packages) {
    for (const c of universe.candidates(name)) {
      const why = options.exclude?.(c);
      if (why !== undefined) return { control, blocked: { reason: 'prohibited', detail: `${name} is ${why}` } };
    }
  }
  const joint = resolve(universe, [...app, ...control.packages.map((name) => ({ name }))], options);
  if (!joint.ok) {
    const d = joint.diagnostics[0];
    return { control, blocked: { reason: 'uninstallable', detail: d?.clash !== undefined ? `cannot be installed with the app: ${d.clash.slice(-2).join('; ')}` : d?.message ?? 'cannot be installed' } };
  }
  return { control, added: joint.packages.map((p) => p.candidate).filter((c) => !base.has(c)) };
}

async function explainPolicyClash(model: MipModel): Promise<SelectionDiagnostic> {
  const explanation = await explainInfeasibility(model);
  if (explanation.status === 'conflict') {
    return { code: 'select/infeasible', severity: 'error', message: `the policy cannot be met: ${explanation.constraints.length} of its rules clash`, help: 'relax one of the listed rules (each is needed for the clash)', clash: explanation.constraints };
  }
  return { code: 'select/infeasible', severity: 'error', message: 'the policy cannot be met', help: explanation.status === 'background-infeasible' ? 'the packages themselves clash; no policy rule is to blame' : 'the explanation could not be computed' };
}

export { DEFAULT_COST_WEIGHTS };
export type { CostWeights };
