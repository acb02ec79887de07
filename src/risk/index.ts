/** The risk engine's public surface. Pure: no I/O. */
export { CISA_COORDINATOR, COORDINATOR_TRIAGE, decide as decideSsvc, DEPLOYER, SSVC_MODELS, SUPPLIER } from './ssvc.js';
export type { CisaLevel, DecisionModel, DecisionPoint, PatchPriority, SsvcDecision, SsvcDiagnostic, SsvcResult, TriageDecision } from './ssvc.js';
