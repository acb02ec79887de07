/**
 * The image's CycloneDX 1.6 JSON SBOM, made with `@cyclonedx/cyclonedx-library`: one `library`
 * component per .deb (purl, SHA-256 of the .deb, the plan's layer and reason as properties), the
 * image as `metadata.component` (a container named after the app, its version the manifest
 * digest), Tessera as the tool, the time SOURCE_DATE_EPOCH. The serial number is derived from the
 * image digest and every list is sorted, so the same image gives the same bytes.
 */
import { ComponentType, HashAlgorithm } from '@cyclonedx/cyclonedx-library/Enums';
import { Bom, Component, Property } from '@cyclonedx/cyclonedx-library/Models';
import { JSON as CdxJson, JsonSerializer } from '@cyclonedx/cyclonedx-library/Serialize';
import { Spec1dot6 } from '@cyclonedx/cyclonedx-library/Spec';
import { debPurl, digestHex, distroQualifier, imagePurl, reasonText, sortedPackages, type ImageDocumentsInput } from './input.js';

export const CYCLONEDX_MEDIA_TYPE = 'application/vnd.cyclonedx+json';

/**
 * `urn:uuid:` from the digest's first 16 bytes with the RFC 9562 variant bits and version 5 set
 * (the CycloneDX 1.6 schema admits versions 1–5 only): a name-derived identifier, not a random one.
 */
export function serialNumber(digest: string): string {
  const b = Buffer.from(digestHex(digest).slice(0, 32), 'hex');
  b[6] = ((b[6] as number) & 0x0f) | 0x50;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The CycloneDX document as text (2-space indented JSON, newline-terminated). */
export function cycloneDxSbom(input: ImageDocumentsInput): string {
  const distro = distroQualifier(input.sources[0]?.codename);
  const bom = new Bom({ serialNumber: serialNumber(input.imageDigest) });
  bom.metadata.timestamp = new Date(input.sourceDateEpoch * 1000);
  bom.metadata.tools.components.add(new Component(ComponentType.Application, 'tessera', { version: input.toolVersion }));
  const image = new Component(ComponentType.Container, input.app, { version: input.imageDigest, bomRef: 'image', purl: imagePurl(input.app, input.imageDigest) });
  image.properties.add(new Property('tessera:plan-digest', input.planDigest));
  bom.metadata.component = image;
  for (const p of sortedPackages(input.packages)) {
    const purl = debPurl(p, distro);
    const c = new Component(ComponentType.Library, p.name, { version: p.version, purl, bomRef: purl });
    c.hashes.set(HashAlgorithm['SHA-256'], p.sha256);
    c.properties.add(new Property('tessera:layer', p.layer));
    c.properties.add(new Property('tessera:why', reasonText(p.why)));
    c.properties.add(new Property('tessera:filename', p.filename));
    bom.components.add(c);
  }
  const serializer = new JsonSerializer(new CdxJson.Normalize.Factory(Spec1dot6));
  return serializer.serialize(bom, { sortLists: true, space: 2 }) + '\n';
}
