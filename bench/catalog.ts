/**
 * `npm run bench -- catalog`: loading the bookworm main (amd64) package index, 63,440 packages,
 * from the compact cache (`tessera catalog import` writes it) against reading it again from the
 * signed archive files (verify InRelease with gpgv, stream-decompress the xz index, parse, hash).
 * Also the deb822 parse alone, for scale. Real files from ../shared/data (TESSERA_SHARED_DATA).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPackagesIndex, readVerifiedRelease } from '../src/archive/index.js';
import { decodeIndexCache, encodeIndexCache, parsePackages } from '../src/catalog/index.js';
import { median } from './lib/measure.js';
import { ROOT } from './lib/root.js';
import type { BenchOptions, BenchResult } from './lib/types.js';
import { target } from './lib/types.js';

const DATA = join(process.env.TESSERA_SHARED_DATA ?? join(ROOT, '..', 'shared', 'data'), 'debian');

export async function run(options: BenchOptions = {}): Promise<BenchResult> {
  const log = options.log ?? (() => undefined);
  const runs = options.quick === true ? 1 : 5;
  const inRelease = join(DATA, 'bookworm', 'InRelease');
  const keyring = join(DATA, 'debian-archive-keyring.gpg');
  const index = join(DATA, 'bookworm', 'main-binary-amd64-Packages.xz');
  const dir = await mkdtemp(join(tmpdir(), 'tessera-bench-catalog-'));
  try {
    const fromArchive: number[] = [];
    let packages = 0;
    let cacheText = '';
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const { release } = await readVerifiedRelease(inRelease, keyring);
      const read = await readPackagesIndex(index, release, 'main/binary-amd64/Packages');
      fromArchive.push(performance.now() - t);
      packages = read.packages.length;
      cacheText = encodeIndexCache(read.packages, { codename: release.codename, path: 'main/binary-amd64/Packages', sha256: read.sha256 });
    }
    const cacheFile = join(dir, 'index.json');
    await writeFile(cacheFile, cacheText);
    const fromCache: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const d = decodeIndexCache(await readFile(cacheFile, 'utf8'));
      fromCache.push(performance.now() - t);
      if (!d.ok || d.packages.length !== packages) throw new Error('the cache did not decode to the index');
    }
    const text = execFileSync('xz', ['-dc', index], { encoding: 'utf8', maxBuffer: 512 << 20 });
    const parseOnly: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      parsePackages(text);
      parseOnly.push(performance.now() - t);
    }
    log(`catalog: archive ${median(fromArchive).toFixed(0)} ms, cache ${median(fromCache).toFixed(0)} ms`);
    const ratio = median(fromArchive) / median(fromCache);
    const ms = (x: number) => `${x.toFixed(0)} ms`;
    return {
      name: 'catalog',
      title: 'loading the bookworm package index: compact cache vs the signed archive files',
      table: {
        columns: ['', 'median', 'size'],
        rows: [
          [`from the archive: gpgv + xz + parse + SHA-256 (${packages.toLocaleString('en-US')} packages)`, ms(median(fromArchive)), '8.8 MB xz (50 MB text)'],
          ['of which the deb822 parse alone', ms(median(parseOnly)), ''],
          ['from the compact cache: read + decode', ms(median(fromCache)), `${(cacheText.length / 1e6).toFixed(1)} MB`],
          ['archive / cache', `${ratio.toFixed(1)}×`, ''],
        ],
      },
      metrics: { packages, archiveMedianMs: median(fromArchive), cacheMedianMs: median(fromCache), parseMedianMs: median(parseOnly), ratio, cacheBytes: cacheText.length },
      targets: [target('cache loads faster than re-reading the archive', ratio, '>=', 2, '×')],
      notes: ['The cache interns strings and stores relations as numbers; decoding builds every package object eagerly. A lazily decoded, columnar cache (what the resolver will want) is the next step.'],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
