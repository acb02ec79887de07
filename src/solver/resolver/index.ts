/** Dependency resolution over a package universe: apt's choices, a complete search, minimal clashes. */
export { DEFAULT_RESOLVE_OPTIONS, describeRule, parseRootSpec, resolve } from './resolve.js';
export type { Resolution, ResolveDiagnostic, ResolvedPackage, ResolveOptions, ResolveStats, RootRequest, Why } from './resolve.js';
export type { Rule } from './problem.js';
export { solveSat } from './sat.js';
export type { Goal, SatProblem, SatResult } from './sat.js';
export { clashesWithin } from './clashes.js';
export type { Clash } from './clashes.js';
