/**
 * Why is a model infeasible? An irreducible infeasible subset (IIS) of its *policy* constraints:
 * together with every background constraint (and the variables' bounds and integrality) they
 * admit no solution, and dropping any one of them makes the rest feasible.
 *
 * Two phases, all solves on one HiGHS instance whose rows are switched on and off by changing
 * their bounds (no model is rebuilt between solves):
 *
 * 1. Elastic filter (Chinneck): every policy row gets slack columns and the solver minimises the
 *    total slack. Rows left with positive slack are made firm and the solve repeats, until the
 *    firm rows (with the background) are infeasible on their own. Each round makes at least one
 *    row firm, and in practice the firm set is close to the final answer after a few rounds.
 *    The first round also settles whether the model is feasible at all, and whether the
 *    background alone is infeasible (then no policy can be blamed).
 * 2. QuickXplain (Junker 2004) over the firm rows: a divide-and-conquer deletion filter that
 *    needs O(k·log(n/k)) feasibility solves for a conflict of k among n candidates, against n
 *    for dropping one row at a time.
 *
 * HiGHS has its own `getIis()`, but it has no notion of background rows and for a MIP it works
 * on the LP relaxation: for binaries with x + y = 1 and x − y = 0 (infeasible only for integers)
 * its default strategy finds nothing and the others return unproven "maybe" rows.
 *
 * Variable bounds count as background. A policy that fixes or limits a variable should be a
 * named constraint (`atLeast('pin:openssh', [[1, x]], 1)`) so that an explanation can name it.
 */
import type { Highs, Model as HighsModel } from 'highs';
import { withHighs } from './highs-runtime.js';
import type { Constraint, MipModel } from './model.js';
import { toModelData } from './model-data.js';

export interface ExplainOptions {
  /** Budget in seconds for all the solves together (default 30); beyond it the result is an error. */
  readonly timeLimitSeconds?: number;
  /** Shrink the candidates with the elastic filter before QuickXplain (default true). */
  readonly elasticFilter?: boolean;
}

export interface ExplainStats {
  /** HiGHS solves run, elastic rounds included. */
  readonly solves: number;
  readonly elasticRounds: number;
  /** Policy constraints QuickXplain started from. */
  readonly candidates: number;
  readonly totalMs: number;
}

export type ExplanationOutcome =
  /** The names of an irreducible set of clashing policy constraints, in model order. */
  | { readonly status: 'conflict'; readonly constraints: readonly string[] }
  | { readonly status: 'feasible' }
  /** The background constraints clash by themselves; no policy is to blame. */
  | { readonly status: 'background-infeasible' }
  | { readonly status: 'error'; readonly message: string };

export type Explanation = ExplanationOutcome & { readonly stats: ExplainStats };

const DEFAULT_BUDGET_SECONDS = 30;
/** Slack above this counts as a violation (HiGHS's primal feasibility tolerance is 1e-7). */
const SLACK_TOLERANCE = 1e-6;

export async function explainInfeasibility(model: MipModel, options: ExplainOptions = {}): Promise<Explanation> {
  const started = performance.now();
  const budget = options.timeLimitSeconds ?? DEFAULT_BUDGET_SECONDS;
  const stats = { solves: 0, elasticRounds: 0, candidates: 0, totalMs: 0 };
  const finish = (result: ExplanationOutcome): Explanation => ({ ...result, stats: { ...stats, totalMs: performance.now() - started } });
  if (!(Number.isFinite(budget) && budget > 0)) return finish({ status: 'error', message: `timeLimitSeconds must be a positive number of seconds, not ${budget}` });
  if (model.variables.length === 0) return finish(explainEmpty(model));

  const attempt = await withHighs((highs) => {
    const probe = new Probe(highs, model, started + budget * 1000, stats);
    try {
      return explainWith(probe, model, options.elasticFilter !== false, stats);
    } catch (error) {
      if (error instanceof ProbeStopped) return { status: 'error', message: error.message } as const;
      throw error;
    } finally {
      probe.dispose();
    }
  });
  return finish(attempt.ok ? attempt.value : { status: 'error', message: attempt.message });
}

