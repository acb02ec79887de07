/**
 * Building the image a plan describes: fetch and verify its .debs (cache, directories, apt's cache,
 * a mirror; each checked against the signed index's size and SHA-256), render the controls'
 * profile files, then `buildImage` with the SBOMs and provenance. One use case for `tessera image
 * build` and the adaptation loop, so a rebuilt image carries the same documents as a built one.
 * Problems come back as data, by stage; nothing is written unless the whole build succeeds.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderProfileText } from '../controls/index.js';
import { buildImage, fetchDebs, type DebSource, type DeclaredFile } from '../image/index.js';
import type { ImagePlan } from './plan.js';

type Fetched = Awaited<ReturnType<typeof fetchDebs>>;
type Built = Awaited<ReturnType<typeof buildImage>>;
type FetchProgress = NonNullable<Parameters<typeof fetchDebs>[1]['onProgress']>;

export interface PlanBuildOptions {
  /** The data directory: its `debs` cache. */
  readonly dataDir: string;
  /** Where the plan's repository-relative profile sources are read from. */
  readonly repoDir: string;
  /** Where .debs come from after the cache. */
  readonly sources: readonly DebSource[];
  readonly sourceDateEpoch: number;
  readonly user: string;
  /** The OCI layout directory to create (the documents go beside it). */
  readonly output: string;
  readonly archive?: string;
  /** An OCI image layout to build on (`buildImage`'s `base`): its layers first; packages it has are not laid again. */
  readonly base?: { readonly dir: string; readonly ref?: string };
  /** A directory of package layers shared across images (`buildImage`'s `layerCache`), e.g. `<data-dir>/layers`. */
  readonly layerCache?: string;
  readonly toolVersion: string;
  readonly onProgress?: FetchProgress;
}

export type PlanBuild =
  | { readonly ok: true; readonly built: Extract<Built, { ok: true }>; readonly downloadedBytes: number; readonly files: number }
  | { readonly ok: false; readonly stage: 'fetch'; readonly diagnostics: Extract<Fetched, { ok: false }>['diagnostics'] }
  | { readonly ok: false; readonly stage: 'profile'; readonly message: string }
  | { readonly ok: false; readonly stage: 'build'; readonly diagnostics: Extract<Built, { ok: false }>['diagnostics'] };

export async function buildFromPlan(plan: ImagePlan, o: PlanBuildOptions): Promise<PlanBuild> {
  const fetched = await fetchDebs(plan.packages, { cacheDir: join(o.dataDir, 'debs'), sources: [...o.sources], ...(o.onProgress !== undefined ? { onProgress: o.onProgress } : {}) });
  if (!fetched.ok) return { ok: false, stage: 'fetch', diagnostics: fetched.diagnostics };
  const files: DeclaredFile[] = [];
  for (const f of plan.files) {
    const rendered = renderProfileText(await readFile(join(o.repoDir, f.source), 'utf8'));
    if (!rendered.ok) return { ok: false, stage: 'profile', message: `${f.source}: ${rendered.problems.join('; ')}` };
    files.push({ path: f.path, content: rendered.text, mode: Number.parseInt(f.mode, 8) });
  }
  const layerOf = (group: 'base' | 'security') => plan.packages.filter((p) => p.layer === group).map((p) => fetched.files.get(p.name) as string);
  const built = await buildImage({
    debs: { base: layerOf('base'), security: layerOf('security'), app: [] },
    files,
    config: { user: o.user, labels: { 'org.opencontainers.image.title': plan.app }, riskTier: plan.risk.tier, planDigest: plan.digest },
    sourceDateEpoch: o.sourceDateEpoch,
    output: o.output,
    ...(o.archive !== undefined ? { archive: o.archive } : {}),
    ...(o.base !== undefined ? { base: o.base } : {}),
    ...(o.layerCache !== undefined ? { layerCache: o.layerCache } : {}),
    documents: { app: plan.app, planDigest: plan.digest, packages: plan.packages, sources: plan.sources ?? [], intel: plan.risk?.intel, toolVersion: o.toolVersion },
  });
  if (!built.ok) return { ok: false, stage: 'build', diagnostics: built.diagnostics };
  return { ok: true, built, downloadedBytes: fetched.downloadedBytes, files: files.length };
}
