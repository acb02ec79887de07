/** The Debian repository model's public surface. Pure: no I/O. */
export { PackagesParser, parsePackages } from './packages.js';
export type { BinaryPackage, IndexProblem } from './packages.js';
export { formatAlternatives, formatRelation, parseRelations } from './relations.js';
export type { Alternatives, Relation, RelationOp, RelationsResult } from './relations.js';
export { isSecuritySuite, parseRelease } from './release.js';
export type { Release, ReleaseEntry, ReleaseResult } from './release.js';
export { compareParsedVersions, compareVersions, parseVersion } from './version.js';
export type { DebianVersion, VersionResult } from './version.js';
export { decodeIndexCache, encodeIndexCache, INDEX_CACHE_FORMAT } from './index-cache.js';
export type { CacheSource, DecodedCache } from './index-cache.js';
export { PackageUniverse } from './universe.js';
export type { Candidate, PackageSource, Provider } from './universe.js';
export { encodePackageFacts, PACKAGE_FACTS_FORMAT, PackageFacts, packageFactsKey, parsePackageFacts, privilegedFiles } from './package-facts.js';
export type { ArchiveEntryHeader, DebIdentity, PackageFactsFile, PackageFactsHeader, PackageFactsProblem, PrivilegedFile } from './package-facts.js';
