/**
 * Layers from real Debian 12 packages, checked against GNU tar: the layer lists exactly the
 * packages' entries (as dpkg-deb extracts them) mapped to merged-/usr, in path order, with one
 * mtime; GNU tar extracts it; two builds are byte-identical; nothing is left beside the layer.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipFile } from '../oci/gzip.js';
import { debianPackages, fsysTarfile, REAL_DEBS, tarListing, type OracleEntry } from '../../../test/support/debs.js';
import { mergedUsr, systemDecompressor, writeLayer } from '../index.js';

const EPOCH = 1_700_000_000; // 2023-11-14 22:13:20 UTC
let debs: string[] | undefined;
let work = '';
beforeAll(() => {
  debs = debianPackages(REAL_DEBS);
  work = mkdtempSync(join(tmpdir(), 'tessera-layer-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** What the layer should hold: every package's entries, normalized and mapped, first one wins. */
function expectedEntries(files: string[]): OracleEntry[] {
  const out = new Map<string, OracleEntry>();
  const norm = (p: string) => mergedUsr(p.replace(/^\.\//, '').replace(/\/$/, ''));
  for (const deb of files) {
    for (const e of tarListing(fsysTarfile(deb))) {
      const path = norm(e.path);
      if (path === '' || out.has(path)) continue;
      out.set(path, { ...e, path, linkname: e.type === 'hardlink' ? norm(e.linkname) : e.linkname });
    }
  }
  for (const d of ['bin', 'lib', 'lib64', 'sbin']) out.set(d, { path: d, type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, linkname: `usr/${d}` });
  return [...out.values()].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
}

describe('writing layers from real .debs', () => {
  it('holds exactly the packages\' entries, merged-/usr, sorted, with one mtime', async () => {
    if (debs === undefined) return;
    const target = join(work, 'a', 'layer.tar');
    spawnSync('mkdir', ['-p', join(work, 'a')]);
    // Without linking identical documentation, the layer is exactly what dpkg-deb extracts.
    const r = await writeLayer({ debs, target, sourceDateEpoch: EPOCH, mergedUsrLinks: true, dedupe: false });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(readdirSync(join(work, 'a'))).toEqual(['layer.tar']);
    const bytes = readFileSync(target);
    expect(r.size).toBe(bytes.length);
    expect(r.digest).toBe(`sha256:${createHash('sha256').update(bytes).digest('hex')}`);

    const listed = tarListing(null, target);
    const actual = listed.map((e) => ({ ...e, path: e.path.replace(/\/$/, '') }));
    expect(actual.map((e) => e.path)).toEqual(actual.map((e) => e.path).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    const expected = expectedEntries(debs);
    expect(actual).toEqual(expected);
    expect(r.entries).toBe(expected.length);
    console.log(`layer of ${debs.length} packages: ${expected.length} entries as GNU tar lists them, ${r.size} bytes`);
    expect(actual.some((e) => e.type === 'hardlink')).toBe(true);
    expect(actual.filter((e) => /^(bin|sbin|lib|lib64)\//.test(e.path))).toEqual([]);

    const times = spawnSync('tar', ['-tv', '--full-time', '-f', target], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } }).stdout.trim().split('\n');
    expect(times.every((l) => l.includes(' 2023-11-14 22:13:20 '))).toBe(true);

    const root = join(work, 'extract');
    spawnSync('mkdir', ['-p', root]);
    const x = spawnSync('tar', ['-xf', target, '-C', root], { encoding: 'utf8' });
    expect(x.stderr).toBe('');
    expect(readlinkSync(join(root, 'bin'))).toBe('usr/bin');
    expect(statSync(join(root, 'bin', 'bash')).size).toBe(expected.find((e) => e.path === 'usr/bin/bash')?.size);
    expect(statSync(join(root, 'usr/bin/perl')).ino).toBe(statSync(join(root, 'usr/bin/perl5.36.0')).ino);

    // By default identical documentation is linked: same paths, and every linked path extracts
    // to the bytes the package shipped there.
    spawnSync('mkdir', ['-p', join(work, 'd', 'x')]);
    const d = await writeLayer({ debs, target: join(work, 'd', 'layer.tar'), sourceDateEpoch: EPOCH, mergedUsrLinks: true });
    expect(d.ok && d.size < r.size).toBe(true);
    const deduped = tarListing(null, join(work, 'd', 'layer.tar')).map((e) => ({ ...e, path: e.path.replace(/\/$/, '') }));
    expect(deduped.map((e) => e.path)).toEqual(actual.map((e) => e.path));
    const linked = deduped.filter((e, i) => e.type === 'hardlink' && actual[i]?.type === 'file');
    expect(linked.length).toBeGreaterThan(0);
    expect(linked.every((e) => /^usr\/share\/(doc|man|info)\//.test(e.path) && !e.path.endsWith('/copyright'))).toBe(true);
    expect(spawnSync('tar', ['-xf', join(work, 'd', 'layer.tar'), '-C', join(work, 'd', 'x')], { encoding: 'utf8' }).stderr).toBe('');
    for (const e of linked) expect(readFileSync(join(work, 'd', 'x', e.path)).equals(readFileSync(join(root, e.path)))).toBe(true);
  });

  it('is byte-identical across builds, however contents were held and read', async () => {
    if (debs === undefined) return;
    const digests: string[] = [];
    const { decompress } = await systemDecompressor({ minSize: 0 });
    // Default; everything spooled to disk, one package at a time; through the system's tools.
    const ways = [{}, { memoryBudget: 0, concurrency: 1 }, { decompress, memoryBudget: 1 << 20 }];
    for (const [i, way] of ways.entries()) {
      const name = ['b', 'c', 'e'][i] as string;
      spawnSync('mkdir', ['-p', join(work, name)]);
      const r = await writeLayer({ debs, target: join(work, name, 'layer.tar'), sourceDateEpoch: 0, mergedUsrLinks: true, ...way });
      if (r.ok) digests.push(r.digest);
      expect(readdirSync(join(work, name))).toEqual(['layer.tar']);
    }
    expect(digests).toHaveLength(3);
    expect(new Set(digests).size).toBe(1);
    expect(readFileSync(join(work, 'b', 'layer.tar')).equals(readFileSync(join(work, 'c', 'layer.tar')))).toBe(true);
  });

  it('writes the gzip blob of the same tar when asked to compress (gzip)', async () => {
    if (debs === undefined) return;
    spawnSync('mkdir', ['-p', join(work, 'g')]);
    const tar = await writeLayer({ debs, target: join(work, 'g', 'layer.tar'), sourceDateEpoch: EPOCH, mergedUsrLinks: true });
    const gz = await writeLayer({ debs, target: join(work, 'g', 'layer.tar.gz'), sourceDateEpoch: EPOCH, mergedUsrLinks: true, gzip: true });
    expect(tar.ok && gz.ok).toBe(true);
    if (!tar.ok || !gz.ok) return;
    expect(readdirSync(join(work, 'g')).sort()).toEqual(['layer.tar', 'layer.tar.gz']);
    const blob = readFileSync(join(work, 'g', 'layer.tar.gz'));
    expect(gunzipSync(blob).equals(readFileSync(join(work, 'g', 'layer.tar')))).toBe(true);
    // The same bytes as compressing the tar file afterwards, which the layout did before.
    expect(gz.compressed).toEqual(await gzipFile(join(work, 'g', 'layer.tar'), join(work, 'again.gz')));
    expect(readFileSync(join(work, 'again.gz')).equals(blob)).toBe(true);
    expect({ digest: gz.digest, size: gz.size, entries: gz.entries, paths: gz.paths }).toEqual({ digest: tar.digest, size: tar.size, entries: tar.entries, paths: tar.paths });
    expect(gz.compressed?.diffId).toBe(tar.digest);
    expect(gz.compressed?.digest).toBe(`sha256:${createHash('sha256').update(blob).digest('hex')}`);
  });
});
