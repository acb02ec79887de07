/**
 * Reading an existing OCI image layout as the base of a build (`--base DIR`): its documents are
 * checked (`base-image.ts`), every blob the chosen manifest names is verified against its digest
 * (and each layer's uncompressed tar against its diff_id), and the layers are read once to learn
 * what the base holds — its paths after whiteouts (alternatives are decided against them) and its
 * dpkg status (packages the base already has at the plan's version are not installed again).
 * Nothing is written; a bad base is a diagnostic.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { decompress } from '../deb/decompress.js';
import { readTar } from '../deb/tar-reader.js';
import { DebFormatError, imageDiagnostic, type ImageDiagnostic } from '../diagnostics.js';
import type { LayerPath } from '../layer/write-layer.js';
import { BASE_LAYER_MEDIA_TYPES, checkConfig, checkLayoutFile, checkManifest, chooseFromIndex, IMAGE_INDEX_MEDIA_TYPE, installedPackages, type BaseConfig, type BasePlatform, type Checked, type Descriptor } from './base-image.js';

export interface BaseLayer extends Descriptor {
  /** The blob file in the base layout (copied unchanged into ours). */
  readonly blob: string;
  readonly diffId: string;
}

export interface BaseImage {
  readonly dir: string;
  readonly manifestDigest: string;
  readonly layers: readonly BaseLayer[];
  readonly config: BaseConfig;
  /** Every path the base's root file system holds (whiteouts applied), no leading or trailing `/`. */
  readonly paths: ReadonlyMap<string, LayerPath>;
  /** Installed packages by dpkg status (`status` or `status.d`): name → `version architecture`. */
  readonly installed: ReadonlyMap<string, string>;
}

export type ReadBaseResult = { readonly ok: true; readonly base: BaseImage } | { readonly ok: false; readonly diagnostics: readonly ImageDiagnostic[] };

const STATUS = 'var/lib/dpkg/status';
const STATUS_D = 'var/lib/dpkg/status.d/';

class BaseError extends Error {
  constructor(readonly member: string, message: string) {
    super(message);
  }
}

const blobFile = (dir: string, digest: string) => join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length));

async function readJson(dir: string, member: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(join(dir, member), 'utf8');
  } catch (e) {
    throw new BaseError(member, `cannot read \`${member}\`: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new BaseError(member, `\`${member}\` is not JSON`);
  }
}

/** A blob's JSON, after checking its size and digest. */
async function readBlobJson(dir: string, d: Descriptor): Promise<unknown> {
  const member = `blobs/sha256/${d.digest.slice(7)}`;
  let bytes: Buffer;
  try {
    bytes = await readFile(blobFile(dir, d.digest));
  } catch {
    throw new BaseError(member, `the blob ${d.digest} is missing`);
  }
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  if (bytes.length !== d.size || digest !== d.digest) throw new BaseError(member, `the blob is ${bytes.length} bytes with digest ${digest}; its descriptor says ${d.size} bytes, ${d.digest}`);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new BaseError(member, 'the blob is not JSON');
  }
}

const accept = <T>(r: Checked<T>, member: string): T => {
  if (!r.ok) throw new BaseError(member, r.message);
  return r.value;
};

/** Passes chunks through while hashing them; `return` does not end the source, so it can be drained. */
function tap(it: AsyncIterator<Uint8Array>, hash: Hash, count: { bytes: number }): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        const r = await it.next();
        if (r.done !== true) {
          hash.update(r.value);
          count.bytes += r.value.length;
        }
        return r;
      },
      return: async () => ({ done: true, value: undefined }),
    }),
  };
}

interface LayerRead {
  readonly entries: { path: string; entry: LayerPath }[];
  readonly whiteouts: string[];
  readonly opaque: string[];
  readonly status: Map<string, string>;
}

