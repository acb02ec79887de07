/**
 * What an existing OCI image layout must be to serve as a base (`--base DIR`), checked on its JSON
 * documents (pure: parsed values in, a verdict out; `read-base.ts` does the reading). The layout
 * says `imageLayoutVersion` 1.0.0; its index names exactly one image manifest (or the one tagged
 * `ref`; referrers such as attached SBOMs are not candidates), directly or through a nested image
 * index by platform; the manifest lists the config and layers with OCI media types, and the config
 * is for our platform with one diff_id per layer. Every refusal is a diagnostic naming the file.
 */
import { MEDIA_TYPES, REF_NAME_ANNOTATION } from './layout.js';

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

export interface BasePlatform {
  readonly architecture: string;
  readonly os: string;
}

export interface BaseConfig {
  readonly diffIds: readonly string[];
  /** The config's history entries, verbatim (they go first in ours). */
  readonly history: readonly unknown[];
  /** `Env` as `KEY=value` pairs, in order. */
  readonly env: readonly (readonly [string, string])[];
  readonly labels: Readonly<Record<string, string>>;
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  readonly workingDir?: string;
}

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

export const IMAGE_INDEX_MEDIA_TYPE = MEDIA_TYPES.index;
/** Layer media types a base may use: OCI tar, gzip and zstd (what our reader decompresses). */
export const BASE_LAYER_MEDIA_TYPES: Readonly<Record<string, 'none' | 'gzip' | 'zstd'>> = {
  'application/vnd.oci.image.layer.v1.tar': 'none',
  'application/vnd.oci.image.layer.v1.tar+gzip': 'gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd': 'zstd',
};

const fail = <T>(message: string): Checked<T> => ({ ok: false, message });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isDigest = (v: unknown): v is string => typeof v === 'string' && /^sha256:[0-9a-f]{64}$/.test(v);

export function checkDescriptor(v: unknown, what: string): Checked<Descriptor> {
  if (!isObject(v) || typeof v.mediaType !== 'string' || !isDigest(v.digest) || !Number.isSafeInteger(v.size) || (v.size as number) < 0) {
    return fail(`${what} is not a descriptor with mediaType, a sha256 digest and a size`);
  }
  return { ok: true, value: { mediaType: v.mediaType, digest: v.digest, size: v.size as number } };
}

export function checkLayoutFile(v: unknown): Checked<null> {
  return isObject(v) && v.imageLayoutVersion === '1.0.0' ? { ok: true, value: null } : fail('`oci-layout` does not say imageLayoutVersion 1.0.0');
}

/**
 * The one entry of an index to use: the image manifest or nested index tagged `ref`; without `ref`,
 * the only one there is, not counting referrers (entries with an `artifactType`, or no tag beside
 * tagged ones).
 */
export function chooseFromIndex(v: unknown, ref: string | undefined, platform: BasePlatform): Checked<Descriptor> {
  if (!isObject(v) || v.schemaVersion !== 2 || !Array.isArray(v.manifests)) return fail('`index.json` is not an image index (schemaVersion 2 with manifests)');
  const entries: { d: Descriptor; tag: string | undefined; artifact: boolean; platform: unknown }[] = [];
  for (const [i, m] of v.manifests.entries()) {
    const d = checkDescriptor(m, `manifests[${i}]`);
    if (!d.ok) return d;
    const annotations = isObject((m as Record<string, unknown>).annotations) ? (m as Record<string, Record<string, unknown>>).annotations : {};
    const tag = annotations?.[REF_NAME_ANNOTATION];
    entries.push({ d: d.value, tag: typeof tag === 'string' ? tag : undefined, artifact: typeof (m as Record<string, unknown>).artifactType === 'string', platform: (m as Record<string, unknown>).platform });
  }
  const images = entries.filter((e) => !e.artifact && (e.d.mediaType === MEDIA_TYPES.manifest || e.d.mediaType === IMAGE_INDEX_MEDIA_TYPE));
  if (ref !== undefined) {
    const tagged = images.filter((e) => e.tag === ref);
    if (tagged.length !== 1) return fail(`${tagged.length === 0 ? 'no' : tagged.length} image manifests tagged \`${ref}\`; tags: ${[...new Set(images.map((e) => e.tag).filter((t) => t !== undefined))].join(', ') || 'none'}`);
    return { ok: true, value: (tagged[0] as (typeof tagged)[number]).d };
  }
  const tagged = images.filter((e) => e.tag !== undefined);
  let candidates = tagged.length > 0 ? tagged : images;
  // A nested index's entries can be chosen by platform.
  const onPlatform = candidates.filter((e) => isObject(e.platform) && e.platform.architecture === platform.architecture && e.platform.os === platform.os);
  if (candidates.length > 1 && onPlatform.length === 1) candidates = onPlatform;
  if (candidates.length === 0) return fail('`index.json` lists no image manifest');
  if (candidates.length > 1) return fail(`\`index.json\` lists ${candidates.length} image manifests (tags: ${candidates.map((e) => e.tag ?? '(none)').join(', ')}); choose one with its tag`);
  return { ok: true, value: (candidates[0] as (typeof candidates)[number]).d };
}

