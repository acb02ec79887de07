/**
 * The adaptation loop's decisions (pure): what a deployment's image was built from, whether a
 * fresh assessment calls for a rebuild and why, and the in-process event bus. The loop itself
 * (assess, plan, build, record, notify, leadership) is in app/adapt*.ts.
 */
export { EventBus } from './events.js';
export type { EventListener, MonitorEvent, MonitorEventInput } from './events.js';
export { rebuildReasons } from './reasons.js';
export type { CompareVersions, RebuildDecision, RebuildReason, RebuildReasonKind } from './reasons.js';
export { summarize, URGENT_OUTCOMES } from './summary.js';
export type { AssessedVulnerability, DeploymentSummary, SummaryPackage, SummaryVulnerability } from './summary.js';
