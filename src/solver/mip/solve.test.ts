import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runtimeGeneration, runtimeMemoryBytes, withHighs } from './highs-runtime.js';
import { MipModel, MipModelError, type Variable } from './model.js';
import { solveMip, type MipResult } from './solve.js';
import { bruteForce, holds } from './testing/brute-force.js';
import { maxClosureWeight } from './testing/max-closure.js';
import { between, seeded } from './testing/random.js';

const inputs = ['arrays', 'lp-text'] as const;

function optimal(result: MipResult): Extract<MipResult, { status: 'optimal' }> {
  if (result.status !== 'optimal') throw new Error(`expected optimal, got ${result.status}${result.status === 'error' ? `: ${result.message}` : ''}`);
  return result;
}

/** The returned values satisfy every row and bound and reproduce the objective. */
function expectConsistent(model: MipModel, result: Extract<MipResult, { status: 'optimal' }>): void {
  const x = model.variables.map((v) => result.values.get(v.name) as number);
  for (const v of model.variables) {
    expect(x[v.index]).toBeGreaterThanOrEqual(v.lower - 1e-6);
    expect(x[v.index]).toBeLessThanOrEqual(v.upper + 1e-6);
  }
  for (const c of model.constraints) expect(holds(c, x), c.name).toBe(true);
  expect(result.objective).toBeCloseTo(model.objective.offset + model.objective.columns.reduce((s, col, k) => s + (model.objective.coefficients[k] as number) * (x[col] as number), 0), 9);
}

