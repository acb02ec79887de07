/**
 * Each hostile .deb of testdata/hostile-debs (scripts/make-hostile-debs.mjs) must be refused with
 * its own diagnostic, and a refused build must leave nothing in the target directory: no layer and
 * no temporary file.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeLayer, type ImageDiagnosticCode } from './index.js';

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

describe('hostile .debs', () => {
  it('has a case for every generated file', () => {
    expect(readdirSync(HOSTILE).sort()).toEqual(CASES.map(([f]) => f).sort());
  });

  it.each(CASES)('%s is refused with %s', async (file, code, member) => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-hostile-'));
    const target = join(dir, 'layer.tar');
    const r = await writeLayer({ debs: [join(HOSTILE, file)], target, sourceDateEpoch: 0, maxMemberSize: 3500 });
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
    const r = await writeLayer({ debs, target, sourceDateEpoch: 0 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics.map((d) => d.code)).toEqual(['image/through-symlink', 'image/fifo', 'image/device-node']);
    expect(readdirSync(dir)).toEqual([]);
  });
});
