/**
 * `npm run bench -- image`: building an image of a small package set from cached .debs, ours
 * against `mmdebstrap --variant=extract` of the same roots into a tarball, in the same run. The
 * roots are the issue's: base-files ca-certificates tzdata netbase libc6 libssl3 openssl curl, with
 * their dependencies (our resolver on the signed index; mmdebstrap's apt on the host's mirror).
 * Both start from .debs already on disk: ours from its content-addressed cache, mmdebstrap from
 * its apt cache, filled by a setup hook. Ours writes an OCI layout (gzip layers); the size
 * compared with mmdebstrap's tarball is our uncompressed layer tars.
 */
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPackagesIndex, readVerifiedRelease } from '../src/archive/index.js';
import { PackageUniverse } from '../src/catalog/index.js';
import { buildImage, fetchDebs, hostMirror } from '../src/image/index.js';
import { resolve } from '../src/solver/index.js';
import { median } from './lib/measure.js';
import { ROOT } from './lib/root.js';
import type { BenchOptions, BenchResult } from './lib/types.js';
import { target } from './lib/types.js';

const ROOTS = ['base-files', 'ca-certificates', 'tzdata', 'netbase', 'libc6', 'libssl3', 'openssl', 'curl'];
const DEBIAN = join(process.env.TESSERA_SHARED_DATA ?? join(ROOT, '..', 'shared', 'data'), 'debian');

