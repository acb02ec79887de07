/**
 * An OCI image layout directory (image-spec v1.1 `image-layout.md`): `oci-layout`, `index.json` and
 * `blobs/sha256/<hex>` holding the gzip-compressed layers, the image config and the manifest.
 *
 * Reproducible by construction: layers are compressed by Node's bundled zlib at fixed settings, in
 * fixed pieces deflated in parallel (`gzip.ts`; the gzip header carries no name and mtime 0, its OS
 * byte is 3, Unix), the JSON documents are written with sorted keys (`stableJson`) and every time
 * is SOURCE_DATE_EPOCH. So the same layer tars and config give the same digests on any machine
 * running the same zlib; the diff_ids (digests of the uncompressed tars) do not depend on zlib.
 *
 * A layer may also come compressed already, by the same `gzip.ts` (the layer cache, or a layer
 * `writeLayer` compressed while writing it).
 *
 * Everything is written into a temporary directory beside `output`, which is renamed into place
 * at the end: `output` either does not exist or holds a complete layout.
 */
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { gzipFile } from './gzip.js';
import { stableJson } from './json.js';

export { GZIP_PIECE, GZIP_SETTINGS } from './gzip.js';

export const MEDIA_TYPES = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

/** The annotation umoci and skopeo read a tag from (`oci:<dir>:<tag>`). */
export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';

/**
 * An uncompressed layer tar to compress, or an already compressed blob to copy (from the layer
 * cache) or, with `move`, to rename into the layout (a blob the build wrote itself, beside it).
 */
export type LayoutLayer =
  | { readonly tar: string; readonly createdBy: string }
  | { readonly blob: string; readonly info: LayerInfo; readonly createdBy: string; readonly move?: boolean };

export interface ImageConfigInput {
  /** `user`, `uid`, `user:group` or `uid:gid`. */
  readonly user: string;
  /** Written as `KEY=value`, sorted by key. */
  readonly env?: Readonly<Record<string, string>>;
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  readonly workingDir?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface WriteLayoutOptions {
  /** In order, lowest first. */
  readonly layers: readonly LayoutLayer[];
  readonly config: ImageConfigInput;
  /** The image's `created` time and every history entry's, in seconds. */
  readonly sourceDateEpoch: number;
  /** The layout directory to create; it must not exist. */
  readonly output: string;
  /** The tag in index.json (`org.opencontainers.image.ref.name`); default `latest`. */
  readonly refName?: string;
  /** Default `amd64`. */
  readonly architecture?: string;
  /**
   * An existing image's layers to go first, unchanged: their blobs are copied byte for byte (same
   * digests), their diff_ids and the base config's history come before ours.
   */
  readonly base?: LayoutBase;
}

export interface LayoutBase {
  readonly layers: readonly { readonly blob: string; readonly mediaType: string; readonly digest: string; readonly size: number; readonly diffId: string }[];
  readonly history: readonly unknown[];
}

export interface LayerInfo {
  /** Digest of the compressed blob (what the manifest names). */
  readonly digest: string;
  /** Digest of the uncompressed tar (the config's `rootfs.diff_ids`). */
  readonly diffId: string;
  /** Compressed size in bytes. */
  readonly size: number;
  readonly uncompressedSize: number;
}

export interface LayoutResult {
  /** The manifest's digest: the image's identity. */
  readonly digest: string;
  readonly manifestSize: number;
  readonly configDigest: string;
  readonly layers: readonly LayerInfo[];
}

const sha256 = (bytes: Uint8Array | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const blobPath = (root: string, digest: string) => join(root, 'blobs', 'sha256', digest.slice('sha256:'.length));

/** Compresses one layer tar into the blob directory, hashing both sides on the way through. */
async function addLayer(root: string, tar: string, n: number): Promise<LayerInfo> {
  const tmp = join(root, 'blobs', 'sha256', `.layer-${n}`);
  const info = await gzipFile(tar, tmp);
  await rename(tmp, blobPath(root, info.digest));
  return info;
}

async function addJson(root: string, value: unknown): Promise<{ digest: string; size: number }> {
  const bytes = Buffer.from(stableJson(value), 'utf8');
  const digest = sha256(bytes);
  await writeFile(blobPath(root, digest), bytes);
  return { digest, size: bytes.length };
}

/** The image config (image-spec `config.md`) for the given layers. */
export function imageConfig(options: Pick<WriteLayoutOptions, 'config' | 'sourceDateEpoch' | 'architecture' | 'layers' | 'base'>, diffIds: readonly string[]): object {
  const created = new Date(options.sourceDateEpoch * 1000).toISOString().replace(/\.000Z$/, 'Z');
  const c = options.config;
  const env = c.env === undefined ? undefined : Object.keys(c.env).sort().map((k) => `${k}=${(c.env as Record<string, string>)[k]}`);
  return {
    created,
    architecture: options.architecture ?? 'amd64',
    os: 'linux',
    config: {
      User: c.user,
      Env: env,
      Entrypoint: c.entrypoint,
      Cmd: c.cmd,
      WorkingDir: c.workingDir,
      Labels: c.labels,
    },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: [...(options.base?.history ?? []), ...options.layers.map((l) => ({ created, created_by: l.createdBy }))],
  };
}

function checkEpoch(epoch: number): void {
  if (!Number.isSafeInteger(epoch) || epoch < 0 || epoch >= 8 ** 11) throw new RangeError(`SOURCE_DATE_EPOCH must be a non-negative integer, not ${epoch}`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Writes the layout; throws (leaving nothing behind) when `output` exists or a layer cannot be read. */
export async function writeOciLayout(options: WriteLayoutOptions): Promise<LayoutResult> {
  checkEpoch(options.sourceDateEpoch);
  if (options.layers.length === 0) throw new RangeError('an image needs at least one layer');
  if (await exists(options.output)) throw new Error(`${options.output} already exists; an image layout is written to a new directory`);
  const root = await mkdtemp(join(dirname(options.output), `.${basename(options.output)}.tmp-`));
  try {
    await chmod(root, 0o755);
    await mkdir(join(root, 'blobs', 'sha256'), { recursive: true });
    const base = options.base?.layers ?? [];
    for (const l of base) await copyFile(l.blob, blobPath(root, l.digest));
    const layers: LayerInfo[] = [];
    for (const [n, l] of options.layers.entries()) {
      if ('blob' in l) await (l.move === true ? rename : copyFile)(l.blob, blobPath(root, l.info.digest));
      layers.push('blob' in l ? l.info : await addLayer(root, l.tar, n));
    }
    const config = await addJson(root, imageConfig(options, [...base.map((l) => l.diffId), ...layers.map((l) => l.diffId)]));
    const manifest = await addJson(root, {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.manifest,
      config: { mediaType: MEDIA_TYPES.config, digest: config.digest, size: config.size },
      layers: [...base.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })), ...layers.map((l) => ({ mediaType: MEDIA_TYPES.layerGzip, digest: l.digest, size: l.size }))],
    });
    const index = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.index,
      manifests: [{ mediaType: MEDIA_TYPES.manifest, digest: manifest.digest, size: manifest.size, annotations: { [REF_NAME_ANNOTATION]: options.refName ?? 'latest' } }],
    };
    await writeFile(join(root, 'index.json'), stableJson(index));
    await writeFile(join(root, 'oci-layout'), stableJson({ imageLayoutVersion: '1.0.0' }));
    await rename(root, options.output);
    return { digest: manifest.digest, manifestSize: manifest.size, configDigest: config.digest, layers };
  } catch (e) {
    await rm(root, { recursive: true, force: true });
    throw e;
  }
}
