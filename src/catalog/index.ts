/** The Debian repository model's public surface. Pure: no I/O. */
export { PackagesParser, parsePackages } from './packages.js';
export type { BinaryPackage, IndexProblem } from './packages.js';
export { parseRelations } from './relations.js';
export type { Alternatives, Relation, RelationOp, RelationsResult } from './relations.js';
export { parseRelease } from './release.js';
export type { Release, ReleaseEntry, ReleaseResult } from './release.js';
export { compareParsedVersions, compareVersions, parseVersion } from './version.js';
export type { DebianVersion, VersionResult } from './version.js';
