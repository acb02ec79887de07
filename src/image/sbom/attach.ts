/**
 * The image's documents — CycloneDX and SPDX SBOMs and the in-toto provenance statement — written
 * beside the layout (`<layout>.cdx.json`, `<layout>.spdx.json`, `<layout>.intoto.json`) and
 * attached to the image as OCI referrers (image-spec v1.1): each document is a blob, described by
 * an image manifest with `artifactType`, the empty config (`{}`), the document as its one layer and
 * `subject` = the image manifest. The referrer manifests are listed in index.json after the image
 * (with `artifactType`, without a ref name), as `oras attach --oci-layout` lists them; skopeo and
 * umoci find the image by its ref name (`oci:<dir>:latest`).
 *
 * Called after `buildImage` on the finished layout: the blobs are content-addressed, each file is
 * written to a temporary name and renamed, index.json last. The same image and plan give the same
 * bytes (and so the same referrer digests).
 */
import { createHash } from 'node:crypto';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stableJson } from '../oci/json.js';
import { MEDIA_TYPES } from '../oci/layout.js';
import { CYCLONEDX_MEDIA_TYPE, cycloneDxSbom } from './cyclonedx.js';
import type { ImageDocumentsInput } from './input.js';
import { IN_TOTO_MEDIA_TYPE, provenanceJson } from './provenance.js';
import { SPDX_MEDIA_TYPE, spdxSbom } from './spdx.js';

export const EMPTY_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';
const EMPTY = Buffer.from('{}', 'utf8');

export type DocumentKind = 'cyclonedx' | 'spdx' | 'provenance';

const KINDS: readonly { kind: DocumentKind; suffix: string; mediaType: string; make: (input: ImageDocumentsInput) => string }[] = [
  { kind: 'cyclonedx', suffix: '.cdx.json', mediaType: CYCLONEDX_MEDIA_TYPE, make: cycloneDxSbom },
  { kind: 'spdx', suffix: '.spdx.json', mediaType: SPDX_MEDIA_TYPE, make: spdxSbom },
  { kind: 'provenance', suffix: '.intoto.json', mediaType: IN_TOTO_MEDIA_TYPE, make: provenanceJson },
];

/** Where the documents of the layout at `layout` are written: `<layout>.cdx.json` and so on. */
export function documentPaths(layout: string): Record<DocumentKind, string> {
  const base = layout.replace(/\/+$/, '');
  return Object.fromEntries(KINDS.map((k) => [k.kind, `${base}${k.suffix}`])) as Record<DocumentKind, string>;
}

export interface AttachedDocument {
  readonly kind: DocumentKind;
  readonly path: string;
  readonly mediaType: string;
  /** The document blob's digest. */
  readonly digest: string;
  /** The referrer manifest's digest. */
  readonly referrer: string;
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}

async function addBlob(layout: string, bytes: Uint8Array): Promise<{ digest: string; size: number }> {
  const digest = sha256(bytes);
  const path = join(layout, 'blobs', 'sha256', digest.slice('sha256:'.length));
  if (!(await exists(path))) await writeAtomically(path, bytes);
  return { digest, size: bytes.length };
}

/**
 * Writes the documents beside `layout` and attaches them to its image (`input.imageDigest`, which
 * index.json must list). Throws when a document file exists already.
 */
export async function attachDocuments(layout: string, input: ImageDocumentsInput): Promise<AttachedDocument[]> {
  const paths = documentPaths(layout);
  for (const path of Object.values(paths)) if (await exists(path)) throw new Error(`${path} already exists; the documents are written to new files`);
  const indexPath = join(layout, 'index.json');
  const index = JSON.parse(await readFile(indexPath, 'utf8')) as { manifests: Descriptor[] } & Record<string, unknown>;
  const image = index.manifests.find((m) => m.digest === input.imageDigest);
  if (image === undefined) throw new Error(`${layout}: index.json does not list the image ${input.imageDigest}`);
  const subject = { mediaType: image.mediaType, digest: image.digest, size: image.size };
  const empty = await addBlob(layout, EMPTY);
  const out: AttachedDocument[] = [];
  const referrers: Descriptor[] = [];
  for (const k of KINDS) {
    const bytes = Buffer.from(k.make(input), 'utf8');
    const blob = await addBlob(layout, bytes);
    const manifest = await addBlob(layout, Buffer.from(stableJson({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.manifest,
      artifactType: k.mediaType,
      config: { mediaType: EMPTY_MEDIA_TYPE, digest: empty.digest, size: empty.size },
      layers: [{ mediaType: k.mediaType, digest: blob.digest, size: blob.size }],
      subject,
    }), 'utf8'));
    referrers.push({ mediaType: MEDIA_TYPES.manifest, digest: manifest.digest, size: manifest.size, artifactType: k.mediaType });
    await writeAtomically(paths[k.kind], bytes);
    out.push({ kind: k.kind, path: paths[k.kind], mediaType: k.mediaType, digest: blob.digest, referrer: manifest.digest });
  }
  const known = new Set(index.manifests.map((m) => m.digest));
  const manifests = [...index.manifests, ...referrers.filter((r) => !known.has(r.digest))];
  await writeAtomically(indexPath, Buffer.from(stableJson({ ...index, manifests }), 'utf8'));
  return out;
}
