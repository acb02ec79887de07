/** Public surface of the policy analysis module: exact containment, equivalence, difference. */
export { Analyzer, contains, difference, equivalent, type AnalysisOptions, type AnalysisResult, type Containment, type Difference, type Equivalence, type Region } from './contains.js';
export type { StatementOrigin } from './translate.js';
export * from './effective/index.js';
export { ESCALATION_RULES, type EscalationRule } from './escalation-rules.js';
export { policyFindings, type FindingKind, type PolicyFinding, type PolicyFindings } from './findings.js';
