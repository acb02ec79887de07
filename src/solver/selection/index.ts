/** Component selection: security controls chosen by risk-weighted benefit against cost, under policy. */
export { DEFAULT_COST_WEIGHTS, selectComponents } from './select.js';
export { checkSelectionPolicy, namePattern } from './policy.js';
export { chooseBuilds, DEFAULT_PREFER_SECURITY_FROM } from './security-builds.js';
export type { BuildChoice } from './security-builds.js';
export type { ControlOption, CostClass, CostWeights, PackageReason, PlannedFile, PlannedPackage, RejectedControl, SelectedControl, Selection, SelectionDiagnostic, SelectionInput, SelectionNote, SelectionPolicy, SelectionResult } from './types.js';
