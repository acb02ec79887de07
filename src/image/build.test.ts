/**
 * A small real image from Debian 12 packages, checked with the tools that consume images:
 * `skopeo inspect` reads our manifest digest and layers, `skopeo copy` copies the image,
 * `umoci unpack` yields a rootfs holding exactly the packages' files plus the declarative ones,
 * `/bin/sh -c 'exit 0'` runs in it under chroot, the oci-archive reads the same, and a second
 * build gives the same digest. A refused .deb aborts the build with nothing written.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debianPackages, fsysTarfile, tarListing } from '../../test/support/debs.js';
import { hasTool } from '../../test/support/tools.js';
import { buildImage, mergedUsr, PLAN_DIGEST_LABEL, RISK_TIER_LABEL, type BuildImageOptions, type BuildImageResult } from './index.js';

const EPOCH = 1_700_000_000;
/** A closed set for a shell: dash needs libc6, which needs libgcc-s1 (and its gcc-12-base). */
const BASE = ['base-files', 'gcc-12-base', 'libgcc-s1', 'libc6', 'dash'];
/** mawk's postinst installs the awk alternative (with nawk and the man pages as slaves). */
const APP = ['zlib1g', 'mawk'];
/** What `update-alternatives` makes of mawk's call (the unit tests compare with the real tool). */
const AWK_ALTERNATIVE = [
  'etc/alternatives d', 'var/lib/dpkg/alternatives d', 'var/lib/dpkg/alternatives/awk f',
  ...['awk', 'nawk', 'awk.1.gz', 'nawk.1.gz'].map((n) => `etc/alternatives/${n} l`),
  'usr/bin/awk l', 'usr/bin/nawk l', 'usr/share/man/man1/awk.1.gz l', 'usr/share/man/man1/nawk.1.gz l',
];
const PLAN = 'sha256:5d41402abc4b2a76b9719d911017c592ae2d6a7e8b1c6e7d2d1b9f0e3a6c4b21';
const PROFILE = { path: '/etc/tessera/profile.conf', content: 'hardening=moderate\n', mode: 0o644 };

let base: string[] | undefined;
let app: string[] | undefined;
let work = '';
let first: BuildImageResult | undefined;

