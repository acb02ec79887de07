/**
 * The image's SPDX 2.3 JSON document, written by hand (no permissively licensed SPDX 2.3 writer for
 * JavaScript is worth a dependency; the format is a plain JSON object): one package per .deb
 * (version, SHA-256 of the .deb, purl, pool filename; license and supplier NOASSERTION — the plan
 * does not read copyright files), a package for the image, `DESCRIBES` document → image and
 * `CONTAINS` image → each package. The namespace is derived from the image digest and the time
 * is SOURCE_DATE_EPOCH, so the same image gives the same bytes.
 */
import { debPurl, digestHex, distroQualifier, imagePurl, isoSeconds, reasonText, sortedPackages, type ImageDocumentsInput } from './input.js';

export const SPDX_MEDIA_TYPE = 'application/spdx+json';
const NOASSERTION = 'NOASSERTION';
const IMAGE_ID = 'SPDXRef-Image';

/** `SPDXRef-Package-<name>` with what the SPDX id pattern refuses (`+`, `_`, ...) as `-`, made unique. */
function packageIds(names: readonly string[]): string[] {
  const used = new Set<string>([IMAGE_ID]);
  return names.map((name) => {
    const base = `SPDXRef-Package-${name.replace(/[^A-Za-z0-9.-]/g, '-')}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    return id;
  });
}

/** The SPDX document as an object, members in the order the specification lists them. */
export function spdxDocument(input: ImageDocumentsInput): Record<string, unknown> {
  const distro = distroQualifier(input.sources[0]?.codename);
  const hex = digestHex(input.imageDigest);
  const packages = sortedPackages(input.packages);
  const ids = packageIds(packages.map((p) => p.name));
  const image = {
    SPDXID: IMAGE_ID,
    name: input.app,
    versionInfo: input.imageDigest,
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    checksums: [{ algorithm: 'SHA256', checksumValue: hex }],
    externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: imagePurl(input.app, input.imageDigest) }],
    primaryPackagePurpose: 'CONTAINER',
    supplier: NOASSERTION,
    licenseConcluded: NOASSERTION,
    licenseDeclared: NOASSERTION,
    copyrightText: NOASSERTION,
    comment: `OCI image manifest ${input.imageDigest}, built by Tessera from plan ${input.planDigest}`,
  };
  const debs = packages.map((p, i) => ({
    SPDXID: ids[i],
    name: p.name,
    versionInfo: p.version,
    packageFileName: p.filename,
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    checksums: [{ algorithm: 'SHA256', checksumValue: p.sha256 }],
    externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: debPurl(p, distro) }],
    primaryPackagePurpose: 'LIBRARY',
    supplier: NOASSERTION,
    licenseConcluded: NOASSERTION,
    licenseDeclared: NOASSERTION,
    copyrightText: NOASSERTION,
    comment: `layer ${p.layer}; ${reasonText(p.why)}`,
  }));
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `${input.app}@${input.imageDigest}`,
    documentNamespace: `https://tessera.dev/spdx/${encodeURIComponent(input.app)}/sha256-${hex}`,
    creationInfo: { created: isoSeconds(input.sourceDateEpoch), creators: [`Tool: tessera-${input.toolVersion}`] },
    packages: [image, ...debs],
    relationships: [
      { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: IMAGE_ID },
      ...debs.map((d) => ({ spdxElementId: IMAGE_ID, relationshipType: 'CONTAINS', relatedSpdxElement: d.SPDXID })),
    ],
  };
}

/** The SPDX document as text (2-space indented JSON, newline-terminated). */
export function spdxSbom(input: ImageDocumentsInput): string {
  return JSON.stringify(spdxDocument(input), null, 2) + '\n';
}
