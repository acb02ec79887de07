import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tarListing } from '../../../test/support/debs.js';
import { hasTool } from '../../../test/support/tools.js';
import { readTar } from '../deb/tar-reader.js';
import { encodeHeader, END_OF_ARCHIVE, padding, type TarWriteHeader } from './tar-writer.js';

const base: TarWriteHeader = { path: 'usr/x', type: 'file', mode: 0o644, uid: 0, gid: 0, uname: 'root', gname: 'root', size: 0, mtime: 0, linkname: '' };
const long = `usr/share/${'d'.repeat(120)}/${'f'.repeat(110)}`;
const cases: TarWriteHeader[] = [
  { ...base, path: 'usr/', type: 'directory', mode: 0o755 },
  { ...base, path: `usr/share/${'a'.repeat(120)}/file`, size: 3 }, // fits as prefix + name
  { ...base, path: long, size: 5 }, // needs PAX path
  { ...base, path: 'usr/link', type: 'symlink', mode: 0o777, linkname: `../${'t'.repeat(150)}` }, // PAX linkpath
  { ...base, path: 'usr/ids', uid: 70_000_000, gid: 3, uname: 'u'.repeat(40) }, // PAX uid and uname
  { ...base, path: 'usr/hard', type: 'hardlink', linkname: long },
  { ...base, path: 'usr/lib/ünïcode', mode: 0o4755, size: 1 },
];

function archive(): Buffer {
  const parts: Uint8Array[] = [];
  for (const c of cases) {
    parts.push(encodeHeader(c));
    if (c.type === 'file') parts.push(new Uint8Array(c.size).fill(0x41), padding(c.size));
  }
  parts.push(END_OF_ARCHIVE);
  return Buffer.concat(parts);
}

async function* chunks(b: Buffer) {
  for (let i = 0; i < b.length; i += 7) yield b.subarray(i, i + 7);
}

describe('tar headers', () => {
  it('are read back by our reader, in 7-byte chunks', async () => {
    const out = [];
    for await (const e of readTar(chunks(archive()), { member: 'test' })) out.push(e.header);
    expect(out.map((h) => [h.path, h.type, h.mode, h.uid, h.uname, h.size, h.linkname])).toEqual(cases.map((c) => [c.path, c.type, c.mode, c.uid, c.uname, c.size, c.linkname]));
  });

  it('are read back by GNU tar and Python tarfile', () => {
    if (!hasTool('tar') || !hasTool('python3')) return;
    const listed = tarListing(archive());
    expect(listed.map((e) => [e.path, e.type, e.mode, e.uid, e.size, e.linkname])).toEqual(cases.map((c) => [c.path, c.type, c.mode, c.uid, c.size, c.linkname]));
    const py = spawnSync('python3', ['-c', 'import sys,tarfile\nfor m in tarfile.open(fileobj=sys.stdin.buffer, mode="r|"): print(m.name, m.uname, m.size)'], { input: archive(), encoding: 'utf8' });
    expect(py.stdout.trim().split('\n')).toEqual(cases.map((c) => `${c.path.replace(/\/$/, '')} ${c.uname} ${c.size}`));
  });

  it('need no PAX header when everything fits', () => {
    expect(encodeHeader(base)).toHaveLength(512);
    expect(encodeHeader({ ...base, path: long })).toHaveLength(512 * 3);
  });
});
