/**
 * From .deb files to an OCI image: one layer per group — base, security tools, application
 * dependencies, in that order, empty groups skipped — and on top the declarative layer
 * (`rootfs/files.ts`: users, status.d, /tmp, the CA bundle, tzdata's defaults, the alternatives
 * the packages' postinst scripts install, the plan's files). Alternatives left out are warnings in
 * the result's `diagnostics`.
 * Every .deb is read first; a refused package (or a package given twice) aborts the build with the
 * diagnostics and nothing at `output`. Package layers are compressed while their tars are written
 * (`writeLayer`'s `gzip`: the tar is never on disk) into a temporary directory beside `output`,
 * then moved into the layout, which `writeOciLayout` renames into place; the SBOMs
 * and provenance are attached on request (`sbom/`), then an oci-archive is written on request.
 * On request the image is built on an existing layout (`base`: its layers first, unchanged) and
 * package layers are shared across images through a cache (`layerCache`).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileSource, openDeb } from './deb/read-deb.js';
import type { DebControl } from './deb/control.js';
import type { Decompressor } from './deb/decompress.js';
import { systemDecompressor } from './deb/system-decompress.js';
import { imageDiagnostic, type ImageDiagnostic } from './diagnostics.js';
import { normalizePath } from './layer/paths.js';
import { fileSha256, findLayer, layerKey, storeLayer } from './layer/layer-cache.js';
import { writeLayer, type LayerPath } from './layer/write-layer.js';
import { writeOciArchive } from './oci/archive.js';
import { readBaseImage, type BaseImage } from './oci/read-base.js';
import { writeOciLayout, type ImageConfigInput, type LayerInfo, type LayoutLayer } from './oci/layout.js';
import { alternativesEntries } from './rootfs/alternatives.js';
import { CA_CERTIFICATES_DIR, declarativeEntries, writeFilesLayer, type CaCertificate, type DeclaredFile } from './rootfs/files.js';
import { attachDocuments, documentPaths, type AttachedDocument } from './sbom/attach.js';
import type { ImageDocumentsInput } from './sbom/input.js';

export const LAYER_GROUPS = ['base', 'security', 'app'] as const;
export type LayerGroup = (typeof LAYER_GROUPS)[number];

/** Labels the builder sets from the plan (they win over `labels` of the same name). */
export const RISK_TIER_LABEL = 'dev.tessera.risk-tier';
export const PLAN_DIGEST_LABEL = 'dev.tessera.plan-digest';

export interface BuildImageConfig extends ImageConfigInput {
  readonly riskTier?: string;
  readonly planDigest?: string;
}

export interface BuildImageOptions {
  /** The .deb files of each layer, in install order. */
  readonly debs: Readonly<Record<LayerGroup, readonly string[]>>;
  /** Configuration files for the top layer. */
  readonly files?: readonly DeclaredFile[];
  readonly config: BuildImageConfig;
  readonly sourceDateEpoch: number;
  /** The OCI layout directory to create (it must not exist). */
  readonly output: string;
  /** Also write the layout as an oci-archive tar here. */
  readonly archive?: string;
  /** The tag in index.json; default `latest`. */
  readonly refName?: string;
  /**
   * Also write the SBOMs and provenance beside `output` (`sbom/attach.ts`) and attach them as OCI
   * referrers, before the oci-archive is written (so it carries them too).
   */
  readonly documents?: Omit<ImageDocumentsInput, 'imageDigest' | 'sourceDateEpoch'>;
  /**
   * An existing OCI image layout to build on (`oci/read-base.ts`): its layers go first, unchanged;
   * it takes the place of our lowest layer's essentials — a package it already has at the same
   * version is not laid again — and its config's environment, labels and history come first.
   * `ref` chooses among several images by tag.
   */
  readonly base?: { readonly dir: string; readonly ref?: string };
  /**
   * A directory of finished package layers shared across images (`layer/layer-cache.ts`), keyed by
   * the .debs' SHA-256s, SOURCE_DATE_EPOCH and the layer and gzip settings: a group whose layer
   * is there is copied, not built; one built here is stored. The bytes are the same either way.
   */
  readonly layerCache?: string;
  /**
   * How .deb members are decompressed. Default: the system's `xz` and `zstd` for large members
   * when they run (`deb/system-decompress.ts`), else in process; the bytes are the same either way.
   */
  readonly decompress?: Decompressor;
}

