/**
 * The image builder's public surface (an adapter: it reads .deb files and writes layer tars).
 * This first part reads Debian packages and turns them into safe, deterministic layer tars.
 */
export { imageDiagnostic } from './diagnostics.js';
export type { ImageDiagnostic, ImageDiagnosticCode } from './diagnostics.js';
export { fileSource, openDeb } from './deb/read-deb.js';
export type { OpenDebResult, OpenedDeb, ReadDebOptions } from './deb/read-deb.js';
export type { DebControl } from './deb/control.js';
export type { TarEntry, TarEntryType, TarHeader } from './deb/tar-reader.js';
export { EntryChecker } from './layer/safe-entry.js';
export type { CheckResult, LayerEntry, LayerEntryType, SafetyOptions } from './layer/safe-entry.js';
export { mergedUsr, MERGED_USR_DIRS, normalizePath, symlinkStaysInside } from './layer/paths.js';
export { writeLayer } from './layer/write-layer.js';
export type { WriteLayerOptions, WriteLayerResult } from './layer/write-layer.js';
