/** Layer arrangement on small synthetic packages: hardlink order, ownership, failures leaving nothing. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { makeAr, tarListing } from '../../../test/support/debs.js';
import { hasTool } from '../../../test/support/tools.js';
import { writeLayer } from '../index.js';
import { encodeHeader, END_OF_ARCHIVE, padding, type TarWriteHeader } from './tar-writer.js';

const entry = (path: string, extra: Partial<TarWriteHeader> = {}): TarWriteHeader => ({
  path, type: 'file', mode: 0o644, uid: 0, gid: 0, uname: 'root', gname: 'root', size: 0, mtime: 1234, linkname: '', ...extra,
});

function tar(entries: [TarWriteHeader, string?][]): Buffer {
  const parts: Uint8Array[] = [];
  for (const [h, body = ''] of entries) {
    parts.push(encodeHeader({ ...h, size: Buffer.byteLength(body) }), Buffer.from(body), padding(Buffer.byteLength(body)));
  }
  return Buffer.concat([...parts, END_OF_ARCHIVE]);
}

function deb(file: string, name: string, data: [TarWriteHeader, string?][]): string {
  const control = tar([[entry('./control'), `Package: ${name}\nVersion: 1\nArchitecture: all\n`]]);
  writeFileSync(file, makeAr([{ name: 'debian-binary', data: Buffer.from('2.0\n') }, { name: 'control.tar.gz', data: gzipSync(control) }, { name: 'data.tar', data: tar(data) }]));
  return file;
}

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('layer arrangement', () => {
  it('gives a hardlink group\'s content to its first path in order, keeps ownership and modes', async () => {
    if (!hasTool('tar')) return;
    dir = mkdtempSync(join(tmpdir(), 'tessera-arrange-'));
    const a = deb(join(dir, 'a.deb'), 'a', [
      [entry('./', { type: 'directory', mode: 0o755 })],
      [entry('./usr/', { type: 'directory', mode: 0o755 })],
      [entry('./usr/z', { mode: 0o4755, uid: 5, gid: 6, uname: 'z', gname: 'zz' }), 'content'],
      [entry('./usr/a', { type: 'hardlink', linkname: './usr/z', uid: 5, gid: 6 })],
      [entry('./sbin/', { type: 'directory', mode: 0o755 })],
      [entry('./sbin/tool', { type: 'symlink', mode: 0o777, linkname: '../usr/z' })],
    ]);
    const b = deb(join(dir, 'b.deb'), 'b', [[entry('./usr/', { type: 'directory', mode: 0o700 })], [entry('./usr/m'), 'b']]);
    const target = join(dir, 'layer.tar');
    const r = await writeLayer({ debs: [a, b], target, sourceDateEpoch: 0 });
    expect(r).toMatchObject({ ok: true, entries: 6 });
    expect(tarListing(null, target)).toEqual([
      { path: 'usr/', type: 'directory', mode: 0o755, uid: 0, gid: 0, size: 0, linkname: '' },
      { path: 'usr/a', type: 'file', mode: 0o4755, uid: 5, gid: 6, size: 7, linkname: '' },
      { path: 'usr/m', type: 'file', mode: 0o644, uid: 0, gid: 0, size: 1, linkname: '' },
      { path: 'usr/sbin/', type: 'directory', mode: 0o755, uid: 0, gid: 0, size: 0, linkname: '' },
      { path: 'usr/sbin/tool', type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, linkname: '../usr/z' },
      { path: 'usr/z', type: 'hardlink', mode: 0o4755, uid: 5, gid: 6, size: 0, linkname: 'usr/a' },
    ]);
    expect(readdirSync(dir).sort()).toEqual(['a.deb', 'b.deb', 'layer.tar']);
  });

  it('bounds the whole layer, not only each member', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-arrange-'));
    const a = deb(join(dir, 'a.deb'), 'a', [[entry('./usr/x'), 'four'], [entry('./usr/y'), 'four']]);
    const r = await writeLayer({ debs: [a], target: join(dir, 'layer.tar'), sourceDateEpoch: 0, maxMemberSize: 5, maxLayerSize: 6 });
    expect(r).toMatchObject({ ok: false, diagnostics: [{ code: 'image/oversized-member', deb: 'a.deb', member: './usr/y' }] });
    expect(readdirSync(dir)).toEqual(['a.deb']);
  });

  it('throws for a missing file (an operational failure) and leaves nothing', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-arrange-'));
    await expect(writeLayer({ debs: [join(dir, 'none.deb')], target: join(dir, 'layer.tar'), sourceDateEpoch: 0 })).rejects.toThrow(/ENOENT/);
    await expect(writeLayer({ debs: [], target: join(dir, 'layer.tar'), sourceDateEpoch: -1 })).rejects.toThrow(RangeError);
    expect(readdirSync(dir)).toEqual([]);
  });
});
