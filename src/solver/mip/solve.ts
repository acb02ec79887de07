/**
 * Solving a `MipModel` with HiGHS. Every outcome is a value: optimal, infeasible, unbounded,
 * time-limit (with the incumbent when there is one) or error with a message; nothing throws.
 *
 * Two routes into HiGHS give the same answers: structured arrays (`model-data.ts`, the default
 * and the faster) and CPLEX LP text (`lp-format.ts`). Tests solve random models both ways.
 */
import type { Highs, Model as HighsModel } from 'highs';
import { withHighs } from './highs-runtime.js';
import { writeLp } from './lp-format.js';
import type { MipModel } from './model.js';
import { toModelData } from './model-data.js';
import { parseLpName } from './names.js';

export interface MipSolveOptions {
  /** Wall-clock limit for HiGHS in seconds; on reaching it the result is `time-limit`. */
  readonly timeLimitSeconds?: number;
  /** Relative gap between incumbent and bound at which a MIP counts as optimal (HiGHS default 1e-4). */
  readonly mipRelGap?: number;
  /** `arrays` (default): structured input. `lp-text`: CPLEX LP text through HiGHS's reader. */
  readonly input?: 'arrays' | 'lp-text';
}

export interface SolveTiming {
  /** Everything, including waiting for the WebAssembly module on first use. */
  readonly totalMs: number;
  /** Building the arrays or the LP text. */
  readonly prepareMs: number;
  /** Inside HiGHS: passing or parsing the model, solving, reading the solution back. */
  readonly solverMs: number;
}

/** The outcome of a solve; `values` are keyed by the model's own variable names. */
export type MipOutcome =
  | { readonly status: 'optimal'; readonly objective: number; readonly values: ReadonlyMap<string, number>; readonly gap: number }
  | { readonly status: 'time-limit'; readonly objective?: number; readonly values?: ReadonlyMap<string, number> }
  | { readonly status: 'infeasible' }
  | { readonly status: 'unbounded' }
  | { readonly status: 'error'; readonly message: string };

export type MipResult = MipOutcome & { readonly timing: SolveTiming };

export type MipStatus = MipOutcome['status'];

/** What HiGHS reported, in our words; `undecided` is its "infeasible or unbounded". */
type Verdict = 'optimal' | 'infeasible' | 'unbounded' | 'undecided' | 'time-limit' | { readonly other: string };

export async function solveMip(model: MipModel, options: MipSolveOptions = {}): Promise<MipResult> {
  const started = performance.now();
  const problem = checkOptions(options);
  if (problem !== undefined) return { status: 'error', message: problem, timing: { totalMs: 0, prepareMs: 0, solverMs: 0 } };
  if (model.variables.length === 0) return withTiming(solveEmpty(model), started, 0, 0);
  const attempt = await withHighs((highs) => solveWith(highs, model, options));
  if (!attempt.ok) return withTiming({ status: 'error', message: attempt.message }, started, 0, 0);
  return withTiming(attempt.value.outcome, started, attempt.value.prepareMs, attempt.value.solverMs);
}

/** HiGHS options shared by every solve; `output_flag: false` also saves formatting its log. */
function highsOptions(options: Pick<MipSolveOptions, 'timeLimitSeconds' | 'mipRelGap'>): Record<string, number | boolean> {
  const set: Record<string, number | boolean> = { output_flag: false };
  if (options.timeLimitSeconds !== undefined) set['time_limit'] = options.timeLimitSeconds;
  if (options.mipRelGap !== undefined) set['mip_rel_gap'] = options.mipRelGap;
  return set;
}

interface Timed {
  readonly outcome: MipOutcome;
  readonly prepareMs: number;
  readonly solverMs: number;
}

/** How a model enters a HiGHS instance, and how HiGHS's column order maps to the model's. */
interface Loader {
  load(solver: HighsModel): void;
  /** `order[j]` is the model index of HiGHS column `j`. */
  order(solver: HighsModel): Int32Array | undefined;
}

function arraysLoader(highs: Highs, model: MipModel): Loader {
  const data = toModelData(model, highs);
  return { load: (solver) => void solver.passModel(data), order: () => undefined };
}

/** HiGHS numbers LP-text columns by first appearance; our names carry the model index. */
function lpTextLoader(model: MipModel): Loader {
  const text = writeLp(model).text;
  return {
    load: (solver) => void solver.readModel({ format: 'lp', data: text }),
    order(solver) {
      const order = new Int32Array(model.variables.length);
      for (let j = 0; j < order.length; j++) {
        const name = solver.getColName(j);
        const parsed = parseLpName(name);
        if (parsed?.kind !== 'x' || parsed.index >= order.length) throw new Error(`HiGHS returned an unknown column name ${JSON.stringify(name)}`);
        order[j] = parsed.index;
      }
      return order;
    },
  };
}

