import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MipModel, type Variable } from './model.js';
import { isLpSafeName, lpName, parseLpName } from './names.js';
import { solveMip } from './solve.js';

/** Names chosen to break LP readers and plain-object lookups, plus arbitrary code units. */
const hostile = fc.oneof(
  fc.constantFrom('libstdc++6', 'g++-12', 'libc6:amd64', 'a/b', 'f[1]', 'x^2', 'a*b', 'a<=b', 'a=b', '1abc', '.hidden', 'e1', 'E2', 'inf', 'free', 'st', 'bin', 'end', 'Subject To', '', ' ', '\n', '\\ comment', '__proto__', 'constructor', 'obj', 'x0_', 'c0_', '名前', '😀', 'x'.repeat(600)),
  fc.string({ unit: 'binary', maxLength: 30 }),
);

describe('LP-safe names', () => {
  it('are safe, short, distinct and lead back to their position for any original name', () => {
    fc.assert(
      fc.property(fc.uniqueArray(hostile, { maxLength: 40 }), fc.constantFrom('x', 'c', 'r' as const), (names, kind) => {
        const safe = names.map((name, i) => lpName(kind, i, name));
        expect(new Set(safe).size).toBe(names.length);
        safe.forEach((s, i) => {
          expect(isLpSafeName(s)).toBe(true);
          expect(s.length).toBeLessThanOrEqual(52);
          expect(parseLpName(s)).toEqual({ kind, index: i });
        });
      }),
      { numRuns: 2_000 },
    );
  });

  it('keep a readable hint', () => {
    expect(lpName('x', 12, 'libstdc++6')).toBe('x12_libstdc__6');
    expect(lpName('c', 3, 'libc6:amd64')).toBe('c3_libc6_amd64');
    expect(parseLpName('x12')).toBeUndefined();
    expect(parseLpName('y1_a')).toBeUndefined();
    expect(parseLpName('x01_a')).toBeUndefined();
  });

  it('round-trip through HiGHS: a model with hostile names solves by LP text with values under the original names', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(hostile, { minLength: 1, maxLength: 12 }), fc.array(fc.integer({ min: -5, max: 9 }), { minLength: 12, maxLength: 12 }), async (names, weights) => {
        const model = new MipModel();
        const vars = names.map((name) => model.binary(name));
        // Constraint names are hostile too; at most half the variables may be chosen.
        model.atMost(names[0] as string, vars.map((v) => [1, v] as const), Math.floor(vars.length / 2));
        model.maximize(vars.map((v, i) => [weights[i] as number, v] as const));
        const viaText = await solveMip(model, { input: 'lp-text' });
        const viaArrays = await solveMip(model);
        if (viaText.status !== 'optimal' || viaArrays.status !== 'optimal') throw new Error(`not optimal: ${viaText.status}, ${viaArrays.status}`);
        expect([...viaText.values.keys()]).toEqual(names);
        expect(viaText.objective).toBe(viaArrays.objective);
        const picked = vars.filter((v: Variable) => viaText.values.get(v.name) === 1);
        expect(picked.length).toBeLessThanOrEqual(Math.floor(vars.length / 2));
      }),
      { numRuns: 40 },
    );
  });
});
