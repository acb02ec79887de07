/**
 * Package layers shared across images: a second image from the same .debs (and SOURCE_DATE_EPOCH)
 * takes its package layers from the cache and has exactly the digests of a build without it; an
 * image sharing only the base group reuses only that layer; another epoch, or a damaged entry, is
 * a miss that builds the layer anew.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debianPackages } from '../../test/support/debs.js';
import { buildImage, type BuildImageOptions, type BuildImageResult } from './index.js';

const BASE = ['base-files', 'gcc-12-base', 'libgcc-s1', 'libc6', 'dash'];
let base: string[] | undefined;
let app: string[] | undefined;
let other: string[] | undefined;
let work = '';
let cache = '';
let plain: BuildImageResult | undefined;

const options = (name: string, extra: Partial<BuildImageOptions> = {}): BuildImageOptions => ({
  debs: { base: base as string[], security: [], app: app as string[] },
  config: { user: '65532' },
  sourceDateEpoch: 1_700_000_000,
  output: join(work, name),
  ...extra,
});
const strip = (r: BuildImageResult) => (r.ok ? { digest: r.digest, configDigest: r.configDigest, layers: r.layers } : r);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tessera-layer-cache-'));
  cache = join(work, 'cache');
  base = debianPackages(BASE);
  app = debianPackages(['mawk']);
  other = debianPackages(['zlib1g']);
  if (base !== undefined && app !== undefined) plain = await buildImage(options('plain'));
}, 180_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the layer cache', () => {
  it('stores the package layers, then reuses them with the same digests as without a cache', async () => {
    if (plain === undefined) return;
    const first = await buildImage(options('first', { layerCache: cache }));
    expect(first.ok && first.layerCache).toEqual({ hits: [], stored: ['base', 'app'] });
    expect(strip(first)).toEqual(strip(plain));
    expect(readdirSync(cache)).toHaveLength(2);
    const second = await buildImage(options('second', { layerCache: cache }));
    expect(second.ok && second.layerCache).toEqual({ hits: ['base', 'app'], stored: [] });
    expect(strip(second)).toEqual(strip(plain));
  });

  it('reuses only the layer whose inputs are the same', async () => {
    if (plain === undefined || other === undefined) return;
    const r = await buildImage(options('other-app', { layerCache: cache, debs: { base: base as string[], security: [], app: other } }));
    expect(r.ok && r.layerCache).toEqual({ hits: ['base'], stored: ['app'] });
    expect(r.ok && r.layers[0]?.digest).toBe(plain.ok && plain.layers[0]?.digest);
    const epoch = await buildImage(options('epoch', { layerCache: cache, sourceDateEpoch: 1_700_000_001 }));
    expect(epoch.ok && epoch.layerCache).toEqual({ hits: [], stored: ['base', 'app'] });
  });

  it('builds a layer anew when its cache entry is damaged', async () => {
    if (plain === undefined) return;
    const isolated = join(work, 'cache-damaged');
    await buildImage(options('d1', { layerCache: isolated }));
    for (const key of readdirSync(isolated)) writeFileSync(join(isolated, key, 'layer.tar.gz'), 'not the layer');
    const r = await buildImage(options('d2', { layerCache: isolated }));
    expect(r.ok && r.layerCache).toEqual({ hits: [], stored: ['base', 'app'] });
    expect(strip(r)).toEqual(strip(plain));
    const again = await buildImage(options('d3', { layerCache: isolated }));
    expect(again.ok && again.layerCache).toEqual({ hits: ['base', 'app'], stored: [] });
  });
});