function solveWith(highs: Highs, model: MipModel, options: MipSolveOptions): Timed {
  const t0 = performance.now();
  const loader = options.input === 'lp-text' ? lpTextLoader(model) : arraysLoader(highs, model);
  const t1 = performance.now();
  const solver = highs.createModel();
  try {
    solver.options.set(highsOptions(options));
    loader.load(solver);
    const numCols = solver.getDimensions().numCols;
    if (numCols !== model.variables.length) throw new Error(`HiGHS read ${numCols} columns, the model has ${model.variables.length}`);
    let verdict = verdictOf(highs, solver.run().modelStatus);
    if (verdict === 'undecided') {
      // Presolve could not tell the two apart. With a zero objective the question is pure
      // feasibility: a feasible point means the original objective was unbounded.
      solver.changeColsCost({ kind: 'range', from: 0, to: numCols - 1 }, new Float64Array(numCols));
      const again = verdictOf(highs, solver.run().modelStatus);
      verdict = again === 'optimal' ? 'unbounded' : again;
    }
    let colValue: Float64Array | undefined;
    const feasible = solver.info.get('primal_solution_status') === highs.constants.solutionStatus.feasible;
    if (feasible && (verdict === 'optimal' || verdict === 'time-limit')) colValue = inModelOrder(solver.getSolution().colValue, loader.order(solver));
    const gap = hasIntegers(model) ? Number(solver.info.get('mip_gap')) : 0;
    return { outcome: outcomeOf(model, verdict, colValue, gap), prepareMs: t1 - t0, solverMs: performance.now() - t1 };
  } finally {
    solver.dispose();
  }
}

function inModelOrder(values: Float64Array, order: Int32Array | undefined): Float64Array {
  if (order === undefined) return values;
  const out = new Float64Array(values.length);
  order.forEach((index, j) => (out[index] = values[j] as number));
  return out;
}

function outcomeOf(model: MipModel, verdict: Verdict, colValue: Float64Array | undefined, gap: number): MipOutcome {
  if (verdict === 'infeasible' || verdict === 'unbounded') return { status: verdict };
  if (verdict === 'optimal') {
    if (colValue === undefined) return { status: 'error', message: 'HiGHS reported an optimum but returned no primal solution' };
    return { status: 'optimal', ...solutionOf(model, colValue), gap };
  }
  if (verdict === 'time-limit') return colValue === undefined ? { status: 'time-limit' } : { status: 'time-limit', ...solutionOf(model, colValue) };
  if (verdict === 'undecided') return { status: 'error', message: 'HiGHS could not decide between infeasible and unbounded' };
  return { status: 'error', message: `HiGHS stopped with status "${verdict.other}"` };
}

/**
 * Values by original name, integer variables rounded (HiGHS returns them within its integrality
 * tolerance, e.g. 0.9999999), and the objective recomputed from exactly those values.
 */
function solutionOf(model: MipModel, colValue: Float64Array): { objective: number; values: ReadonlyMap<string, number> } {
  const values = new Map<string, number>();
  const rounded = new Float64Array(colValue.length);
  for (const v of model.variables) {
    const raw = colValue[v.index] as number;
    // `+ 0` turns the -0 that rounding a tiny negative gives into 0.
    const value = v.kind === 'continuous' ? raw : Math.round(raw) + 0;
    rounded[v.index] = value;
    values.set(v.name, value);
  }
  return { objective: objectiveAt(model, rounded), values };
}

export function objectiveAt(model: MipModel, colValue: ArrayLike<number>): number {
  const o = model.objective;
  let sum = o.offset;
  for (let k = 0; k < o.columns.length; k++) sum += (o.coefficients[k] as number) * (colValue[o.columns[k] as number] as number);
  return sum;
}

/** A model without variables: feasible exactly when every row admits 0. */
function solveEmpty(model: MipModel): MipOutcome {
  const feasible = model.constraints.every((c) => c.lower <= 0 && 0 <= c.upper);
  return feasible ? { status: 'optimal', objective: model.objective.offset, values: new Map(), gap: 0 } : { status: 'infeasible' };
}

function verdictOf(highs: Highs, code: number): Verdict {
  const s = highs.constants.modelStatus;
  switch (code) {
    case s.optimal:
      return 'optimal';
    case s.infeasible:
      return 'infeasible';
    case s.unbounded:
      return 'unbounded';
    case s.unboundedOrInfeasible:
      return 'undecided';
    case s.timeLimit:
      return 'time-limit';
    default:
      return { other: Object.entries(s).find(([, value]) => value === code)?.[0] ?? String(code) };
  }
}

function hasIntegers(model: MipModel): boolean {
  return model.variables.some((v) => v.kind !== 'continuous');
}

function checkOptions(options: MipSolveOptions): string | undefined {
  const t = options.timeLimitSeconds;
  if (t !== undefined && !(Number.isFinite(t) && t > 0)) return `timeLimitSeconds must be a positive number of seconds, not ${t}`;
  const g = options.mipRelGap;
  if (g !== undefined && !(Number.isFinite(g) && g >= 0)) return `mipRelGap must be a non-negative number, not ${g}`;
  return undefined;
}

function withTiming(outcome: MipOutcome, started: number, prepareMs: number, solverMs: number): MipResult {
  return { ...outcome, timing: { totalMs: performance.now() - started, prepareMs, solverMs } };
}
