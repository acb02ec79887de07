import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explainInfeasibility, type Explanation } from './infeasibility.js';
import { MipModel, type Constraint, type Variable } from './model.js';
import { solveMip } from './solve.js';
import { bruteForce } from './testing/brute-force.js';
import { between, seeded } from './testing/random.js';
import { selectionShape } from './testing/selection-shape.js';

function conflictOf(result: Explanation): readonly string[] {
  if (result.status !== 'conflict') throw new Error(`expected a conflict, got ${result.status}${result.status === 'error' ? `: ${result.message}` : ''}`);
  return result.constraints;
}

/** Feasibility of the background plus the named policy constraints, by exhaustive enumeration. */
function feasibleByEnumeration(model: MipModel, policies: readonly string[]): boolean {
  const keep = new Set(policies);
  return bruteForce(model, (c: Constraint) => c.role === 'policy' && !keep.has(c.name)).feasible;
}

/** The same question asked of HiGHS through `solveMip`, on a model rebuilt without the others. */
async function feasibleBySolving(model: MipModel, policies: readonly string[]): Promise<boolean> {
  const keep = new Set(policies);
  const status = (await solveMip(model.filterConstraints((c) => c.role === 'background' || keep.has(c.name)))).status;
  if (status !== 'optimal' && status !== 'infeasible') throw new Error(`oracle solve ended ${status}`);
  return status === 'optimal';
}