export type BuildImageResult =
  | { readonly ok: true; readonly digest: string; readonly configDigest: string; readonly layers: readonly (LayerInfo & { readonly name: string })[]; readonly archive?: { readonly digest: string; readonly size: number }; readonly documents?: readonly AttachedDocument[]; readonly diagnostics: readonly ImageDiagnostic[]; readonly base?: BuiltOnBase; readonly layerCache?: { readonly hits: readonly string[]; readonly stored: readonly string[] } }
  | { readonly ok: false; readonly diagnostics: readonly ImageDiagnostic[] };

/** What a build on `--base` took from the base: its manifest, its layers (first in ours) and the packages it already had. */
export interface BuiltOnBase {
  readonly manifestDigest: string;
  readonly layers: readonly { readonly digest: string; readonly diffId: string; readonly size: number }[];
  /** Packages given for the image that the base has at the same version: not laid again. */
  readonly reused: readonly string[];
}

/** The control of every .deb (their data archives are read later, by `writeLayer`). */
async function readControls(files: readonly string[], decompress: Decompressor): Promise<{ controls: DebControl[]; diagnostics: ImageDiagnostic[] }> {
  const controls: DebControl[] = [];
  const diagnostics: ImageDiagnostic[] = [];
  const seen = new Map<string, string>();
  // Control archives are small: reading 16 at a time overlaps their file reads; results stay in order.
  const all = [];
  for (let i = 0; i < files.length; i += 16) {
    all.push(...await Promise.all(files.slice(i, i + 16).map(async (file) => {
      const opened = await openDeb(fileSource(file), { fileName: file, decompress });
      if (opened.ok) await opened.deb.close();
      return opened;
    })));
  }
  for (const opened of all) {
    if (!opened.ok) {
      diagnostics.push(...opened.diagnostics);
      continue;
    }
    const { control, fileName } = opened.deb;
    const before = seen.get(control.package.name);
    if (before !== undefined) {
      diagnostics.push(imageDiagnostic('image/duplicate-package', fileName, null, `package \`${control.package.name}\` is also given as \`${before}\``));
      continue;
    }
    seen.set(control.package.name, fileName);
    controls.push(control);
  }
  return { controls, diagnostics };
}

/** The certificates ca-certificates ships (its data archive read once more; it is small). */
async function caCertificates(file: string, decompress: Decompressor): Promise<CaCertificate[]> {
  const opened = await openDeb(fileSource(file), { fileName: file, decompress });
  if (!opened.ok) return []; // reported by readControls already
  const out: CaCertificate[] = [];
  const prefix = `${CA_CERTIFICATES_DIR}/`;
  for await (const { header, content } of opened.deb.entries()) {
    const n = normalizePath(header.path);
    const wanted = header.type === 'file' && n.ok && n.path.startsWith(prefix) && n.path.endsWith('.crt');
    const chunks: Uint8Array[] = [];
    for await (const chunk of content) if (wanted) chunks.push(chunk);
    // A broken archive is refused by writeLayer, which reads the same entries.
    if (wanted && n.ok) out.push({ path: n.path.slice(prefix.length), content: Buffer.concat(chunks) });
  }
  return out;
}

/** The base's config under ours: its environment and labels merged (ours win), its entrypoint, command and directory unless we set them. */
function withBase(config: ImageConfigInput, base: BaseImage | undefined): ImageConfigInput {
  if (base === undefined) return config;
  const b = base.config;
  const env = { ...Object.fromEntries(b.env), ...config.env };
  const merged = { ...b.labels, ...config.labels };
  return {
    ...config,
    ...(Object.keys(env).length > 0 ? { env } : {}),
    ...(Object.keys(merged).length > 0 ? { labels: merged } : {}),
    ...(config.entrypoint === undefined && b.entrypoint !== undefined ? { entrypoint: b.entrypoint } : {}),
    ...(config.cmd === undefined && b.cmd !== undefined ? { cmd: b.cmd } : {}),
    ...(config.workingDir === undefined && b.workingDir !== undefined ? { workingDir: b.workingDir } : {}),
  };
}

