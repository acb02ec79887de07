/** The security control catalog's public surface. Pure: text in, typed catalog out; no I/O. */
export { benefitAt, mitigationAt, parseControlCatalog, profileAt } from './controls.js';
export type { ControlCatalog, ControlProfile, Mitigation, ProfileFile, ResourceSource, SecurityControl } from './controls.js';
export { checkPlaceholderValues, findPlaceholders, PLACEHOLDER_FORMATS, PLACEHOLDERS, placeholderProblem, renderProfileText } from './placeholders.js';
export type { PlaceholderFormat, PlaceholderKind, PlaceholderSpec, PlaceholderUse, PlaceholderValues, RenderResult } from './placeholders.js';
export { CATALOG_CHECK_CODES } from './checks.js';
export { CONTROL_CATALOG_SCHEMA } from './schema.js';
export { CATEGORIES, RAM_CLASS_LIMITS_MB, ramClassOf, THREAT_IDS, TIERS } from './vocabulary.js';
export type { ControlCategory, ResourceClass } from './vocabulary.js';
