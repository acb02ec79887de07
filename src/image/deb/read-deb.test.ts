/**
 * Reading real Debian 12 packages, checked against dpkg-deb and GNU tar: the control fields and
 * the control file, and every data.tar entry (path, type, mode, owner, size, link target). The same
 * packages repacked with gzip, zstd and no compression must read identically.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debianPackages, dpkgField, fsysTarfile, makeAr, REAL_DEBS, tarListing, type OracleEntry } from '../../../test/support/debs.js';
import { hasTool } from '../../../test/support/tools.js';
import { fileSource, openDeb } from '../index.js';

let debs: string[] | undefined;
let work = '';
beforeAll(() => {
  debs = debianPackages(REAL_DEBS);
  work = mkdtempSync(join(tmpdir(), 'tessera-read-deb-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

let checkedSums = 0;

/** Our reading of a .deb: control and entries in the oracle's shape. */
async function read(deb: string) {
  const r = await openDeb(fileSource(deb), { fileName: deb });
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  const entries: OracleEntry[] = [];
  for await (const { header: h, content } of r.deb.entries()) {
    let size = 0;
    const md5 = createHash('md5');
    for await (const chunk of content) {
      size += chunk.length;
      md5.update(chunk);
    }
    expect(size).toBe(h.size);
    // The package's own md5sums are the oracle for the bytes we hand on.
    const listed = r.deb.control.md5sums.get(h.path.replace(/^\.\//, ''));
    if (h.type === 'file' && listed !== undefined) {
      expect(md5.digest('hex'), h.path).toBe(listed);
      checkedSums++;
    }
    entries.push({ path: h.path, type: h.type, mode: h.mode, uid: h.uid, gid: h.gid, size: h.size, linkname: h.linkname });
  }
  expect(r.deb.diagnostics).toEqual([]);
  return { control: r.deb.control, entries };
}

describe('reading real .debs', () => {
  it('reads control fields as dpkg-deb -f does', async () => {
    if (debs === undefined) return;
    for (const deb of debs) {
      const { control } = await read(deb);
      const p = control.package;
      expect(p.name).toBe(dpkgField(deb, 'Package'));
      expect(p.version).toBe(dpkgField(deb, 'Version'));
      expect(p.architecture).toBe(dpkgField(deb, 'Architecture'));
      expect(p.installedSize).toBe(Number(dpkgField(deb, 'Installed-Size')));
      expect(p.section).toBe(dpkgField(deb, 'Section'));
      expect(p.priority).toBe(dpkgField(deb, 'Priority'));
      expect(p.source).toBe(dpkgField(deb, 'Source').split(' ')[0] || p.name);
      const info = spawnSync('dpkg-deb', ['-I', deb, 'control'], { encoding: 'utf8' });
      expect(control.text).toBe(info.stdout);
      const md5 = spawnSync('dpkg-deb', ['-I', deb, 'md5sums'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l !== '');
      expect(control.md5sums.size).toBe(md5.length);
      const conffiles = spawnSync('dpkg-deb', ['-I', deb, 'conffiles'], { encoding: 'utf8' });
      expect(control.conffiles).toEqual(conffiles.status === 0 ? conffiles.stdout.split('\n').filter((l) => l !== '') : []);
    }
  });

  it('lists data.tar entries as GNU tar does', async () => {
    if (debs === undefined) return;
    let compared = 0;
    checkedSums = 0;
    for (const deb of debs) {
      const { entries } = await read(deb);
      expect(entries, basename(deb)).toEqual(tarListing(fsysTarfile(deb)));
      compared += entries.length;
    }
    console.log(`compared ${compared} data.tar entries of ${debs.length} packages with GNU tar; ${checkedSums} contents matched md5sums`);
    expect(checkedSums).toBeGreaterThan(1000);
    expect(compared).toBeGreaterThan(1000);
  });

  it('reads gzip, zstd and uncompressed members the same', async () => {
    if (debs === undefined || !hasTool('zstd')) return;
    for (const deb of debs.filter((d) => /\/(bash|base-files)_/.test(d))) {
      const expected = await read(deb);
      const ctrl = spawnSync('dpkg-deb', ['--ctrl-tarfile', deb], { maxBuffer: 1 << 26 }).stdout;
      const data = fsysTarfile(deb);
      const zstd = (b: Buffer) => spawnSync('zstd', ['-q', '-c', '-19'], { input: b, maxBuffer: 1 << 30 }).stdout;
      const variants: [string, (b: Buffer) => Buffer, string][] = [['.gz', gzipSync, 'gzip'], ['.zst', zstd, 'zstd'], ['', (b) => b, 'none']];
      for (const [suffix, compress, label] of variants) {
        const file = join(work, `${label}-${basename(deb)}`);
        writeFileSync(file, makeAr([
          { name: 'debian-binary', data: Buffer.from('2.0\n') },
          { name: `control.tar${suffix}`, data: compress(ctrl) },
          { name: `data.tar${suffix}`, data: compress(data) },
        ]));
        expect(readFileSync(file).subarray(0, 8).toString()).toBe('!<arch>\n');
        expect(await read(file), label).toEqual(expected);
      }
    }
  });
});
