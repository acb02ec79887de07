/** Public surface of effective permissions (re-exported by the policy-analysis module). */
export type { AccessLevel, ActionEntry, ConditionSummary, Coverage, DeniedAction, DenyEntry, EffectivePermissions, Grant, LevelCounts, PolicySide, ResourceScope, ServiceEffective, ServiceRisk, StatementOrigin } from './types.js';
export { ACCESS_LEVELS, classifyAccessLevel } from './types.js';
export type { EffectiveInput } from './statements.js';
export type { EffectiveOptions } from './effective.js';
export { allEntries, effectivePermissions } from './effective.js';
export { WHAT_IF_PRINCIPAL } from './conditions.js';
export { allowsResource } from './query.js';
export { scopeMatches, scopesCover, scopesOverlap } from './resources.js';
export type { ChangedAction, EffectiveDiff } from './diff.js';
export { diffEffective } from './diff.js';
export type { NamedContext, WhatIfCell, WhatIfColumn, WhatIfMatrix, WhatIfRow } from './what-if.js';
export { whatIfMatrix } from './what-if.js';
export { formatEffective } from './format.js';
export { formatDiff, formatWhatIf } from './format-diff.js';
