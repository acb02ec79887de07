/**
 * From .deb files to an OCI image: one layer per group — base, security tools, application
 * dependencies, in that order, empty groups skipped — and on top the declarative layer
 * (`rootfs/files.ts`: users, status.d, /tmp, the CA bundle, tzdata's defaults, the plan's files).
 * Every .deb is read first; a refused package (or a package given twice) aborts the build with the
 * diagnostics and nothing at `output`. Layer tars are built in a temporary directory beside
 * `output`, then compressed into the layout, which `writeOciLayout` renames into place; the SBOMs
 * and provenance are attached on request (`sbom/`), then an oci-archive is written on request.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileSource, openDeb } from './deb/read-deb.js';
import type { DebControl } from './deb/control.js';
import type { Decompressor } from './deb/decompress.js';
import { systemDecompressor } from './deb/system-decompress.js';
import { imageDiagnostic, type ImageDiagnostic } from './diagnostics.js';
import { normalizePath } from './layer/paths.js';
import { writeLayer } from './layer/write-layer.js';
import { writeOciArchive } from './oci/archive.js';
import { writeOciLayout, type ImageConfigInput, type LayerInfo, type LayoutLayer } from './oci/layout.js';
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
   * How .deb members are decompressed. Default: the system's `xz` and `zstd` for large members
   * when they run (`deb/system-decompress.ts`), else in process; the bytes are the same either way.
   */
  readonly decompress?: Decompressor;
}

export type BuildImageResult =
  | { readonly ok: true; readonly digest: string; readonly configDigest: string; readonly layers: readonly (LayerInfo & { readonly name: string })[]; readonly archive?: { readonly digest: string; readonly size: number }; readonly documents?: readonly AttachedDocument[]; readonly diagnostics: readonly ImageDiagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly ImageDiagnostic[] };

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
  const all = LAYER_GROUPS.flatMap((g) => options.debs[g]);
  const decompress = options.decompress ?? (await systemDecompressor()).decompress;
  const { controls, diagnostics } = await readControls(all, decompress);
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  const ca = controls.findIndex((c) => c.package.name === 'ca-certificates');
  const caCerts = ca < 0 ? undefined : await caCertificates(all[ca] as string, decompress);
  const declared = declarativeEntries({ packages: controls, files: options.files, caCertificates: caCerts });
  if (declared.diagnostics.length > 0) return { ok: false, diagnostics: declared.diagnostics };

  // controls[i] is the control of all[i]: every .deb was read, none twice.
  const known = new Map(all.map((file, i) => [file, controls[i] as DebControl]));
  const work = await mkdtemp(join(dirname(options.output), `.${basename(options.output)}.build-`));
  try {
    const layers: (LayoutLayer & { name: string })[] = [];
    let first = 0; // controls[i] is the control of all[i]: every .deb was read, none twice
    for (const group of LAYER_GROUPS) {
      const debs = options.debs[group];
      const names = controls.slice(first, first + debs.length).map((c) => c.package.name);
      first += debs.length;
      if (debs.length === 0) continue;
      const tar = join(work, `${group}.tar`);
      // The merged-/usr links (`bin -> usr/bin`, ...) go into the lowest layer.
      const r = await writeLayer({ debs, target: tar, sourceDateEpoch: epoch, mergedUsrLinks: layers.length === 0, decompress, durable: false, controls: known });
      if (!r.ok) {
        diagnostics.push(...r.diagnostics);
        continue;
      }
      layers.push({ name: group, tar, createdBy: `tessera: ${group} packages: ${names.join(' ')}` });
    }
    if (diagnostics.length > 0) return { ok: false, diagnostics };
    const filesTar = join(work, 'files.tar');
    await writeFilesLayer(declared.entries, filesTar, epoch);
    layers.push({ name: 'files', tar: filesTar, createdBy: `tessera: declarative files: ${declared.entries.length} entries` });

    const layout = await writeOciLayout({
      layers, sourceDateEpoch: epoch, output: options.output, refName: options.refName,
      config: { ...options.config, labels: labels(options.config) },
    });
    const attached = options.documents === undefined ? undefined : await attachDocuments(options.output, { ...options.documents, imageDigest: layout.digest, sourceDateEpoch: epoch });
    const archive = options.archive === undefined ? undefined : await writeOciArchive({ layout: options.output, target: options.archive, sourceDateEpoch: epoch });
    return {
      ok: true, digest: layout.digest, configDigest: layout.configDigest,
      layers: layout.layers.map((l, i) => ({ name: (layers[i] as { name: string }).name, ...l })),
      archive, ...(attached !== undefined ? { documents: attached } : {}), diagnostics: [],
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
