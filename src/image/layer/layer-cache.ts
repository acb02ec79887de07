/**
 * Package layers shared across images: a content-addressed cache of finished layer blobs. A
 * layer's key is a digest of everything its bytes depend on — the .debs' SHA-256s in install
 * order, SOURCE_DATE_EPOCH, whether it carries the merged-/usr links, the layer and gzip settings
 * and zlib's version — so two images whose base (or security) group is the same set of files get
 * the same blob, and the second build copies it instead of reading, checking, writing and
 * compressing the packages again. An entry is `<dir>/<key>/` with the gzip blob and `layer.json`
 * (its digests and sizes, and the paths it holds, which alternatives are decided against); it is
 * written to a temporary directory and renamed into place, and checked against its digest before
 * use — a damaged entry is a miss, never a wrong layer.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GZIP_PIECE, GZIP_SETTINGS } from '../oci/gzip.js';
import type { LayerInfo } from '../oci/layout.js';
import type { LayerPath } from './write-layer.js';

/** Bump when the layer writer's output changes for the same inputs (it invalidates every entry). */
export const LAYER_FORMAT = 'tessera-layer/1';

export interface LayerKeyInput {
  /** SHA-256 (hex) of each .deb, in install order. */
  readonly debs: readonly string[];
  readonly sourceDateEpoch: number;
  readonly mergedUsrLinks: boolean;
}

export interface CachedLayer {
  /** The gzip blob in the cache (copy it; never move it). */
  readonly blob: string;
  readonly info: LayerInfo;
  readonly paths: ReadonlyMap<string, LayerPath>;
}

/** The cache key of a package layer (pure). */
export function layerKey(input: LayerKeyInput): string {
  const inputs = { format: LAYER_FORMAT, debs: input.debs, epoch: input.sourceDateEpoch, mergedUsrLinks: input.mergedUsrLinks, gzip: { ...GZIP_SETTINGS, piece: GZIP_PIECE }, zlib: process.versions.zlib };
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
}

/** SHA-256 (hex) of a file. */
export async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

interface Meta {
  readonly info: LayerInfo;
  readonly paths: readonly (readonly [string, LayerPath['type'], string])[];
}

/** The cached layer for `key`, when there is one whose blob still has its digest. */
export async function findLayer(dir: string, key: string): Promise<CachedLayer | undefined> {
  const entry = join(dir, key);
  let meta: Meta;
  try {
    meta = JSON.parse(await readFile(join(entry, 'layer.json'), 'utf8')) as Meta;
  } catch {
    return undefined;
  }
  const blob = join(entry, 'layer.tar.gz');
  try {
    if (`sha256:${await fileSha256(blob)}` !== meta.info.digest) return undefined;
  } catch {
    return undefined;
  }
  return { blob, info: meta.info, paths: new Map(meta.paths.map(([p, type, linkname]) => [p, { type, linkname }])) };
}

/** Stores a finished layer blob under `key` (a concurrent store of the same key is harmless). */
export async function storeLayer(dir: string, key: string, blob: string, info: LayerInfo, paths: ReadonlyMap<string, LayerPath>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = await mkdtemp(join(dir, `.${key}.tmp-`));
  try {
    await copyFile(blob, join(tmp, 'layer.tar.gz'));
    const meta: Meta = { info, paths: [...paths].map(([p, e]) => [p, e.type, e.linkname] as const) };
    await writeFile(join(tmp, 'layer.json'), JSON.stringify(meta));
    await rm(join(dir, key), { recursive: true, force: true });
    await rename(tmp, join(dir, key));
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    // Another build stored the same layer first: its entry is as good as ours.
    if ((e as NodeJS.ErrnoException).code === 'ENOTEMPTY' || (e as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw e;
  }
}
