/**
 * Tessera's embedding API. `createAuthorizer(policies)` compiles a policy set (the scenario file's
 * `policies` shape) once; `authorize(request)` then answers synchronously with the decision and
 * its explanation.
 */
export {
  createAuthorizer,
  compilePolicySet,
  InvalidPolicyError,
  parsePolicy,
  type Authorizer,
  type AuthorizationRequest,
  type Decision,
  type DecisionKind,
  type Diagnostic,
  type PolicySetInput,
  type StatementRef,
} from './policy/index.js';

/** Exact analysis: containment with counterexamples, equivalence, new access, findings, effective permissions. */
export {
  Analyzer,
  contains,
  difference,
  effectivePermissions,
  equivalent,
  policyFindings,
  whatIfMatrix,
  type Containment,
  type Difference,
  type EffectivePermissions,
  type Equivalence,
  type PolicyFindings,
} from './policy-analysis/index.js';

/** Fragments and synthesis: validate definitions, compose approved versions with a proof, blend under a boundary. */
export {
  createBlend,
  createMemoryFragmentStore,
  synthesize,
  validateFragment,
  type FragmentContent,
  type FragmentStore,
  type FragmentVersion,
  type SynthesisRequest,
  type SynthesisResult,
} from './fragments/index.js';

/** Tessera's context keys (local time, network zone, device, data sensitivity, workload posture). */
export { compileContextConfig, createContextEnricher, type ContextConfig, type ContextEnricher } from './context/index.js';

/** The embedded SQLite fragment store. */
export { openSqliteFragmentStore } from './store/index.js';

/** Threat feeds: CISA KEV, FIRST EPSS, CVSS vectors (scoring with a deployment's environment). */
export { diffEpss, diffKev, parseEpss, parseKev, scoreCvss, withEnvironment, type CvssScore, type EpssSnapshot, type KevCatalog } from './intel/index.js';

/** The risk engine: a deployment's risk profile with evidence, and CERT/CC SSVC decisions. */
export { assessRisk, checkApp, checkEnv, checkVulnerabilities, decideSsvc, DEFAULT_RISK_CONFIG, type RiskConfig, type RiskProfile } from './risk/index.js';

/** Feed snapshots (on disk, or in a control-plane store as `store.feeds`), and the use cases over them. */
export { FileFeedStore, type FeedSnapshot, type FeedSnapshotStore, type FeedSource } from './store/index.js';
export { importFeed, loadIntel } from './app/index.js';

/** Debian versions, compared as dpkg compares them. */
export { compareVersions, parseVersion, type DebianVersion } from './catalog/index.js';
export { parseDebianTracker, parseOsv } from './intel/index.js';
export { packageVulnerabilities } from './risk/index.js';
