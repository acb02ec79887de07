/**
 * Each hostile .deb of testdata/hostile-debs (scripts/make-hostile-debs.mjs) must be refused with
 * its own diagnostic, and a refused build must leave nothing in the target directory: no layer and
 * no temporary file. Each case runs three ways: decompressed in process; through the system's
 * tools for every member however small; and repacked with xz members (the compression real
 * packages use) through the system's `xz`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { makeAr } from '../../test/support/debs.js';
import { hasTool } from '../../test/support/tools.js';
import type { Decompressor } from './deb/decompress.js';
import { systemDecompressor } from './deb/system-decompress.js';
import { fileSource, openDeb, writeLayer, type ImageDiagnosticCode } from './index.js';

const HOSTILE = join(import.meta.dirname, '..', '..', 'testdata', 'hostile-debs');

const CASES: [string, ImageDiagnosticCode, string | null][] = [
  ['absolute-path.deb', 'image/absolute-path', '/etc/evil'],
  ['path-traversal.deb', 'image/path-traversal', './usr/../../etc/evil'],
  ['symlink-escape.deb', 'image/symlink-escape', './usr/share/escape'],
  ['through-symlink.deb', 'image/through-symlink', './usr/share/etc/shadow'],
  ['symlink-over-directory.deb', 'image/duplicate-path', './usr/share/d'],
  ['hardlink-outside.deb', 'image/hardlink-target', './usr/share/shadow'],
  ['hardlink-unknown.deb', 'image/hardlink-target', './usr/share/link'],
  ['device-node.deb', 'image/device-node', './usr/share/mem'],
  ['fifo.deb', 'image/fifo', './usr/share/pipe'],
  ['oversized-member.deb', 'image/oversized-member', './usr/share/big'], // 4,096 bytes; the test's limit is 3,500
  ['duplicate-path.deb', 'image/duplicate-path', './usr/share/thing/'],
  ['nul-in-path.deb', 'image/nul-in-path', './usr/share/innocent\0/../../../etc/evil'],
  ['truncated-data.deb', 'image/truncated-member', './usr/share/big'],
  ['md5sums-mismatch.deb', 'image/checksum-mismatch', './usr/share/hello'],
  ['bad-ar-magic.deb', 'image/bad-ar-magic', null],
  ['wrong-debian-binary.deb', 'image/bad-debian-binary', 'debian-binary'],
  ['missing-control.deb', 'image/missing-control', 'data.tar.gz'],
  ['member-order.deb', 'image/member-order', 'data.tar.gz'],
];

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The ar members of a .deb (none when it is not an ar archive). */
function arMembers(bytes: Buffer): { name: string; data: Buffer }[] {
  if (bytes.subarray(0, 8).toString('latin1') !== '!<arch>\n') return [];
  const out: { name: string; data: Buffer }[] = [];
  for (let at = 8; at + 60 <= bytes.length;) {
    const name = bytes.subarray(at, at + 16).toString('latin1').trim().replace(/\/$/, '');
    const size = Number(bytes.subarray(at + 48, at + 58).toString('latin1').trim());
    out.push({ name, data: bytes.subarray(at + 60, at + 60 + size) });
    at += 60 + size + (size % 2);
  }
  return out;
}

/** `file` with every `.tar.gz` or bare `.tar` member recompressed as `.tar.xz`, in a directory of its own. */
let repacked = '';
afterAll(() => rmSync(repacked, { recursive: true, force: true }));
function repackWithXz(file: string): string {
  if (repacked === '') repacked = mkdtempSync(join(tmpdir(), 'tessera-hostile-xz-'));
  const bytes = readFileSync(join(HOSTILE, file));
  const members = arMembers(bytes).map(({ name, data }) => {
    const m = /^(control|data)\.tar(\.gz)?$/.exec(name);
    if (m === null) return { name, data };
    const tar = m[2] === undefined ? data : gunzipSync(data);
    return { name: `${m[1]}.tar.xz`, data: spawnSync('xz', ['-c', '-q'], { input: tar }).stdout };
  });
  const out = join(repacked, file);
  writeFileSync(out, members.length === 0 ? bytes : makeAr(members));
  return out;
}
const xzMember = (member: string | null) => member?.replace(/^((?:control|data)\.tar)(\.gz)?$/, '$1.xz') ?? null;

const DECOMPRESSORS: [string, () => Promise<Decompressor | undefined>][] = [
  ['in process', () => Promise.resolve(undefined)],
  ['through system tools', async () => (await systemDecompressor({ minSize: 0 })).decompress],
];

describe.each(DECOMPRESSORS)('hostile .debs, decompressed %s', (_, decompressor) => {
  it('has a case for every generated file', () => {
    expect(readdirSync(HOSTILE).sort()).toEqual(CASES.map(([f]) => f).sort());
  });

  it.each(CASES)('%s is refused with %s', async (file, code, member) => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-hostile-'));
    const target = join(dir, 'layer.tar');
    const r = await writeLayer({ debs: [join(HOSTILE, file)], target, sourceDateEpoch: 0, maxMemberSize: 3500, decompress: await decompressor() });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics[0]).toMatchObject({ code, deb: file, member, severity: 'error' });
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses the whole layer when one of several packages is hostile', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-hostile-'));
    const target = join(dir, 'layer.tar');
    const debs = ['through-symlink.deb', 'fifo.deb', 'device-node.deb'].map((f) => join(HOSTILE, f));
    const r = await writeLayer({ debs, target, sourceDateEpoch: 0, decompress: await decompressor() });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics.map((d) => d.code)).toEqual(['image/through-symlink', 'image/fifo', 'image/device-node']);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('hostile .debs repacked with xz, decompressed through the system\'s xz', () => {
  it.each(CASES)('%s is refused with %s', async (file, code, member) => {
    if (!hasTool('xz')) return;
    dir = mkdtempSync(join(tmpdir(), 'tessera-hostile-'));
    const target = join(dir, 'layer.tar');
    const { decompress, native } = await systemDecompressor({ minSize: 0 });
    expect(native).toContain('xz');
    const r = await writeLayer({ debs: [repackWithXz(file)], target, sourceDateEpoch: 0, maxMemberSize: 3500, decompress });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics[0]).toMatchObject({ code, deb: file, member: xzMember(member), severity: 'error' });
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('controls read earlier in the build', () => {
  it('still checks the data against the given control\'s md5sums', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-hostile-'));
    const file = join(HOSTILE, 'md5sums-mismatch.deb');
    const opened = await openDeb(fileSource(file), { fileName: file });
    if (!opened.ok) throw new Error('the control should read');
    await opened.deb.close();
    const controls = new Map([[file, opened.deb.control]]);
    const r = await writeLayer({ debs: [file], target: join(dir, 'layer.tar'), sourceDateEpoch: 0, controls });
    expect(r).toMatchObject({ ok: false, diagnostics: [{ code: 'image/checksum-mismatch', member: './usr/share/hello' }] });
    expect(readdirSync(dir)).toEqual([]);
  });
});
