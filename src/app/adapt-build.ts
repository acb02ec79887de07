/**
 * The adaptation loop's builder: `tessera image build`'s use case (buildFromPlan: fetch and verify
 * the plan's .debs, render the controls' profile files, build with SBOMs and provenance), into a
 * new directory per image under `<data-dir>/images/<deployment>/`. Failures are `ImageRebuildError`s naming the step.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { documentPaths, type DebSource } from '../image/index.js';
import { buildFromPlan } from './build-plan.js';
import type { BuiltImage } from './adapt.js';
import type { ImagePlan } from './plan.js';

export class ImageRebuildError extends Error {
  readonly code: 'monitor/fetch-failed' | 'monitor/profile-failed' | 'monitor/build-failed';
  constructor(code: ImageRebuildError['code'], message: string) {
    super(message);
    this.name = 'ImageRebuildError';
    this.code = code;
  }
}

export interface RebuildOptions {
  /** The data directory: its `debs` cache and `images` directory. */
  readonly dataDir: string;
  /** Where the plan's repository-relative profile sources are read from. */
  readonly repoDir: string;
  /** Where .debs come from after the cache: directories, apt's cache, a mirror. */
  readonly sources: readonly DebSource[];
  readonly sourceDateEpoch: number;
  readonly user?: string;
  readonly toolVersion: string;
  /** A directory of package layers shared across images (e.g. `<data-dir>/layers`); none: no reuse. */
  readonly layerCache?: string;
}

/** A directory name that a deployment id cannot turn into a path outside `images/`. */
const safeName = (id: string) => id.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');

/** The built image's digest, layers and attached documents (for the artifact store), and where it was written. */
export async function buildPlannedImage(plan: ImagePlan, deploymentId: string, options: RebuildOptions): Promise<BuiltImage & { output: string }> {
  const dir = join(options.dataDir, 'images', safeName(deploymentId));
  await mkdir(dir, { recursive: true });
  // Built under a temporary name, then named by its digest: a crash leaves no half image under a digest.
  const temporary = join(dir, `.building-${plan.digest.slice(7, 23)}-${Date.now()}`);
  const result = await buildFromPlan(plan, {
    dataDir: options.dataDir, repoDir: options.repoDir, sources: options.sources, sourceDateEpoch: options.sourceDateEpoch,
    user: options.user ?? '65532', output: temporary, toolVersion: options.toolVersion,
    ...(options.layerCache !== undefined ? { layerCache: options.layerCache } : {}),
  });
  if (!result.ok) {
    await removeBuild(temporary);
    if (result.stage === 'fetch') throw new ImageRebuildError('monitor/fetch-failed', `packages could not be fetched: ${result.diagnostics.map((d) => `${d.deb}: ${d.message}`).join('; ')}`);
    if (result.stage === 'profile') throw new ImageRebuildError('monitor/profile-failed', result.message);
    throw new ImageRebuildError('monitor/build-failed', `the image was not built: ${result.diagnostics.map((d) => `${d.deb}: ${d.message}`).join('; ')}`);
  }
  const digest = result.built.digest;
  const output = join(dir, digest.replace(':', '-'));
  const layers = result.built.layers.map((l) => ({ digest: l.digest, size: l.size }));
  const documents = (result.built.documents ?? []).map((x) => ({ kind: x.kind, mediaType: x.mediaType, digest: x.digest, referrer: x.referrer }));
  if (existsSync(output)) {
    await removeBuild(temporary);
    return { digest, output, layers, documents };
  }
  // The layout and the documents beside it (SBOMs, provenance) move together.
  const from = documentPaths(temporary);
  const to = documentPaths(output);
  for (const kind of Object.keys(from) as (keyof typeof from)[]) if (existsSync(from[kind])) await rename(from[kind], to[kind]);
  await rename(temporary, output);
  return { digest, output, layers, documents };
}

/** A build's directory and the documents beside it. */
async function removeBuild(layout: string): Promise<void> {
  await rm(layout, { recursive: true, force: true });
  for (const path of Object.values(documentPaths(layout))) await rm(path, { force: true });
}
