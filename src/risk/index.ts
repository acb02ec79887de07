/** The risk engine's public surface. Pure: no I/O. */
export { assessRisk } from './assess.js';
export type { RiskInputs, RiskProfile } from './assess.js';
export { DEFAULT_RISK_CONFIG, higherTier, TIER_ORDER, tierOf } from './config.js';
export type { FactorId, RiskConfig, Tier } from './config.js';
export type { Factor } from './factors.js';
export { APP_SCHEMA, checkApp, checkEnv, checkVulnerabilities, ENV_SCHEMA, VULNERABILITIES_SCHEMA } from './inputs.js';
export type { AppProfile, Checked, Criticality, DataSensitivity, EnvProfile, Exposure, UserBase, VulnerabilityInput } from './inputs.js';
export { CISA_COORDINATOR, COORDINATOR_TRIAGE, decide as decideSsvc, DEPLOYER, SSVC_MODELS, SUPPLIER } from './ssvc.js';
export type { CisaLevel, DecisionModel, DecisionPoint, PatchPriority, SsvcDecision, SsvcDiagnostic, SsvcResult, TriageDecision } from './ssvc.js';
export { DEBIAN_RELEASES, packageVulnerabilities } from './package-vulnerabilities.js';
export type { InstalledPackage, PackageFeeds, PackageVulnerabilities } from './package-vulnerabilities.js';
export type { Threat, ThreatId } from './threats.js';
export { cvssEnvironment } from './vulnerability.js';
export type { Intel, VulnerabilityAssessment } from './vulnerability.js';