/** Reads one layer blob: verifies its digest and diff_id, lists its entries and keeps dpkg's status texts. */
async function readLayer(layer: BaseLayer, member: string): Promise<LayerRead> {
  const compressed = createHash('sha256');
  const tar = createHash('sha256');
  const sizes = { bytes: 0 };
  const raw = { bytes: 0 };
  const source = createReadStream(layer.blob, { highWaterMark: 1 << 20 })[Symbol.asyncIterator]();
  const plain = decompress(tap(source, compressed, sizes), BASE_LAYER_MEDIA_TYPES[layer.mediaType] ?? 'none', member)[Symbol.asyncIterator]();
  const out: LayerRead = { entries: [], whiteouts: [], opaque: [], status: new Map() };
  const dec = new TextDecoder();
  try {
    for await (const { header, content } of readTar(tap(plain, tar, raw), { member })) {
      const path = header.path.split('/').filter((p) => p !== '' && p !== '.').join('/');
      const name = path.split('/').pop() as string;
      const dir = path.slice(0, Math.max(0, path.length - name.length - 1));
      if (name === '.wh..wh..opq') out.opaque.push(dir);
      else if (name.startsWith('.wh.')) out.whiteouts.push(dir === '' ? name.slice(4) : `${dir}/${name.slice(4)}`);
      else if (path !== '' && (header.type === 'file' || header.type === 'hardlink' || header.type === 'directory' || header.type === 'symlink')) {
        out.entries.push({ path, entry: { type: header.type, linkname: header.type === 'symlink' ? header.linkname : '' } });
        if (header.type === 'file' && (path === STATUS || (path.startsWith(STATUS_D) && !path.endsWith('.md5sums')))) {
          let text = '';
          for await (const chunk of content) text += dec.decode(chunk, { stream: true });
          out.status.set(path, text + dec.decode());
        }
      }
    }
    for (;;) if ((await plain.next()).done === true) break; // the rest (zero padding) counts toward the diff_id
  } catch (e) {
    if (e instanceof DebFormatError) throw new BaseError(member, `the layer cannot be read: ${e.message}`);
    throw e;
  }
  const digest = `sha256:${compressed.digest('hex')}`;
  if (digest !== layer.digest || sizes.bytes !== layer.size) throw new BaseError(member, `the layer blob is ${sizes.bytes} bytes with digest ${digest}; the manifest says ${layer.size} bytes, ${layer.digest}`);
  const diffId = `sha256:${tar.digest('hex')}`;
  if (diffId !== layer.diffId) throw new BaseError(member, `the layer's tar has digest ${diffId}; the config's diff_id is ${layer.diffId}`);
  return out;
}

/** Layers applied in order, as a runtime unpacks them: whiteouts and opaque directories hide what lies below. */
function applyLayer(paths: Map<string, LayerPath>, status: Map<string, string>, layer: LayerRead): void {
  const hide = (prefix: string, self: boolean) => {
    for (const m of [paths, status]) for (const p of [...m.keys()]) if ((self && p === prefix) || prefix === '' || p.startsWith(`${prefix}/`)) m.delete(p);
  };
  for (const d of layer.opaque) hide(d, false);
  for (const w of layer.whiteouts) hide(w, true);
  for (const { path, entry } of layer.entries) {
    // A non-directory replaces what was there, children included.
    if (entry.type !== 'directory' && paths.get(path)?.type === 'directory') hide(path, false);
    paths.set(path, entry);
  }
  for (const [p, text] of layer.status) status.set(p, text);
}

/** Reads and verifies the base layout at `dir` (the manifest tagged `ref`, or its only image). */
export async function readBaseImage(dir: string, options: { readonly ref?: string; readonly platform: BasePlatform }): Promise<ReadBaseResult> {
  const name = basename(dir);
  try {
    if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) throw new BaseError('.', `\`${dir}\` is not a directory (an OCI image layout)`);
    accept(checkLayoutFile(await readJson(dir, 'oci-layout')), 'oci-layout');
    let chosen = accept(chooseFromIndex(await readJson(dir, 'index.json'), options.ref, options.platform), 'index.json');
    if (chosen.mediaType === IMAGE_INDEX_MEDIA_TYPE) chosen = accept(chooseFromIndex(await readBlobJson(dir, chosen), undefined, options.platform), `blobs/sha256/${chosen.digest.slice(7)}`);
    const manifestMember = `blobs/sha256/${chosen.digest.slice(7)}`;
    const manifest = accept(checkManifest(await readBlobJson(dir, chosen)), manifestMember);
    const config = accept(checkConfig(await readBlobJson(dir, manifest.config), manifest.layers.length, options.platform), `blobs/sha256/${manifest.config.digest.slice(7)}`);
    const layers = manifest.layers.map((l, i) => ({ ...l, blob: blobFile(dir, l.digest), diffId: config.diffIds[i] as string }));
    const paths = new Map<string, LayerPath>();
    const status = new Map<string, string>();
    for (const l of layers) applyLayer(paths, status, await readLayer(l, `blobs/sha256/${l.digest.slice(7)}`));
    const installed = new Map<string, string>();
    for (const text of status.values()) for (const p of installedPackages(text)) installed.set(p.name, `${p.version} ${p.architecture}`);
    return { ok: true, base: { dir, manifestDigest: chosen.digest, layers, config, paths, installed } };
  } catch (e) {
    if (e instanceof BaseError) return { ok: false, diagnostics: [imageDiagnostic('image/bad-base', name, e.member, e.message)] };
    throw e;
  }
}