describe('solveMip', () => {
  it('finds the knapsack optimum that exhaustive enumeration finds (200 random instances)', async () => {
    const item = fc.record({ weight: fc.integer({ min: 1, max: 30 }), value: fc.integer({ min: 0, max: 40 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(item, { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 150 }), fc.constantFrom(...inputs), async (items, capacity, input) => {
        const m = new MipModel();
        const x = items.map((_, i) => m.binary(`item ${i}`));
        m.atMost('capacity', items.map((it, i) => [it.weight, x[i] as Variable] as const), capacity);
        m.maximize(items.map((it, i) => [it.value, x[i] as Variable] as const));
        const exact = bruteForce(m);
        const result = optimal(await solveMip(m, { input, mipRelGap: 0 }));
        expect(exact.feasible && result.objective).toBe(exact.feasible && exact.best);
        expectConsistent(m, result);
      }),
      { numRuns: 200 },
    );
  });

  it('agrees with enumeration on random small integer programs with every kind of row', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.constantFrom(...inputs), async (seed, input) => {
        const random = seeded(seed);
        const m = new MipModel();
        const vars = Array.from({ length: between(random, 1, 6) }, (_, i) => (random() < 0.5 ? m.binary(`b${i}`) : m.integer(`n${i}`, between(random, -3, 0), between(random, 0, 3))));
        for (let k = between(random, 0, 5); k > 0; k--) {
          const terms = vars.filter(() => random() < 0.7).map((v) => [between(random, -5, 5), v] as const);
          const lo = between(random, -8, 4);
          const kind = between(random, 0, 3);
          if (kind === 0) m.atMost(`r${k}`, terms, lo + 3);
          else if (kind === 1) m.atLeast(`r${k}`, terms, lo);
          else if (kind === 2) m.equal(`r${k}`, terms, lo);
          else m.between(`r${k}`, terms, lo, lo + between(random, 0, 6));
        }
        const objective = vars.map((v) => [between(random, -6, 6), v] as const);
        if (random() < 0.5) m.maximize(objective, between(random, -5, 5));
        else m.minimize(objective, between(random, -5, 5));
        const exact = bruteForce(m);
        const result = await solveMip(m, { input, mipRelGap: 0 });
        if (!exact.feasible) expect(result.status).toBe('infeasible');
        else {
          expect(optimal(result).objective).toBe(exact.best);
          expectConsistent(m, optimal(result));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('solves continuous models as LPs with fractional values', async () => {
    const m = new MipModel();
    const x = m.continuous('x');
    const y = m.continuous('y', -Infinity, 10);
    m.atMost('a', [[1, x], [2, y]], 4);
    m.atMost('b', [[3, x], [-1, y]], 2);
    m.maximize([[1, x], [1, y]]);
    for (const input of inputs) {
      const result = optimal(await solveMip(m, { input }));
      expect(result.values.get('x')).toBeCloseTo(8 / 7, 9);
      expect(result.values.get('y')).toBeCloseTo(10 / 7, 9);
      expect(result.gap).toBe(0);
    }
  });

  it('reports unbounded, telling it apart from infeasible when presolve cannot', async () => {
    const m = new MipModel();
    const u = m.integer('u', 0, Infinity);
    const v = m.integer('v', 0, Infinity);
    m.atMost('diff', [[1, u], [-1, v]], 1);
    m.maximize([[1, u], [1, v]]);
    for (const input of inputs) expect((await solveMip(m, { input })).status).toBe('unbounded');

    // Unbounded in direction, but with no integer point at all.
    const n = new MipModel();
    const a = n.integer('a', 0, Infinity);
    const b = n.binary('b');
    n.equal('odd', [[2, a], [2, b]], 3);
    n.maximize([[1, a]]);
    for (const input of inputs) expect((await solveMip(n, { input })).status).toBe('infeasible');
  });

  it('handles a model without variables and an objective offset', async () => {
    const empty = new MipModel();
    empty.minimize([], 7);
    expect(await solveMip(empty)).toMatchObject({ status: 'optimal', objective: 7 });
    empty.atLeast('impossible', [], 1);
    expect((await solveMip(empty)).status).toBe('infeasible');
  });

  it('returns option errors as values', async () => {
    const m = new MipModel();
    m.binary('x');
    expect(await solveMip(m, { timeLimitSeconds: 0 })).toMatchObject({ status: 'error' });
    expect(await solveMip(m, { mipRelGap: Number.NaN })).toMatchObject({ status: 'error' });
  });

  it('stops at the time limit', async () => {
    // A market-split instance (Cornuéjols–Dawande): tiny, infeasible, and very hard for branch and bound.
    const random = seeded(3);
    const m = new MipModel();
    const x = Array.from({ length: 40 }, (_, i) => m.binary(`x${i}`));
    for (let k = 0; k < 4; k++) {
      const a = x.map(() => between(random, 0, 99));
      m.equal(`split ${k}`, x.map((v, i) => [a[i] as number, v] as const), Math.floor(a.reduce((s, t) => s + t, 0) / 2));
    }
    const result = await solveMip(m, { timeLimitSeconds: 0.2 });
    expect(result.status).toBe('time-limit');
    expect(result.timing.solverMs).toBeLessThan(5_000);
  });

  it('rejects builder misuse by throwing', () => {
    const m = new MipModel();
    const x = m.binary('x');
    expect(() => m.binary('x')).toThrow(MipModelError);
    expect(() => m.atMost('r', [[Number.POSITIVE_INFINITY, x]], 1)).toThrow(MipModelError);
    expect(() => m.atMost('r', [[1e16, x]], 1)).toThrow(MipModelError);
    expect(() => m.integer('n', 2, 1)).toThrow(MipModelError);
    expect(() => m.atMost('r', [[1, new MipModel().binary('x')]], 1)).toThrow(MipModelError);
    m.atMost('r', [[1, x], [2, x], [-3, x]], 1);
    expect(m.constraint('r')?.columns).toEqual([]);
    expect(() => m.atMost('r', [], 1)).toThrow(MipModelError);
  });

  it('replaces the runtime after an error inside HiGHS and keeps solving', async () => {
    const m = new MipModel();
    m.maximize([[1, m.binary('x')]]);
    expect(optimal(await solveMip(m)).objective).toBe(1);
    const before = runtimeGeneration();
    // An LP text the reader rejects ends in a WebAssembly abort.
    const failed = await withHighs((highs) => highs.solve('Maximize\n obj: x +* y\nEnd\n', { output_flag: false }));
    expect(failed.ok).toBe(false);
    expect(optimal(await solveMip(m)).objective).toBe(1);
    expect(runtimeGeneration()).toBe(before + 1);
  });

  it('does not grow WebAssembly memory over repeated solves', async () => {
    // An LP of closure shape: quick to solve, and an instance left undisposed would hold over
    // 1 MB of factorisation, so even a few leaks would grow linear memory.
    const random = seeded(11);
    const m = new MipModel();
    const x = Array.from({ length: 300 }, (_, i) => m.continuous(`p${i}`, 0, 1));
    for (let i = 1; i < x.length; i++) {
      for (let k = 0; k < 3; k++) m.atMost(`dep ${i}.${k}`, [[1, x[i] as Variable], [-1, x[between(random, 0, i - 1)] as Variable]], 0);
    }
    m.maximize(x.map((v) => [between(random, -5, 8), v] as const));
    const solveBothWays = async (times: number): Promise<void> => {
      for (let i = 0; i < times; i++) expect((await solveMip(m, { input: i % 2 === 0 ? 'arrays' : 'lp-text' })).status).toBe('optimal');
    };
    await solveBothWays(20);
    const settled = await runtimeMemoryBytes();
    await solveBothWays(100);
    expect(await runtimeMemoryBytes()).toBe(settled);
  });

  it('solves 5,000 binaries under 20,000 implications exactly (checked by a max-flow oracle)', async () => {
    // Dependency-closure shape: each package needs up to 4 earlier ones, mostly base libraries.
    const random = seeded(2);
    const m = new MipModel();
    const x = Array.from({ length: 5_000 }, (_, i) => m.binary(`lib${i}:amd64`));
    const implications: [number, number][] = [];
    for (let i = 1; i < x.length; i++) {
      const deps = new Set<number>();
      while (deps.size < Math.min(4, i)) deps.add(Math.floor(random() * random() * i));
      for (const j of deps) {
        implications.push([i, j]);
        m.atMost(`lib${i} needs lib${j}`, [[1, x[i] as Variable], [-1, x[j] as Variable]], 0, { role: 'background' });
      }
    }
    const weights = x.map(() => between(random, -100, 60));
    m.maximize(x.map((v, i) => [weights[i] as number, v] as const));
    expect(m.constraints.length).toBeGreaterThanOrEqual(19_990);

    const result = optimal(await solveMip(m));
    expect(result.objective).toBe(maxClosureWeight(weights, implications));
    for (const [i, j] of implications) expect((result.values.get(`lib${i}:amd64`) as number) <= (result.values.get(`lib${j}:amd64`) as number)).toBe(true);
  });
});