function explainWith(probe: Probe, model: MipModel, elastic: boolean, stats: { candidates: number }): ExplanationOutcome {
  let candidates: number[];
  if (elastic) {
    const filtered = probe.elasticFilter();
    if (filtered === 'feasible' || filtered === 'background-infeasible') return { status: filtered };
    candidates = filtered;
  } else {
    if (probe.feasible(probe.candidates)) return { status: 'feasible' };
    if (!probe.feasible([])) return { status: 'background-infeasible' };
    candidates = probe.candidates;
  }
  stats.candidates = candidates.length;
  const conflict = quickXplain(probe, [], false, candidates).sort((a, b) => a - b);
  return { status: 'conflict', constraints: conflict.map((row) => (model.constraints[row] as Constraint).name) };
}

/**
 * Junker's QuickXplain. Precondition: background ∪ `base` ∪ `candidates` is infeasible.
 * Returns a minimal subset of `candidates` that is infeasible together with `base`.
 */
function quickXplain(probe: Probe, base: readonly number[], baseGrew: boolean, candidates: readonly number[]): number[] {
  if (baseGrew && !probe.feasible(base)) return [];
  if (candidates.length === 1) return [...candidates];
  const half = candidates.length >> 1;
  const first = candidates.slice(0, half);
  const second = candidates.slice(half);
  const fromSecond = quickXplain(probe, [...base, ...first], first.length > 0, second);
  const fromFirst = quickXplain(probe, [...base, ...fromSecond], fromSecond.length > 0, first);
  return [...fromFirst, ...fromSecond];
}

class ProbeStopped extends Error {}

/**
 * One HiGHS instance holding the model with a zero objective plus, for each policy row, slack
 * columns (fixed at 0 unless the row is elastic). Policy rows are switched off by giving them
 * infinite bounds, so every question is a bound change and a run.
 */
class Probe {
  readonly candidates: number[];
  readonly #highs: Highs;
  readonly #solver: HighsModel;
  readonly #model: MipModel;
  readonly #deadline: number;
  readonly #stats: { solves: number; elasticRounds: number };
  /** Slack columns of each candidate row. */
  readonly #slacks = new Map<number, number[]>();
  /** Candidate rows currently switched on. */
  #on: Set<number>;

  constructor(highs: Highs, model: MipModel, deadline: number, stats: { solves: number; elasticRounds: number }) {
    this.#highs = highs;
    this.#model = model;
    this.#deadline = deadline;
    this.#stats = stats;
    // A row without bounds can never take part in a conflict.
    this.candidates = model.constraints.filter((c) => c.role === 'policy' && (c.lower !== -Infinity || c.upper !== Infinity)).map((c) => c.index);
    this.#on = new Set(this.candidates);
    this.#solver = highs.createModel();
    try {
      this.#solver.options.set({ output_flag: false });
      this.#solver.passModel({ ...toModelData(model, highs, { objective: false }), sense: highs.constants.objectiveSense.minimize });
      this.#addSlacks();
    } catch (error) {
      this.#solver.dispose();
      throw error;
    }
  }

  dispose(): void {
    this.#solver.dispose();
  }

  /** Whether the background plus the candidate rows `on` (and no other candidate) is feasible. */
  feasible(on: readonly number[]): boolean {
    this.#switch(new Set(on));
    this.#setElastic(new Set());
    const verdict = this.#run();
    if (verdict === 'optimal') return true;
    if (verdict === 'infeasible') return false;
    throw new ProbeStopped(`a feasibility check ended with HiGHS status "${verdict}" after ${this.#stats.solves} solves`);
  }