const options = (name: string, extra: Partial<BuildImageOptions> = {}): BuildImageOptions => ({
  debs: { base: base as string[], security: [], app: app as string[] },
  files: [PROFILE],
  config: { user: '65532:65532', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }, entrypoint: ['/bin/sh'], cmd: ['-c', 'exit 0'], workingDir: '/home/nonroot', labels: { 'org.opencontainers.image.title': 'smoke' }, riskTier: 'moderate', planDigest: PLAN },
  sourceDateEpoch: EPOCH,
  output: join(work, name),
  archive: join(work, `${name}.tar`),
  refName: 'smoke',
  ...extra,
});

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tessera-build-'));
  base = debianPackages(BASE);
  app = debianPackages(APP);
  if (base !== undefined && app !== undefined) first = await buildImage(options('one'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** `path type` lines (f, d, l; a hardlink is a file) of what the packages and the builder declare. */
function expectedPaths(debs: string[]): string[] {
  const out = new Map<string, string>();
  const kind: Record<string, string> = { file: 'f', hardlink: 'f', directory: 'd', symlink: 'l' };
  for (const deb of debs) {
    for (const e of tarListing(fsysTarfile(deb))) {
      const path = mergedUsr(e.path.replace(/^\.\//, '').replace(/\/$/, ''));
      if (path !== '' && !out.has(path)) out.set(path, kind[e.type] ?? '?');
    }
  }
  for (const d of ['bin', 'lib', 'lib64', 'sbin']) out.set(d, 'l');
  const declared = ['etc/passwd', 'etc/group', 'etc/tessera/profile.conf', ...BASE.concat(APP).flatMap((n) => [`var/lib/dpkg/status.d/${n}`, `var/lib/dpkg/status.d/${n}.md5sums`])];
  for (const f of declared) out.set(f, 'f');
  for (const d of ['home/nonroot', 'etc/tessera', 'var/lib/dpkg/status.d']) out.set(d, 'd');
  for (const line of AWK_ALTERNATIVE) out.set(line.split(' ')[0] as string, line.split(' ')[1] as string);
  return [...out].map(([p, t]) => `${p} ${t}`).sort();
}

describe('building an OCI image from .debs', () => {
  it('gives base, app and files layers (the empty security group skipped) and labels from the plan', () => {
    if (first === undefined) return;
    expect(first.diagnostics).toEqual([]);
    if (!first.ok) return;
    expect(first.layers.map((l) => l.name)).toEqual(['base', 'app', 'files']);
    console.log(`image ${first.digest}: ${first.layers.map((l) => `${l.name} ${l.uncompressedSize} → ${l.size} bytes`).join(', ')}; archive ${first.archive?.size} bytes`);
    expect(readdirSync(work).sort()).toEqual(['one', 'one.tar']);
  });

  it('is read by skopeo inspect and copied by skopeo copy', () => {
    if (first === undefined || !first.ok || !hasTool('skopeo')) return;
    const inspected = JSON.parse(run('skopeo', ['inspect', `oci:${join(work, 'one')}:smoke`]));
    expect(inspected.Digest).toBe(first.digest);
    expect(inspected.Layers).toEqual(first.layers.map((l) => l.digest));
    expect(inspected.Architecture).toBe('amd64');
    expect(inspected.Labels).toEqual({ 'org.opencontainers.image.title': 'smoke', [RISK_TIER_LABEL]: 'moderate', [PLAN_DIGEST_LABEL]: PLAN });
    const config = JSON.parse(run('skopeo', ['inspect', '--config', `oci:${join(work, 'one')}:smoke`]));
    expect(config.config).toMatchObject({ User: '65532:65532', Entrypoint: ['/bin/sh'], Cmd: ['-c', 'exit 0'], WorkingDir: '/home/nonroot' });
    expect(config.rootfs.diff_ids).toEqual(first.layers.map((l) => l.diffId));

    run('skopeo', ['copy', '--quiet', `oci:${join(work, 'one')}:smoke`, `dir:${join(work, 'copy')}`]);
    const copied = readdirSync(join(work, 'copy')).sort();
    for (const l of first.layers) expect(copied).toContain(l.digest.slice(7));
    expect(JSON.parse(readFileSync(join(work, 'copy', 'manifest.json'), 'utf8')).config.digest).toBe(first.configDigest);

    const archived = JSON.parse(run('skopeo', ['inspect', `oci-archive:${join(work, 'one.tar')}`]));
    expect(archived.Digest).toBe(first.digest);
  });

  it('unpacks with umoci into the packages\' files plus the declared ones, and runs a shell', () => {
    if (first === undefined || !first.ok || !hasTool('umoci')) return;
    const root = process.getuid?.() === 0;
    const bundle = join(work, 'bundle');
    run('umoci', ['unpack', ...(root ? [] : ['--rootless']), '--image', `${join(work, 'one')}:smoke`, bundle]);
    const rootfs = join(bundle, 'rootfs');
    const actual = run('find', [rootfs, '-mindepth', '1', '-printf', '%P %y\\n']).trim().split('\n').sort();
    const expected = expectedPaths([...(base as string[]), ...(app as string[])]);
    expect(actual).toEqual(expected);
    console.log(`rootfs: ${actual.length} paths, equal to the ${BASE.length + APP.length} packages' lists plus the declarative layer`);
    expect(readFileSync(join(rootfs, 'etc/passwd'), 'utf8')).toContain('nonroot:x:65532:65532');
    expect(readFileSync(join(rootfs, 'etc/tessera/profile.conf'), 'utf8')).toBe(PROFILE.content);
    // mawk's alternative, made without its postinst: /usr/bin/awk → /etc/alternatives/awk → /usr/bin/mawk.
    expect([readlinkSync(join(rootfs, 'usr/bin/awk')), readlinkSync(join(rootfs, 'etc/alternatives/awk'))]).toEqual(['/etc/alternatives/awk', '/usr/bin/mawk']);
    expect(statSync(join(rootfs, 'usr/bin/mawk')).isFile()).toBe(true);
    expect(readFileSync(join(rootfs, 'var/lib/dpkg/alternatives/awk'), 'utf8')).toMatch(/^auto\n\/usr\/bin\/awk\n/);
    expect(run('stat', ['-c', '%a %u', join(rootfs, 'tmp'), join(rootfs, 'home/nonroot')]).trim().split('\n')).toEqual(root ? ['1777 0', '700 65532'] : expect.any(Array));
    if (!root) {
      console.warn('skipping the chroot smoke command: it needs root');
      return;
    }
    expect(spawnSync('chroot', [rootfs, '/bin/sh', '-c', 'exit 0']).status).toBe(0);
    expect(spawnSync('chroot', [rootfs, '/bin/sh', '-c', 'exit 3']).status).toBe(3);
    expect(spawnSync('chroot', [rootfs, '/usr/bin/awk', 'BEGIN { print 6 * 7 }'], { encoding: 'utf8' }).stdout).toBe('42\n');
  });

  it('gives the same digests when built again', async () => {
    if (first === undefined || !first.ok) return;
    const again = await buildImage(options('two'));
    expect(again).toEqual(first);
    expect(readFileSync(join(work, 'two.tar')).equals(readFileSync(join(work, 'one.tar')))).toBe(true);
  });

  it('orders the groups base, security, app, and declares the CA bundle and the time zone', async () => {
    const more = debianPackages(['ca-certificates', 'tzdata']);
    if (base === undefined || more === undefined) return;
    const r = await buildImage({ ...options('three'), archive: undefined, files: [], debs: { base: base.slice(0, 1), security: more.slice(0, 1), app: more.slice(1) } });
    if (!r.ok) throw new Error(r.diagnostics[0]?.message);
    expect(r.layers.map((l) => l.name)).toEqual(['base', 'security', 'app', 'files']);
    const blob = (d: string) => readFileSync(join(work, 'three', 'blobs', 'sha256', d.slice(7)));
    const config = JSON.parse(blob(r.configDigest).toString('utf8'));
    const files = gunzipSync(blob(r.layers[3]?.digest as string));
    const listed = tarListing(files);
    expect(config.history.map((h: { created_by: string }) => h.created_by)).toEqual([
      'tessera: base packages: base-files', 'tessera: security packages: ca-certificates', 'tessera: app packages: tzdata', `tessera: declarative files: ${listed.length} entries`,
    ]);
    const crts = tarListing(fsysTarfile(more[0] as string)).filter((e) => /^\.\/usr\/share\/ca-certificates\/.*\.crt$/.test(e.path)).length;
    const bundle = spawnSync('tar', ['-xO', 'etc/ssl/certs/ca-certificates.crt'], { input: files, encoding: 'utf8' }).stdout;
    expect(bundle.match(/^-----BEGIN CERTIFICATE-----$/gm)).toHaveLength(crts);
    expect(listed.filter((e) => e.path.endsWith('.pem'))).toHaveLength(0); // the bundle, without per-certificate links
    expect(listed.find((e) => e.path === 'etc/localtime')).toMatchObject({ type: 'symlink', linkname: '/usr/share/zoneinfo/Etc/UTC' });
    console.log(`with ca-certificates and tzdata: ${listed.length} declarative entries, a bundle of ${crts} certificates`);
  });

  it('writes nothing when a .deb is refused or a package is given twice', async () => {
    if (base === undefined || app === undefined) return;
    const hostile = join(import.meta.dirname, '..', '..', 'testdata', 'hostile-debs', 'absolute-path.deb');
    const parent = mkdtempSync(join(work, 'refused-'));
    const refused = await buildImage({ ...options('x'), output: join(parent, 'img'), archive: join(parent, 'img.tar'), debs: { base, security: [hostile], app } });
    expect(refused.ok).toBe(false);
    expect(refused.diagnostics.map((d) => [d.code, d.deb])).toEqual([['image/absolute-path', 'absolute-path.deb']]);
    const twice = await buildImage({ ...options('x'), output: join(parent, 'img'), archive: undefined, debs: { base, security: [], app: [...app, ...base.slice(0, 1)] } });
    expect(twice.diagnostics.map((d) => d.code)).toEqual(['image/duplicate-package']);
    expect(readdirSync(parent)).toEqual([]);
  });
});
