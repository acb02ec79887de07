/**
 * Building on an existing OCI image layout (`base`): image A from the dash closure, then B on A
 * with mawk. B's first layers are A's, blob for blob; skopeo reads B; umoci unpacks B into a rootfs
 * holding A's files and B's (mawk, its awk alternative), with A's packages not laid again; A's
 * environment is merged under B's and A's history comes first; B builds to the same digest twice.
 * A base that is not a layout, is for another platform, holds several images without a tag to
 * choose, or has a corrupt blob is refused with a diagnostic and nothing written.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debianPackages } from '../../test/support/debs.js';
import { hasTool } from '../../test/support/tools.js';
import { buildImage, type BuildImageOptions, type BuildImageResult } from './index.js';

const EPOCH = 1_700_000_000;
const A_PACKAGES = ['base-files', 'gcc-12-base', 'libgcc-s1', 'libc6', 'dash'];

let a: string[] | undefined;
let mawk: string[] | undefined;
let work = '';
let imageA: Extract<BuildImageResult, { ok: true }> | undefined;
let imageB: Extract<BuildImageResult, { ok: true }> | undefined;

const optionsB = (name: string, extra: Partial<BuildImageOptions> = {}): BuildImageOptions => ({
  // B asks for A's packages too: the base has them at the same versions, so only mawk is laid.
  debs: { base: a as string[], security: [], app: mawk as string[] },
  config: { user: '65532', env: { PATH: '/usr/bin:/bin', B_ONLY: 'b' } },
  sourceDateEpoch: EPOCH,
  output: join(work, name),
  base: { dir: join(work, 'A') },
  ...extra,
});

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tessera-base-'));
  a = debianPackages(A_PACKAGES);
  mawk = debianPackages(['mawk']);
  if (a === undefined || mawk === undefined) return;
  const builtA = await buildImage({ debs: { base: a, security: [], app: [] }, config: { user: '0', env: { PATH: '/usr/sbin:/usr/bin', A_ONLY: 'a' }, entrypoint: ['/bin/dash'] }, sourceDateEpoch: EPOCH, output: join(work, 'A') });
  if (!builtA.ok) throw new Error(builtA.diagnostics[0]?.message);
  imageA = builtA;
  const builtB = await buildImage(optionsB('B'));
  if (!builtB.ok) throw new Error(builtB.diagnostics[0]?.message);
  imageB = builtB;
}, 180_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const blob = (layout: string, digest: string) => readFileSync(join(layout, 'blobs', 'sha256', digest.slice(7)));
const configOf = (layout: string, r: { configDigest: string }) => JSON.parse(blob(layout, r.configDigest).toString('utf8'));

describe('building on a base image layout', () => {
  it('puts the base\'s layers first, blob for blob, and lays only what the base lacks', () => {
    if (imageA === undefined || imageB === undefined) return;
    expect(imageB.base?.layers.map((l) => l.digest)).toEqual(imageA.layers.map((l) => l.digest));
    expect(imageB.base?.manifestDigest).toBe(imageA.digest);
    expect(imageB.base?.reused).toEqual(A_PACKAGES);
    expect(imageB.layers.map((l) => l.name)).toEqual(['app', 'files']);
    for (const l of imageA.layers) expect(blob(join(work, 'B'), l.digest).equals(blob(join(work, 'A'), l.digest))).toBe(true);
    const config = configOf(join(work, 'B'), imageB);
    const configA = configOf(join(work, 'A'), imageA);
    expect(config.rootfs.diff_ids).toEqual([...imageA.layers.map((l) => l.diffId), ...imageB.layers.map((l) => l.diffId)]);
    expect(config.history.slice(0, configA.history.length)).toEqual(configA.history);
    expect(config.history.map((h: { created_by: string }) => h.created_by).slice(-2)).toEqual(['tessera: app packages: mawk', expect.stringMatching(/^tessera: declarative files: /)]);
    // The base's environment under ours (ours wins), its entrypoint kept since B sets none.
    expect(config.config.Env).toEqual(['A_ONLY=a', 'B_ONLY=b', 'PATH=/usr/bin:/bin']);
    expect(config.config.Entrypoint).toEqual(['/bin/dash']);
  });

  it('is read by skopeo with the base\'s layers first', () => {
    if (imageA === undefined || imageB === undefined || !hasTool('skopeo')) return;
    const inspected = JSON.parse(run('skopeo', ['inspect', `oci:${join(work, 'B')}:latest`]));
    expect(inspected.Digest).toBe(imageB.digest);
    expect(inspected.Layers).toEqual([...imageA.layers, ...imageB.layers].map((l) => l.digest));
  });

  it('unpacks with umoci into the base\'s files and ours, mawk\'s alternative included', () => {
    if (imageA === undefined || imageB === undefined || !hasTool('umoci')) return;
    const bundle = join(work, 'bundle-B');
    run('umoci', ['unpack', ...(process.getuid?.() === 0 ? [] : ['--rootless']), '--image', `${join(work, 'B')}:latest`, bundle]);
    const rootfs = join(bundle, 'rootfs');
    for (const f of ['usr/bin/dash', 'usr/lib/x86_64-linux-gnu/libc.so.6', 'usr/bin/mawk', 'var/lib/dpkg/status.d/dash', 'var/lib/dpkg/status.d/mawk']) expect(existsSync(join(rootfs, f)), f).toBe(true);
    expect(readlinkSync(join(rootfs, 'usr/bin/awk'))).toBe('/etc/alternatives/awk');
    expect(readlinkSync(join(rootfs, 'bin'))).toBe('usr/bin');
    if (process.getuid?.() === 0) expect(spawnSync('chroot', [rootfs, '/bin/sh', '-c', 'echo 2 3 | awk \'{ print $1 * $2 }\''], { encoding: 'utf8' }).stdout).toBe('6\n');
  });

  it('gives the same digest when built on the same base again', async () => {
    if (imageB === undefined) return;
    const again = await buildImage(optionsB('B2'));
    expect(again).toEqual(imageB);
  });

  it('builds on a layout another tool made (umoci), adding the merged-/usr links it lacks', async () => {
    if (a === undefined || mawk === undefined || !hasTool('umoci')) return;
    const layout = join(work, 'umoci-layout');
    const bundle = join(work, 'umoci-bundle');
    run('umoci', ['init', '--layout', layout]);
    run('umoci', ['new', '--image', `${layout}:v1`]);
    run('umoci', ['unpack', '--image', `${layout}:v1`, bundle]);
    mkdirSync(join(bundle, 'rootfs', 'etc'), { recursive: true });
    writeFileSync(join(bundle, 'rootfs', 'etc', 'motd'), 'from the base\n');
    run('umoci', ['repack', '--image', `${layout}:v1`, bundle]);
    run('umoci', ['config', '--image', `${layout}:v1`, '--config.env', 'FROM_BASE=1']);
    const r = await buildImage(optionsB('on-umoci', { base: { dir: layout } }));
    if (!r.ok) throw new Error(r.diagnostics[0]?.message);
    // Nothing of A's packages is in this base: every one is laid, with the links.
    expect(r.base?.reused).toEqual([]);
    expect(r.layers.map((l) => l.name)).toEqual(['base', 'app', 'files']);
    const out = join(work, 'bundle-on-umoci');
    run('umoci', ['unpack', ...(process.getuid?.() === 0 ? [] : ['--rootless']), '--image', `${join(work, 'on-umoci')}:latest`, out]);
    expect(readFileSync(join(out, 'rootfs', 'etc', 'motd'), 'utf8')).toBe('from the base\n');
    expect(readlinkSync(join(out, 'rootfs', 'bin'))).toBe('usr/bin');
    expect(readlinkSync(join(out, 'rootfs', 'usr/bin/awk'))).toBe('/etc/alternatives/awk');
    expect(configOf(join(work, 'on-umoci'), r).config.Env).toEqual(['B_ONLY=b', 'FROM_BASE=1', 'PATH=/usr/bin:/bin']);
  });

  describe('refuses a base it cannot use, writing nothing', () => {
    const refused = async (dir: string, ref?: string) => {
      const out = mkdtempSync(join(work, 'refused-'));
      const r = await buildImage(optionsB('x', { output: join(out, 'img'), base: { dir, ...(ref !== undefined ? { ref } : {}) } }));
      expect(readdirSync(out)).toEqual([]);
      expect(r.ok).toBe(false);
      expect(r.diagnostics.map((d) => d.code)).toEqual(['image/bad-base']);
      return r.diagnostics[0]?.message ?? '';
    };
    /** A copy of A with `edit` applied to its files. */
    const variant = (name: string, edit: (dir: string) => void) => {
      const dir = join(work, name);
      cpSync(join(work, 'A'), dir, { recursive: true });
      edit(dir);
      return dir;
    };
    const putJson = (dir: string, value: unknown) => {
      const bytes = Buffer.from(JSON.stringify(value));
      const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
      writeFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
      return { digest, size: bytes.length };
    };

    it('not a layout', async () => {
      if (imageA === undefined) return;
      const empty = join(work, 'empty');
      mkdirSync(empty);
      expect(await refused(empty)).toMatch(/cannot read `oci-layout`/);
      expect(await refused(join(work, 'missing'))).toMatch(/is not a directory/);
    });

    it('for another platform', async () => {
      if (imageA === undefined) return;
      const dir = variant('arm64', (d) => {
        const config = { ...configOf(d, imageA as { configDigest: string }), architecture: 'arm64' };
        const c = putJson(d, config);
        const manifest = JSON.parse(blob(d, imageA?.digest as string).toString('utf8'));
        const m = putJson(d, { ...manifest, config: { ...manifest.config, ...c } });
        writeFileSync(join(d, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m }] }));
      });
      expect(await refused(dir)).toBe('the base is for linux/arm64; this image is for linux/amd64');
    });

    it('several images and no tag to choose one (the tag chooses)', async () => {
      if (imageA === undefined) return;
      const dir = variant('two', (d) => {
        const index = JSON.parse(readFileSync(join(d, 'index.json'), 'utf8'));
        const first = index.manifests[0];
        index.manifests.push({ ...first, annotations: { 'org.opencontainers.image.ref.name': 'other' } });
        writeFileSync(join(d, 'index.json'), JSON.stringify(index));
      });
      expect(await refused(dir)).toMatch(/lists 2 image manifests \(tags: latest, other\); choose one with its tag/);
      expect(await refused(dir, 'nope')).toMatch(/no image manifests tagged `nope`/);
      const chosen = await buildImage(optionsB('by-tag', { base: { dir, ref: 'other' } }));
      expect(chosen.ok && chosen.digest).toBe(imageB?.digest);
    });

    it('a layer blob that is not what the manifest says', async () => {
      if (imageA === undefined) return;
      const layer = imageA.layers[0]?.digest as string;
      const dir = variant('corrupt', (d) => {
        const file = join(d, 'blobs', 'sha256', layer.slice(7));
        const bytes = readFileSync(file);
        const at = bytes.length - 20;
        bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
        writeFileSync(file, bytes);
      });
      expect(await refused(dir)).toMatch(/cannot be read|the manifest says/);
    });
  });
});
