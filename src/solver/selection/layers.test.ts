import { describe, expect, it } from 'vitest';
import { APPROXIMATION_ERROR, logResidual, removedShare, TANGENT_POINTS, tangentAt } from './layers.js';

describe('independent layers', () => {
  it('removes 1 − Π(1 − s): two 50 % layers remove 75 %', () => {
    expect(removedShare([0.5, 0.5])).toBeCloseTo(0.75, 12);
    expect(removedShare([])).toBe(0);
    expect(removedShare([1])).toBeCloseTo(0.99, 12);
    expect(Math.exp(logResidual(0.5) + logResidual(0.5))).toBeCloseTo(0.25, 12);
  });

  it('is bounded by the tangents from above, and by at most APPROXIMATION_ERROR over the whole range', () => {
    let worst = 0;
    for (let l = TANGENT_POINTS.at(-1)!; l <= 0; l += 0.0005) {
      const exact = 1 - Math.exp(l);
      const bound = Math.min(...TANGENT_POINTS.map((l0) => {
        const [slope, intercept] = tangentAt(l0);
        return slope * l + intercept;
      }));
      expect(bound).toBeGreaterThanOrEqual(exact - 1e-12);
      worst = Math.max(worst, bound - exact);
    }
    expect(worst).toBeLessThanOrEqual(APPROXIMATION_ERROR);
    expect(worst).toBeGreaterThan(0);
  });
});
