/** The mixed-integer programming layer over HiGHS (the `highs` WebAssembly package). Pure: no I/O. */
export { MAX_MAGNITUDE, MipModel, MipModelError } from './model.js';
export type { Constraint, ConstraintOptions, ConstraintRole, Objective, ObjectiveSense, Term, Variable, VariableKind } from './model.js';
export { writeLp } from './lp-format.js';
export type { LpText, LpWriteOptions } from './lp-format.js';
export { isLpSafeName, lpName, parseLpName } from './names.js';
export type { LpNameKind } from './names.js';
export { objectiveAt, solveMip } from './solve.js';
export type { MipOutcome, MipResult, MipSolveOptions, MipStatus, SolveTiming } from './solve.js';
export { explainInfeasibility } from './infeasibility.js';
export type { ExplainOptions, ExplainStats, Explanation, ExplanationOutcome } from './infeasibility.js';
