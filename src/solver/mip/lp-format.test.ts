import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withHighs } from './highs-runtime.js';
import { writeLp } from './lp-format.js';
import { MipModel } from './model.js';
import { solveMip } from './solve.js';
import { between, seeded } from './testing/random.js';

function small(): MipModel {
  const m = new MipModel();
  const a = m.binary('libstdc++6');
  const b = m.binary('g++-12');
  const n = m.integer('n', -3, 7);
  const z = m.continuous('z', -Infinity, Infinity);
  const w = m.continuous('w', 2, 2);
  m.atMost('dep:g++-12->libstdc++6', [[1, b], [-1, a]], 0, { role: 'background' });
  m.between('range', [[1, n], [2, b]], -2, 4.5);
  m.equal('zdef', [[1, z], [-1, n], [1, w]], 0.5);
  m.addConstraint('free row', [[1, a]], {});
  m.atLeast('empty', [], -1);
  m.maximize([[3, a], [2, b], [-1e-7, n], [0.5, z]], -10);
  return m;
}

describe('writeLp', () => {
  it('writes the CPLEX LP dialect HiGHS reads, with safe names only', () => {
    const lp = writeLp(small());
    expect(lp.text).toBe(
      [
        'Maximize',
        ' obj: + 3 x0_libstdc__6 + 2 x1_g___12 - 1e-7 x2_n + 0.5 x3_z - 10',
        'Subject To',
        ' c0_dep_g___12__libstdc__6: - 1 x0_libstdc__6 + 1 x1_g___12 <= 0',
        ' c1_range: + 2 x1_g___12 + 1 x2_n >= -2',
        ' r1_range: + 2 x1_g___12 + 1 x2_n <= 4.5',
        ' c2_zdef: - 1 x2_n + 1 x3_z + 1 x4_w = 0.5',
        ' c4_empty: 0 x0_libstdc__6 >= -1',
        'Bounds',
        ' -3 <= x2_n <= 7',
        ' x3_z free',
        ' x4_w = 2',
        'Binaries',
        ' x0_libstdc__6 x1_g___12',
        'Generals',
        ' x2_n',
        'End',
        '',
      ].join('\n'),
    );
    // The range is two rows; the free row is left out.
    expect(lp.rowConstraints).toEqual([0, 1, 1, 2, 4]);
    expect(lp.columnNames).toEqual(['x0_libstdc__6', 'x1_g___12', 'x2_n', 'x3_z', 'x4_w']);
  });

  it('wraps long rows into short lines that still parse', async () => {
    const m = new MipModel();
    const vars = Array.from({ length: 3_000 }, (_, i) => m.binary(`python3-pkg-${i}:amd64`));
    m.atMost('at most 700', vars.map((v) => [1, v] as const), 700);
    m.maximize(vars.map((v, i) => [1 + (i % 7), v] as const));
    const lp = writeLp(m);
    expect(Math.max(...lp.text.split('\n').map((line) => line.length))).toBeLessThanOrEqual(200);
    const [viaText, viaArrays] = [await solveMip(m, { input: 'lp-text' }), await solveMip(m)];
    expect(viaText.status).toBe('optimal');
    expect(viaText.status === 'optimal' && viaArrays.status === 'optimal' && viaText.objective === viaArrays.objective).toBe(true);
  });

  it('is accepted by highs.solve(text) with the same optimum as the array route', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        const random = seeded(seed);
        const m = new MipModel();
        const vars = Array.from({ length: between(random, 1, 8) }, (_, i) => (i % 3 === 2 ? m.integer(`n${i}`, -2, 4) : m.binary(`b-${i}:all`)));
        for (let k = between(random, 0, 4); k > 0; k--) {
          const terms = vars.filter(() => random() < 0.6).map((v) => [between(random, -4, 4), v] as const);
          m.between(`row ${k}`, terms, between(random, -6, 0), between(random, 0, 6));
        }
        m.minimize(vars.map((v) => [between(random, -5, 5), v] as const));
        const legacy = await withHighs((highs) => highs.solve(writeLp(m).text, { output_flag: false }));
        const arrays = await solveMip(m);
        if (!legacy.ok) throw new Error(legacy.message);
        expect(legacy.value.Status).toBe(arrays.status === 'optimal' ? 'Optimal' : 'Infeasible');
        if (arrays.status === 'optimal') expect(legacy.value.ObjectiveValue).toBeCloseTo(arrays.objective, 6);
      }),
      { numRuns: 60 },
    );
  });

  it('can write a pure feasibility question', () => {
    expect(writeLp(small(), { objective: false }).text.split('\n')[1]).toBe(' obj:');
  });
});