export async function run(options: BenchOptions = {}): Promise<BenchResult> {
  const log = options.log ?? (() => undefined);
  const runs = options.quick === true ? 1 : 5;
  const mirror = hostMirror('bookworm');
  if (mirror === undefined) throw new Error('no bookworm mirror in the host\'s apt sources');
  const { release } = await readVerifiedRelease(join(DEBIAN, 'bookworm', 'InRelease'), join(DEBIAN, 'debian-archive-keyring.gpg'));
  const { packages } = await readPackagesIndex(join(DEBIAN, 'bookworm', 'main-binary-amd64-Packages.xz'), release, 'main/binary-amd64/Packages');
  const universe = new PackageUniverse([{ name: 'bookworm/main', priority: 500, packages }]);
  const resolved = resolve(universe, ROOTS.map((name) => ({ name })));
  if (!resolved.ok) throw new Error('the roots do not resolve');
  const wanted = resolved.packages.map((p) => ({ name: p.name, version: p.version, architecture: p.architecture, filename: p.candidate.package.filename, sha256: p.candidate.package.sha256, size: p.candidate.package.size }));
  const work = await mkdtemp(join(tmpdir(), 'tessera-bench-image-'));
  // The machine may be shared: the load beside the result says how much the times can be trusted.
  const loadBefore = loadavg()[0] as number;
  try {
    const cache = join(tmpdir(), 'tessera-bench-debs');
    const fetched = await fetchDebs(wanted, { cacheDir: cache, sources: [{ kind: 'mirror', url: mirror }] });
    if (!fetched.ok) throw new Error(fetched.diagnostics.map((d) => d.message).join('; '));
    const debs = resolved.packages.map((p) => fetched.files.get(p.name)!);

    // mmdebstrap's apt takes .debs already in its cache, named as apt names them; they are laid
    // out once here, outside the timing, and the setup hook only copies them in.
    const named = join(work, 'apt-named');
    await mkdir(named);
    for (const p of resolved.packages) await copyFile(fetched.files.get(p.name)!, join(named, `${p.name}_${p.version.replace(':', '%3a')}_${p.architecture}.deb`));
    const hook = `mkdir -p "$1/var/cache/apt/archives" && cp ${named}/*.deb "$1/var/cache/apt/archives/"`;

    const ours: number[] = [];
    const theirs: number[] = [];
    let uncompressed = 0;
    let compressed = 0;
    let packageLayers = 0;
    let digest = '';
    let tarSize = 0;
    let theirPackages = 0;
    // The two alternate, run by run: on a shared machine the load changes within minutes, and
    // each pair then sees about the same load.
    for (let i = 0; i < runs; i++) {
      const output = join(work, `ours-${i}`);
      let t = performance.now();
      const built = await buildImage({ debs: { base: debs, security: [], app: [] }, config: { user: '65532' }, sourceDateEpoch: 1_700_000_000, output });
      ours.push(performance.now() - t);
      if (!built.ok) throw new Error(built.diagnostics.map((d) => d.message).join('; '));
      if (digest !== '' && built.digest !== digest) throw new Error('two builds gave different digests');
      digest = built.digest;
      uncompressed = built.layers.reduce((n, l) => n + l.uncompressedSize, 0);
      packageLayers = built.layers.filter((l) => l.name !== 'files').reduce((n, l) => n + l.uncompressedSize, 0);
      compressed = built.layers.reduce((n, l) => n + l.size, 0);
      await rm(output, { recursive: true, force: true });

      const out = join(work, `mmdebstrap-${i}.tar`);
      t = performance.now();
      execFileSync('mmdebstrap', ['--quiet', '--variant=extract', `--include=${ROOTS.join(',')}`, `--setup-hook=${hook}`, 'bookworm', out, `deb ${mirror} bookworm main`], { stdio: 'pipe' });
      theirs.push(performance.now() - t);
      tarSize = (await stat(out)).size;
      theirPackages = Number(execFileSync('sh', ['-c', 'tar -tf "$0" | grep -c "^\\./usr/share/doc/[^/]*/$" || true', out], { encoding: 'utf8' }).trim());
      await rm(out, { force: true });
    }
    const pairRatios = theirs.map((t, i) => t / (ours[i] as number));
    const ratio = median(theirs) / median(ours);
    log(`image: ours ${median(ours).toFixed(0)} ms, mmdebstrap ${median(theirs).toFixed(0)} ms (${ratio.toFixed(2)}×)`);
    const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
    const loadAfter = loadavg()[0] as number;
    return {
      name: 'image',
      title: `an image of ${ROOTS.length} roots (${resolved.packages.length} packages) from cached .debs: ours vs mmdebstrap --variant=extract`,
      table: {
        columns: ['', 'median time', 'size'],
        rows: [
          [`ours: OCI layout (${resolved.packages.length} packages, 1 layer + declarative files)`, `${median(ours).toFixed(0)} ms`, `${mb(uncompressed)} uncompressed, ${mb(compressed)} gzip`],
          ['ours: of which the package layer / the declarative layer', '', `${packageLayers} / ${uncompressed - packageLayers} bytes`],
          [`mmdebstrap --variant=extract → tarball (~${theirPackages} packages with docs dirs)`, `${median(theirs).toFixed(0)} ms`, `${mb(tarSize)} tar (${tarSize} bytes)`],
          ['mmdebstrap / ours (median of each / median of the run-by-run ratios)', `${ratio.toFixed(2)}× / ${median(pairRatios).toFixed(2)}×`, `${(uncompressed / tarSize).toFixed(4)} of its size (package layer alone ${(packageLayers / tarSize).toFixed(4)})`],
        ],
      },
      metrics: {
        oursMs: median(ours), mmdebstrapMs: median(theirs), ratio, oursUncompressedBytes: uncompressed, oursPackageLayerBytes: packageLayers, oursCompressedBytes: compressed,
        mmdebstrapTarBytes: tarSize, packages: resolved.packages.length, pairRatios: pairRatios.map((r) => r.toFixed(2)).join(' '), oursRunsMs: ours.map((t) => t.toFixed(0)).join(' '), mmdebstrapRunsMs: theirs.map((t) => t.toFixed(0)).join(' '), loadAverageBefore: loadBefore, loadAverageAfter: loadAfter,
      },
      targets: [
        target('mmdebstrap / ours (time)', ratio, '>=', 2, '×'),
        target('our uncompressed size / mmdebstrap tarball', uncompressed / tarSize, '<=', 1, '×'),
      ],
      notes: [
        `Load average (1 min) ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after, on ${cpus().length} cores; the tools alternate run by run, so load slows both alike. Runs (ms), ours: ${ours.map((t) => t.toFixed(0)).join(', ')}; mmdebstrap: ${theirs.map((t) => t.toFixed(0)).join(', ')}.`,
        'Ours: 4 packages read at once, file contents held in memory, data archives of 128 KiB or more decompressed by the system\'s xz/zstd in child processes (smaller ones by the WebAssembly decoder), layers gzipped (level 2, memLevel 9) in fixed 1 MiB pieces in parallel while the tar is written, never writing the tar to disk (deterministic), identical documentation hardlinked (never copyright files: Trivy skips hardlinks).',
        'Size: the declarative layer (status.d stanzas and md5sums, CA bundle, passwd/group, tzdata defaults) is what maintainer scripts and dpkg would write; mmdebstrap --variant=extract writes none of it. The package layer alone is compared in the last row.',
        `Our image is the same digest on every run (${digest}). mmdebstrap resolves on the host mirror's current index, ours on the signed index in ../shared/data; the package sets can differ by a point release.`,
      ],
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
