/** Threat-intelligence feeds: parsers (pure) for CISA KEV, FIRST EPSS and CVSS vectors. */
export { clearCvssScoreCache, scoreCvss, withEnvironment } from './cvss.js';
export type { CvssEnvironment, CvssScore, CvssSeverity, CvssVersion } from './cvss.js';
export { hasErrors } from './diagnostics.js';
export type { IntelDiagnostic, Parsed } from './diagnostics.js';
export { parseEpss } from './epss.js';
export type { EpssScore, EpssSnapshot } from './epss.js';
export { KEV_SCHEMA, parseKev } from './kev.js';
export type { KevCatalog, KevEntry } from './kev.js';
export { checkSchema, jsonPath } from './schema-check.js';
export { diffEpss, diffKev } from './diff.js';
export { DEBIAN_TRACKER_SCHEMA, parseDebianTracker } from './debian-tracker.js';
export type { DebianTracker, TrackerIssue, TrackerRelease, TrackerStatus } from './debian-tracker.js';
export { OSV_RECORD_SCHEMA, parseOsv } from './osv.js';
export { diffOsv, diffTracker } from './package-diff.js';
export type { PackageChange, PackageDiff } from './package-diff.js';
export type { OsvAffected, OsvFeed, OsvRange } from './osv.js';
export type { EpssChange, EpssDiff, KevDiff } from './diff.js';
