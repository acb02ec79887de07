/**
 * An oracle independent of HiGHS: enumerate every assignment of a model whose variables are all
 * binary or small-range integers, evaluating rows and objective directly from the model's data.
 */
import type { Constraint, MipModel } from '../model.js';

export type BruteForce = { readonly feasible: false } | { readonly feasible: true; readonly best: number; readonly assignment: readonly number[] };

const LIMIT = 1 << 20;

/** The optimum over all assignments (ignoring `skip`ped constraints), exhaustively. */
export function bruteForce(model: MipModel, skip: (c: Constraint) => boolean = () => false): BruteForce {
  const ranges = model.variables.map((v) => {
    if (v.kind === 'continuous' || !Number.isFinite(v.lower) || !Number.isFinite(v.upper)) throw new Error(`cannot enumerate ${v.name}`);
    return [Math.ceil(v.lower), Math.floor(v.upper)] as const;
  });
  const count = ranges.reduce((n, [lo, hi]) => n * (hi - lo + 1), 1);
  if (count > LIMIT) throw new Error(`${count} assignments are too many to enumerate`);
  const rows = model.constraints.filter((c) => !skip(c));
  const o = model.objective;
  const sign = o.sense === 'maximize' ? 1 : -1;
  const x = ranges.map(([lo]) => lo);
  let best: { value: number; assignment: number[] } | undefined;
  for (let k = 0; k < count; k++) {
    let rest = k;
    ranges.forEach(([lo, hi], i) => {
      const width = hi - lo + 1;
      x[i] = lo + (rest % width);
      rest = Math.floor(rest / width);
    });
    if (!rows.every((c) => holds(c, x))) continue;
    const value = o.offset + o.columns.reduce((sum, col, t) => sum + (o.coefficients[t] as number) * (x[col] as number), 0);
    if (best === undefined || sign * value > sign * best.value + 1e-9) best = { value, assignment: [...x] };
  }
  return best === undefined ? { feasible: false } : { feasible: true, best: best.value, assignment: best.assignment };
}

export function holds(c: Constraint, x: readonly number[]): boolean {
  const activity = c.columns.reduce((sum, col, t) => sum + (c.coefficients[t] as number) * (x[col] as number), 0);
  return activity >= c.lower - 1e-9 && activity <= c.upper + 1e-9;
}
