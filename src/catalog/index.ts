/** The Debian repository model's public surface. Pure: no I/O. */
export { compareParsedVersions, compareVersions, parseVersion } from './version.js';
export type { DebianVersion, VersionResult } from './version.js';
