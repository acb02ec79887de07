/**
 * Defense in depth: controls against the same threat are independent layers, so the share of a
 * threat left after a set of controls is Π (1 − strength_k), and the share removed is
 * 1 − Π (1 − strength_k). Two 50 % layers remove 75 %, not 100 %; a third adds less again.
 *
 * In the program this is linear in the logarithm: L = Σ_k ln(1 − strength_k) · x_k, and the
 * share removed, 1 − e^L, is concave in L. Maximizing a concave function, it is enough to bound
 * it by tangent lines at a grid of points (an outer approximation): exact at the grid points,
 * over by at most APPROXIMATION_ERROR between them.
 */

/** Strengths are capped so that ln(1 − s) stays finite: no control removes a threat entirely. */
export const MAX_STRENGTH = 0.99;

/** Tangent points for L = ln(residual share), from nothing removed (0) to 99 % removed. */
export const TANGENT_POINTS: readonly number[] = [0, -0.02, -0.05, -0.1, -0.15, -0.22, -0.3, -0.4, -0.5, -0.65, -0.8, -1, -1.25, -1.5, -1.8, -2.2, -2.7, -3.3, -4, -4.61];

/** The largest overestimate of the share removed between two tangent points (checked by a test). */
export const APPROXIMATION_ERROR = 0.005;

export const logResidual = (strength: number): number => Math.log(1 - Math.min(strength, MAX_STRENGTH));

/** The exact share of a threat removed by layers of these strengths. */
export function removedShare(strengths: readonly number[]): number {
  return 1 - strengths.reduce((left, s) => left * (1 - Math.min(s, MAX_STRENGTH)), 1);
}

/** The tangent of 1 − e^L at L0, as [slope, intercept]: removed ≤ slope·L + intercept. */
export function tangentAt(l0: number): readonly [number, number] {
  const e = Math.exp(l0);
  return [-e, 1 - e + e * l0];
}