export function checkManifest(v: unknown): Checked<{ config: Descriptor; layers: Descriptor[] }> {
  if (!isObject(v) || v.schemaVersion !== 2 || !Array.isArray(v.layers)) return fail('the manifest is not an image manifest (schemaVersion 2 with layers)');
  if (v.mediaType !== undefined && v.mediaType !== MEDIA_TYPES.manifest) return fail(`the manifest's mediaType is \`${String(v.mediaType)}\`, not an OCI image manifest`);
  const config = checkDescriptor(v.config, 'the manifest\'s config');
  if (!config.ok) return config;
  if (config.value.mediaType !== MEDIA_TYPES.config) return fail(`the config's mediaType is \`${config.value.mediaType}\`, not an OCI image config`);
  const layers: Descriptor[] = [];
  for (const [i, l] of v.layers.entries()) {
    const d = checkDescriptor(l, `layers[${i}]`);
    if (!d.ok) return d;
    if (BASE_LAYER_MEDIA_TYPES[d.value.mediaType] === undefined) return fail(`layers[${i}] has mediaType \`${d.value.mediaType}\`; a base's layers must be OCI tar, tar+gzip or tar+zstd`);
    layers.push(d.value);
  }
  return { ok: true, value: { config: config.value, layers } };
}

const strings = (v: unknown): readonly string[] | undefined => (Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : undefined);

export function checkConfig(v: unknown, layers: number, platform: BasePlatform): Checked<BaseConfig> {
  if (!isObject(v) || !isObject(v.rootfs)) return fail('the config has no rootfs');
  if (v.architecture !== platform.architecture || v.os !== platform.os) return fail(`the base is for ${String(v.os)}/${String(v.architecture)}; this image is for ${platform.os}/${platform.architecture}`);
  const diffIds = strings(v.rootfs.diff_ids);
  if (v.rootfs.type !== 'layers' || diffIds === undefined || !diffIds.every(isDigest)) return fail('the config\'s rootfs is not `layers` with sha256 diff_ids');
  if (diffIds.length !== layers) return fail(`the config lists ${diffIds.length} diff_ids for ${layers} layers`);
  const c = isObject(v.config) ? v.config : {};
  const env: [string, string][] = [];
  for (const e of strings(c.Env) ?? []) {
    const at = e.indexOf('=');
    if (at > 0) env.push([e.slice(0, at), e.slice(at + 1)]);
  }
  const labels: Record<string, string> = {};
  if (isObject(c.Labels)) for (const [k, l] of Object.entries(c.Labels)) if (typeof l === 'string') labels[k] = l;
  const entrypoint = strings(c.Entrypoint);
  const cmd = strings(c.Cmd);
  return {
    ok: true,
    value: {
      diffIds, history: Array.isArray(v.history) ? v.history : [], env, labels,
      ...(entrypoint !== undefined ? { entrypoint } : {}), ...(cmd !== undefined ? { cmd } : {}),
      ...(typeof c.WorkingDir === 'string' && c.WorkingDir !== '' ? { workingDir: c.WorkingDir } : {}),
    },
  };
}

/** `Package`/`Version`/`Architecture` of every installed stanza in dpkg status text (status or status.d). */
export function installedPackages(text: string): { name: string; version: string; architecture: string }[] {
  const out: { name: string; version: string; architecture: string }[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const field = (f: string) => new RegExp(`^${f}:[ \\t]*(.*)$`, 'mi').exec(stanza)?.[1]?.trim();
    const name = field('Package');
    const version = field('Version');
    const status = field('Status');
    if (name === undefined || version === undefined) continue;
    // status.d stanzas may lack Status (distroless writes none); dpkg's status file has one per package.
    if (status !== undefined && !/ installed$/.test(status)) continue;
    out.push({ name, version, architecture: field('Architecture') ?? '' });
  }
  return out;
}
