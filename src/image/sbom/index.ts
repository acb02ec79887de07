/** The image's documents: CycloneDX and SPDX SBOMs, in-toto provenance, attached as OCI referrers. */
export { attachDocuments, documentPaths, EMPTY_MEDIA_TYPE } from './attach.js';
export type { AttachedDocument, DocumentKind } from './attach.js';
export { CYCLONEDX_MEDIA_TYPE, cycloneDxSbom, serialNumber } from './cyclonedx.js';
export { debPurl, distroQualifier, imagePurl } from './input.js';
export type { ImageDocumentsInput, SbomPackage, SbomSource } from './input.js';
export { BUILD_TYPE, IN_TOTO_MEDIA_TYPE, provenanceJson, provenanceStatement } from './provenance.js';
export { SPDX_MEDIA_TYPE, spdxDocument, spdxSbom } from './spdx.js';
