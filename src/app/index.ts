/** Use cases that combine the engines with the store and the outside world. */
export { diffSnapshots, importFeed, loadIntel } from './intel.js';
export type { ImportResult } from './intel.js';
export { canonicalJson, controlOptions, planDigest, planImage, PLAN_FORMAT } from './plan.js';
export type { ImagePlan, PlanInputs, PlanSource } from './plan.js';
export { CONTROLS_DIR, loadControlCatalog } from './controls.js';
export type { LoadedControlCatalog } from './controls.js';
