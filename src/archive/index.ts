/** Adapter: a Debian archive on disk (signed releases checked with gpgv, indexes decompressed and hash-checked). */
export { ArchiveError } from './errors.js';
export { readPackagesIndex, readVerifiedRelease } from './read-index.js';
export type { IndexRead, VerifiedRelease } from './read-index.js';
export { verifyClearsigned } from './verify.js';
export type { Signature } from './verify.js';
