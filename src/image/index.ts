/**
 * The image builder's public surface (an adapter: it reads .deb files and writes layer tars and OCI images).
 * It reads Debian packages, turns them into safe, deterministic layer tars and assembles those
 * (with a declarative top layer) into an OCI image layout and an oci-archive.
 */
export { imageDiagnostic } from './diagnostics.js';
export type { ImageDiagnostic, ImageDiagnosticCode } from './diagnostics.js';
export { fileSource, openDeb } from './deb/read-deb.js';
export type { OpenDebResult, OpenedDeb, ReadDebOptions } from './deb/read-deb.js';
export type { DebControl } from './deb/control.js';
export { decompress } from './deb/decompress.js';
export type { Compression, Decompressor } from './deb/decompress.js';
export { systemDecompressor } from './deb/system-decompress.js';
export type { SystemDecompressor, SystemDecompressorOptions } from './deb/system-decompress.js';
export type { TarEntry, TarEntryType, TarHeader } from './deb/tar-reader.js';
export { EntryChecker } from './layer/safe-entry.js';
export type { CheckResult, LayerEntry, LayerEntryType, SafetyOptions } from './layer/safe-entry.js';
export { mergedUsr, MERGED_USR_DIRS, normalizePath, symlinkStaysInside } from './layer/paths.js';
export { writeLayer } from './layer/write-layer.js';
export type { LayerPath, WriteLayerOptions, WriteLayerResult } from './layer/write-layer.js';
export { stableJson } from './oci/json.js';
export { GZIP_PIECE, GZIP_SETTINGS, imageConfig, MEDIA_TYPES, REF_NAME_ANNOTATION, writeOciLayout } from './oci/layout.js';
export type { ImageConfigInput, LayerInfo, LayoutLayer, LayoutResult, WriteLayoutOptions } from './oci/layout.js';
export { chooseFromIndex, installedPackages } from './oci/base-image.js';
export { readBaseImage } from './oci/read-base.js';
export type { BaseImage, BaseLayer, ReadBaseResult } from './oci/read-base.js';
export { fileSha256, findLayer, LAYER_FORMAT, layerKey, storeLayer } from './layer/layer-cache.js';
export type { CachedLayer, LayerKeyInput } from './layer/layer-cache.js';
export { writeOciArchive } from './oci/archive.js';
export type { WriteArchiveOptions } from './oci/archive.js';
export { CA_BUNDLE, CA_CERTIFICATES_DIR, caEntries, declarativeEntries, DECLARED_FILES, filesLayerTar, GROUP, md5sumsText, NONROOT_ID, PASSWD, statusStanza, writeFilesLayer } from './rootfs/files.js';
export type { CaCertificate, DeclarativeInput, DeclaredFile, RootfsEntry } from './rootfs/files.js';
export { extractAlternatives } from './rootfs/alternatives-script.js';
export type { AlternativeInstall, AlternativeLink, ExtractedAlternatives, SkippedCall } from './rootfs/alternatives-script.js';
export { admindirRecord, ALTERNATIVES_ADMINDIR, ALTERNATIVES_DIR, alternativesEntries, resolveInImage } from './rootfs/alternatives.js';
export type { AlternativesPackage, AlternativesResult, ChosenAlternative, ImagePathEntry, ImagePaths } from './rootfs/alternatives.js';
export { buildImage, LAYER_GROUPS, PLAN_DIGEST_LABEL, RISK_TIER_LABEL } from './build.js';
export type { BuildImageConfig, BuildImageOptions, BuildImageResult, BuiltOnBase, LayerGroup } from './build.js';
export { fetchDebs } from './fetch/fetch-debs.js';
export type { FetchOptions, FetchResult, WantedDeb } from './fetch/fetch-debs.js';
export { APT_ARCHIVES, aptSourceUris, findInDirectory, hostMirror } from './fetch/sources.js';
export type { DebSource } from './fetch/sources.js';
export { attachDocuments, BUILD_TYPE, CYCLONEDX_MEDIA_TYPE, cycloneDxSbom, debPurl, documentPaths, EMPTY_MEDIA_TYPE, IN_TOTO_MEDIA_TYPE, provenanceStatement, SPDX_MEDIA_TYPE, spdxDocument } from './sbom/index.js';
export type { AttachedDocument, DocumentKind, ImageDocumentsInput, SbomPackage, SbomSource } from './sbom/index.js';
