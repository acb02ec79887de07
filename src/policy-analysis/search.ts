/**
 * The search for requests one term allows and another does not, over cubes.
 *
 * Given an Allow cube A of the candidate, a request is a counterexample when it lies in A, outside
 * every candidate Deny, and outside what some `within` term allows — outside all that term's
 * Allow cubes, or inside one of its Deny cubes. `regionsOutside` subtracts a list of cubes from A
 * depth-first; each step splits on the dimensions of the cube being subtracted, so the search is
 * exact and, for real policies, small. A step budget turns pathological inputs into `unknown`.
 */
import { cubesOverlap, intersectCubes, isEmptyCube, subtractCube, type Cube } from './cube.js';
import type { OriginCube, Term } from './translate.js';

export class BudgetExceeded extends Error {
  constructor() {
    super('search budget exceeded');
    this.name = 'BudgetExceeded';
  }
}

export interface SearchBudget {
  steps: number;
}

/**
 * Non-empty pieces of `a` outside every cube of `minus`. Stops after `limit` pieces (1 when a
 * witness is all that is needed). Throws BudgetExceeded when the budget runs out.
 */
export function regionsOutside(a: Cube, minus: readonly Cube[], limit: number, budget: SearchBudget): Cube[] {
  const out: Cube[] = [];
  if (isEmptyCube(a)) return out;
  // Pieces of `a` lie inside `a`: a cube that misses `a` misses every piece, so test each once
  // here instead of at every step (most cubes of a policy are about other services).
  const relevant = minus.filter((b) => cubesOverlap(a, b));
  const walk = (c: Cube, from: number): void => {
    if (out.length >= limit) return;
    if (--budget.steps < 0) throw new BudgetExceeded();
    for (let i = from; i < relevant.length; i++) {
      const b = relevant[i] as Cube;
      if (!cubesOverlap(c, b)) continue;
      for (const piece of subtractCube(c, b)) walk(piece, i + 1);
      return;
    }
    out.push(c);
  };
  walk(a, 0);
  return out;
}

export interface Finding {
  readonly region: Cube;
  /** The candidate Allow statement the region comes from. */
  readonly from: OriginCube;
  /** Which `within` term refuses it, and whether by lacking an Allow or by a Deny. */
  readonly term: number;
  readonly deniedBy?: OriginCube;
}

/** Regions the candidate allows and the `within` terms (all of which must allow) do not. */
export function newAccess(candidate: Term, within: readonly Term[], limit: number, budget: SearchBudget): Finding[] {
  const found: Finding[] = [];
  const candidateDenies = candidate.denies.map((d) => d.cube);
  for (const from of candidate.allows) {
    for (let t = 0; t < within.length && found.length < limit; t++) {
      const term = within[t] as Term;
      for (const region of regionsOutside(from.cube, [...candidateDenies, ...term.allows.map((a) => a.cube)], limit - found.length, budget)) {
        found.push({ region, from, term: t });
      }
      for (const deny of term.denies) {
        if (found.length >= limit) break;
        const inside = intersectCubes(from.cube, deny.cube);
        for (const region of regionsOutside(inside, candidateDenies, limit - found.length, budget)) found.push({ region, from, term: t, deniedBy: deny });
      }
    }
    if (found.length >= limit) break;
  }
  return found;
}