describe('explainInfeasibility', () => {
  it('explains integer infeasibility that the LP relaxation does not show', async () => {
    const m = new MipModel();
    const x = m.binary('x');
    const y = m.binary('y');
    m.atMost('harmless', [[1, x], [1, y]], 2);
    m.equal('exactly one', [[1, x], [1, y]], 1);
    m.equal('both alike', [[1, x], [-1, y]], 0);
    for (const elasticFilter of [true, false]) expect(conflictOf(await explainInfeasibility(m, { elasticFilter }))).toEqual(['exactly one', 'both alike']);
  });

  it('names only policy constraints, and says so when the background alone clashes', async () => {
    const m = new MipModel();
    const app = m.binary('app');
    const lib = m.binary('libssl3:amd64');
    m.atMost('app needs libssl3', [[1, app], [-1, lib]], 0, { role: 'background' });
    m.atLeast('require app', [[1, app]], 1);
    m.atMost('forbid libssl3', [[1, lib]], 0);
    m.atMost('unrelated', [[1, lib]], 1);
    expect(conflictOf(await explainInfeasibility(m))).toEqual(['require app', 'forbid libssl3']);

    const feasible = m.filterConstraints((c) => c.name !== 'forbid libssl3');
    expect((await explainInfeasibility(feasible)).status).toBe('feasible');

    const broken = new MipModel();
    const b = broken.binary('b');
    broken.atLeast('b is 2', [[1, b]], 2, { role: 'background' });
    broken.atLeast('policy', [[1, b]], 1);
    expect((await explainInfeasibility(broken)).status).toBe('background-infeasible');
  });

  it('returns a subset that is infeasible and irreducible (checked by enumeration) on random models', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.boolean(), async (seed, elasticFilter) => {
        const random = seeded(seed);
        const m = new MipModel();
        const vars = Array.from({ length: between(random, 1, 6) }, (_, i) => (random() < 0.6 ? m.binary(`b${i}`) : m.integer(`n${i}`, -2, 2)));
        // Each row holds at one of two random points, so rows rarely clash alone but often in groups.
        const anchors = [0, 1].map(() => vars.map((v) => between(random, v.lower, v.upper)));
        for (let k = between(random, 1, 10); k > 0; k--) {
          const terms = vars.filter(() => random() < 0.6).map((v) => [between(random, -3, 3), v] as const);
          const anchor = anchors[between(random, 0, 1)] as number[];
          const at = terms.reduce((sum, [a, v]) => sum + a * (anchor[v.index] as number), 0);
          const role = random() < 0.2 ? 'background' : 'policy';
          const kind = between(random, 0, 2);
          if (kind === 0) m.atMost(`p${k}`, terms, at + between(random, 0, 1), { role });
          else if (kind === 1) m.atLeast(`p${k}`, terms, at - between(random, 0, 1), { role });
          else m.between(`p${k}`, terms, at - between(random, 0, 1), at + between(random, 0, 1), { role });
        }
        const policies = m.constraints.filter((c) => c.role === 'policy').map((c) => c.name);
        const result = await explainInfeasibility(m, { elasticFilter });
        if (!feasibleByEnumeration(m, [])) expect(result.status).toBe('background-infeasible');
        else if (feasibleByEnumeration(m, policies)) expect(result.status).toBe('feasible');
        else {
          const conflict = conflictOf(result);
          expect(feasibleByEnumeration(m, conflict)).toBe(false);
          for (const member of conflict) expect(feasibleByEnumeration(m, conflict.filter((n) => n !== member))).toBe(true);
        }
      }),
      // The example: a model where HiGHS ended an elastic round at an incumbent with needless slack.
      { numRuns: 150, examples: [[1615696132, true]] },
    );
  });

  it('finds the clashing policies among many in a selection-shaped model (checked by re-solving)', async () => {
    const shape = selectionShape({ seed: 5, packages: 2_000, candidates: 60, budgetShare: 0.6 });
    const m = shape.model;
    const random = seeded(99);
    // Policies: require twenty candidates, forbid twenty packages no candidate needs, and one
    // forbidden package that the first required candidate depends on (the planted conflict).
    const needs = closures(shape.packages.length, shape.dependencies);
    const inConflictPair = new Set(m.constraints.filter((c) => c.name.startsWith('conflicts:')).flatMap((c) => c.columns));
    const required = shape.candidates.filter((c) => !inConflictPair.has(c.index)).slice(0, 20);
    const needed = new Set(required.flatMap((c) => [...(needs[c.index] ?? [])]));
    for (const c of required) m.atLeast(`require ${c.name}`, [[1, c]], 1);
    let forbidden = 0;
    while (forbidden < 20) {
      const p = shape.packages[between(random, 0, shape.packages.length - 1)] as Variable;
      if (needed.has(p.index) || m.constraint(`forbid ${p.name}`) !== undefined) continue;
      m.atMost(`forbid ${p.name}`, [[1, p]], 0);
      forbidden++;
    }
    const first = required[0] as Variable;
    const victim = shape.packages[[...(needs[first.index] ?? [])].find((j) => j !== first.index) as number] as Variable;
    m.atMost(`forbid ${victim.name}`, [[1, victim]], 0);

    const result = await explainInfeasibility(m);
    const conflict = conflictOf(result);
    expect(await feasibleBySolving(m, conflict)).toBe(false);
    for (const member of conflict) expect(await feasibleBySolving(m, conflict.filter((n) => n !== member))).toBe(true);
    expect(conflict).toContain(`forbid ${victim.name}`);
    expect(result.stats.solves).toBeLessThan(30);
  });

  it('gives up with an error when the time budget runs out', async () => {
    const shape = selectionShape({ seed: 1, packages: 500 });
    shape.model.atLeast('impossible', shape.packages.map((p) => [1, p] as const), shape.packages.length + 1);
    const result = await explainInfeasibility(shape.model, { timeLimitSeconds: 1e-6 });
    expect(result.status).toBe('error');
  });
});

/** Each package's dependency closure (itself included), by index. */
function closures(n: number, dependencies: readonly (readonly [number, number])[]): Set<number>[] {
  const direct = Array.from({ length: n }, () => [] as number[]);
  for (const [from, to] of dependencies) direct[from]?.push(to);
  // Dependencies point to lower indices, so closures can be built in index order.
  const all: Set<number>[] = [];
  for (let i = 0; i < n; i++) {
    const set = new Set<number>([i]);
    for (const j of direct[i] ?? []) for (const k of all[j] ?? []) set.add(k);
    all.push(set);
  }
  return all;
}