function labels(config: BuildImageConfig): Record<string, string> | undefined {
  const out: Record<string, string> = { ...config.labels };
  if (config.riskTier !== undefined) out[RISK_TIER_LABEL] = config.riskTier;
  if (config.planDigest !== undefined) out[PLAN_DIGEST_LABEL] = config.planDigest;
  return Object.keys(out).length === 0 ? undefined : out;
}

/** Builds the image, or returns why not (and writes nothing). */
export async function buildImage(options: BuildImageOptions): Promise<BuildImageResult> {
  const epoch = options.sourceDateEpoch;
  if (!Number.isSafeInteger(epoch) || epoch < 0 || epoch >= 8 ** 11) throw new RangeError(`SOURCE_DATE_EPOCH must be a non-negative integer, not ${epoch}`);
  const documents = options.documents === undefined ? [] : Object.values(documentPaths(options.output));
  for (const target of [options.output, options.archive, ...documents]) {
    if (target !== undefined && (await stat(target).then(() => true, () => false))) throw new Error(`${target} already exists; an image is written to a new path`);
  }
  let base: BaseImage | undefined;
  if (options.base !== undefined) {
    const read = await readBaseImage(options.base.dir, { ...(options.base.ref !== undefined ? { ref: options.base.ref } : {}), platform: { architecture: 'amd64', os: 'linux' } });
    if (!read.ok) return { ok: false, diagnostics: read.diagnostics };
    base = read.base;
  }
  const given = LAYER_GROUPS.flatMap((g) => options.debs[g]);
  const decompress = options.decompress ?? (await systemDecompressor()).decompress;
  const read = await readControls(given, decompress);
  const diagnostics = read.diagnostics;
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  // With a base, a package it already has at the same version and architecture is not laid again.
  const inBase = (c: DebControl) => base?.installed.get(c.package.name) === `${c.package.version} ${c.package.architecture}`;
  const reused = read.controls.filter(inBase).map((c) => c.package.name);
  const known = new Map(given.map((file, i) => [file, read.controls[i] as DebControl])); // every .deb was read, none twice
  const debs = Object.fromEntries(LAYER_GROUPS.map((g) => [g, options.debs[g].filter((f) => !inBase(known.get(f) as DebControl))])) as Record<LayerGroup, string[]>;
  const all = LAYER_GROUPS.flatMap((g) => debs[g]);
  const controls = all.map((f) => known.get(f) as DebControl);
  const ca = controls.findIndex((c) => c.package.name === 'ca-certificates');
  const caCerts = ca < 0 ? undefined : await caCertificates(all[ca] as string, decompress);
  const declared = declarativeEntries({ packages: controls, files: options.files, caCertificates: caCerts });
  if (declared.diagnostics.length > 0) return { ok: false, diagnostics: declared.diagnostics };

  const work = await mkdtemp(join(dirname(options.output), `.${basename(options.output)}.build-`));
  try {
    const layers: (LayoutLayer & { name: string })[] = [];
    const layerPaths: ReadonlyMap<string, LayerPath>[] = [];
    const cache = options.layerCache;
    const cached: { hits: string[]; toStore: { group: string; key: string; at: number; paths: ReadonlyMap<string, LayerPath> }[] } = { hits: [], toStore: [] };
    for (const group of LAYER_GROUPS) {
      const files = debs[group];
      if (files.length === 0) continue;
      const names = files.map((f) => (known.get(f) as DebControl).package.name);
      const createdBy = `tessera: ${group} packages: ${names.join(' ')}`;
      // The merged-/usr links (`bin -> usr/bin`, ...) go into the lowest layer, or on a base that has
      // none of /bin, /sbin and /lib (a Debian base has its own; on a /usr-unmerged one a link would hide its /bin).
      const mergedUsrLinks = layers.length === 0 && (base === undefined || ['bin', 'sbin', 'lib'].every((d) => !base.paths.has(d)));
      const key = cache === undefined ? undefined : layerKey({ debs: await Promise.all(files.map(fileSha256)), sourceDateEpoch: epoch, mergedUsrLinks });
      const hit = cache === undefined || key === undefined ? undefined : await findLayer(cache, key);
      if (hit !== undefined) {
        cached.hits.push(group);
        layerPaths.push(hit.paths);
        layers.push({ name: group, blob: hit.blob, info: hit.info, createdBy });
        continue;
      }
      // Compressed while written: the layer's tar never goes to disk.
      const blob = join(work, `${group}.tar.gz`);
      const r = await writeLayer({ debs: files, target: blob, sourceDateEpoch: epoch, mergedUsrLinks, decompress, controls: known, gzip: true });
      if (!r.ok) {
        diagnostics.push(...r.diagnostics);
        continue;
      }
      if (key !== undefined) cached.toStore.push({ group, key, at: layers.length, paths: r.paths });
      layerPaths.push(r.paths);
      layers.push({ name: group, blob, info: r.compressed as LayerInfo, createdBy, move: true });
    }
    if (diagnostics.length > 0) return { ok: false, diagnostics };
    // Alternatives are decided against what the base and the package layers hold (a later layer's
    // path wins) and what this layer declares itself: a postinst never replaces /etc/passwd or a plan's file.
    const image = new Map<string, LayerPath>(base?.paths ?? []);
    for (const p of layerPaths) for (const [path, entry] of p) image.set(path, entry);
    for (const e of declared.entries) image.set(e.path, { type: e.type, linkname: e.linkname ?? '' });
    const alternatives = alternativesEntries(controls.map((c, i) => ({ name: c.package.name, fileName: basename(all[i] as string), ...(c.postinst !== undefined ? { postinst: c.postinst } : {}) })), image);
    const top = declarativeEntries({ packages: controls, files: options.files, caCertificates: caCerts, alternatives: alternatives.entries });
    const filesTar = join(work, 'files.tar');
    await writeFilesLayer(top.entries, filesTar, epoch);
    layers.push({ name: 'files', tar: filesTar, createdBy: `tessera: declarative files: ${top.entries.length} entries` });

    const layout = await writeOciLayout({
      layers, sourceDateEpoch: epoch, output: options.output, refName: options.refName,
      config: withBase({ ...options.config, labels: labels(options.config) }, base),
      ...(base !== undefined ? { base: { layers: base.layers, history: base.config.history } } : {}),
    });
    // Package layers built here go into the cache for the next image with the same inputs.
    for (const s of cached.toStore) {
      const info = layout.layers[s.at] as LayerInfo;
      await storeLayer(cache as string, s.key, join(options.output, 'blobs', 'sha256', info.digest.slice('sha256:'.length)), info, s.paths);
    }
    const attached = options.documents === undefined ? undefined : await attachDocuments(options.output, { ...options.documents, imageDigest: layout.digest, sourceDateEpoch: epoch });
    const archive = options.archive === undefined ? undefined : await writeOciArchive({ layout: options.output, target: options.archive, sourceDateEpoch: epoch });
    return {
      ok: true, digest: layout.digest, configDigest: layout.configDigest,
      layers: layout.layers.map((l, i) => ({ name: (layers[i] as { name: string }).name, ...l })),
      archive, ...(attached !== undefined ? { documents: attached } : {}), diagnostics: alternatives.diagnostics,
      ...(cache !== undefined ? { layerCache: { hits: cached.hits, stored: cached.toStore.map((s) => s.group) } } : {}),
      ...(base !== undefined ? { base: { manifestDigest: base.manifestDigest, layers: base.layers.map(({ digest, diffId, size }) => ({ digest, diffId, size })), reused } } : {}),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