  /** The firm rows once background + firm rows are infeasible, or what the first round showed. */
  elasticFilter(): number[] | 'feasible' | 'background-infeasible' {
    this.#switch(new Set(this.candidates));
    const elastic = new Set(this.candidates);
    const firm: number[] = [];
    for (;;) {
      this.#setElastic(elastic);
      this.#stats.elasticRounds++;
      const verdict = this.#run();
      if (verdict === 'infeasible') return firm.length === 0 ? 'background-infeasible' : firm;
      if (verdict !== 'optimal') throw new ProbeStopped(`an elastic solve ended with HiGHS status "${verdict}" after ${this.#stats.solves} solves`);
      const values = this.#solver.getSolution().colValue;
      const violated = [...elastic].filter((row) => (this.#slacks.get(row) ?? []).some((col) => (values[col] as number) > SLACK_TOLERANCE));
      // A solution that meets every row (the firm ones enforced, the elastic ones without slack)
      // shows the whole set feasible, even after rows were made firm: HiGHS can end a round at an
      // incumbent that carries slack it did not need (seen on a random model: slack 1 on a row
      // the next round met at the same point), so a row made firm is not proof of a conflict.
      if (violated.length === 0) return 'feasible';
      for (const row of violated) {
        elastic.delete(row);
        firm.push(row);
      }
    }
  }

  /** Slack `s ≥ 0` enters a row's upper side with −1 and its lower side with +1. */
  #addSlacks(): void {
    const indices: number[] = [];
    const values: number[] = [];
    let column = this.#model.variables.length;
    for (const row of this.candidates) {
      const c = this.#model.constraints[row] as Constraint;
      const own: number[] = [];
      if (c.lower !== -Infinity) {
        indices.push(row);
        values.push(1);
        own.push(column++);
      }
      if (c.upper !== Infinity) {
        indices.push(row);
        values.push(-1);
        own.push(column++);
      }
      this.#slacks.set(row, own);
    }
    const count = indices.length;
    if (count === 0) return;
    this.#solver.addCols({
      cost: new Float64Array(count).fill(1),
      lower: new Float64Array(count),
      upper: new Float64Array(count),
      matrix: { format: 'csc', numRows: this.#model.constraints.length, numCols: count, starts: Int32Array.from({ length: count + 1 }, (_, k) => k), indices: Int32Array.from(indices), values: Float64Array.from(values) },
    });
  }

  /** Changes the bounds of the candidate rows whose on/off state differs from `on`. */
  #switch(on: Set<number>): void {
    const changed = this.candidates.filter((row) => on.has(row) !== this.#on.has(row));
    this.#on = on;
    if (changed.length === 0) return;
    const lower = changed.map((row) => (on.has(row) ? (this.#model.constraints[row] as Constraint).lower : -Infinity));
    const upper = changed.map((row) => (on.has(row) ? (this.#model.constraints[row] as Constraint).upper : Infinity));
    this.#solver.changeRowsBounds({ kind: 'set', indices: changed }, lower, upper);
  }

  #setElastic(elastic: Set<number>): void {
    const columns: number[] = [];
    const upper: number[] = [];
    for (const row of this.candidates) {
      for (const col of this.#slacks.get(row) ?? []) {
        columns.push(col);
        upper.push(elastic.has(row) ? Infinity : 0);
      }
    }
    if (columns.length > 0) this.#solver.changeColsBounds({ kind: 'set', indices: columns }, new Float64Array(columns.length), upper);
  }

  #run(): 'optimal' | 'infeasible' | string {
    const remaining = (this.#deadline - performance.now()) / 1000;
    if (remaining <= 0) throw new ProbeStopped(`the time budget ran out after ${this.#stats.solves} solves`);
    // time_limit counts the instance's accumulated run time, so the clock restarts each run.
    this.#solver.zeroAllClocks();
    this.#solver.options.set({ time_limit: remaining });
    this.#stats.solves++;
    const code = this.#solver.run().modelStatus;
    const s = this.#highs.constants.modelStatus;
    // The objective is bounded below by 0, so "infeasible or unbounded" can only mean infeasible.
    if (code === s.infeasible || code === s.unboundedOrInfeasible) return 'infeasible';
    if (code === s.optimal) return 'optimal';
    return Object.entries(s).find(([, value]) => value === code)?.[0] ?? String(code);
  }
}

/** Without variables each row is a fixed truth: 0 lies within its bounds or not. */
function explainEmpty(model: MipModel): ExplanationOutcome {
  const excludesZero = (c: Constraint): boolean => !(c.lower <= 0 && 0 <= c.upper);
  if (model.constraints.some((c) => c.role === 'background' && excludesZero(c))) return { status: 'background-infeasible' };
  const clash = model.constraints.find((c) => c.role === 'policy' && excludesZero(c));
  return clash === undefined ? { status: 'feasible' } : { status: 'conflict', constraints: [clash.name] };
}
