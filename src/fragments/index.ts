/** Public surface of the fragments module: model, lifecycle, content hashes, the store port and its in-memory adapter. */
export type { FragmentContent, FragmentRef, FragmentStatus, FragmentVersion, ParameterSpec, RequiredCondition, StatusChange, SynthesisSignature } from './model.js';
export { FRAGMENT_STATUSES, formatRef, parseRef } from './model.js';
export type { LifecycleAction } from './lifecycle.js';
export { transition, usability } from './lifecycle.js';
export { canonicalJson, contentHash } from './canonical.js';
export type { Actor, FragmentQuery, FragmentSearchResult, FragmentStore } from './store-port.js';
export type { FragmentStoreErrorCode } from './store-errors.js';
export {
  CorruptFragmentStoreError,
  FragmentExistsError,
  FragmentNotFoundError,
  FragmentStoreError,
  FragmentStoreFailureError,
  FragmentUnchangedError,
  InvalidQueryError,
  InvalidTransitionError,
  StaleStatusError,
  StoreClosedError,
} from './store-errors.js';
export { actionPatternsIntersect } from './action-match.js';
export { MemoryFragmentStore, createMemoryFragmentStore } from './memory-store.js';
// For store adapters, so that every adapter derives, filters and checks alike.
export type { ActionIndexEntry } from './version-index.js';
export { ANY_SERVICE, actionIndexEntries, actionService, deriveActions, normalizeContent, searchText } from './version-index.js';
export type { NormalizedQuery, Searchable } from './store-rules.js';
export { MAX_QUERY_PATTERN, matchesAction, matchesQuery, normalizeQuery, page, planTransition } from './store-rules.js';
// Fragment definitions, binding and synthesis (pure).
export { FRAGMENT_CHECKS, fragmentDiagnostic, hasFragmentErrors, type FragmentDiagnostic, type FragmentDiagnosticCode } from './fragment-diagnostics.js';
export { validateFragment } from './validate-fragment.js';
export { bindFragment, parameterProblem, type Bound } from './bind.js';
export { checkSignatures } from './signatures.js';
export { MANAGED_POLICY_LIMIT, mergeStatements, splitIntoPolicies } from './merge.js';
export { synthesize, type SynthesisEnvironment, type SynthesisRecord, type SynthesisRequest, type SynthesisResult } from './synthesize.js';
export { createBlend, type Blend, type BlendedDecision, type BlendInput } from './blend.js';
export { reviewProblem } from './review.js';
