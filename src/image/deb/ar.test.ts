import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { makeAr } from '../../../test/support/debs.js';
import type { DebFormatError } from '../diagnostics.js';
import { encodeHeader, END_OF_ARCHIVE } from '../layer/tar-writer.js';
import { readAr } from './ar.js';
import { openDeb } from './read-deb.js';

async function* chunked(b: Uint8Array, size: number) {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

async function members(b: Uint8Array, size: number) {
  const out: [string, string][] = [];
  for await (const m of readAr(chunked(b, size))) {
    let text = '';
    for await (const c of m.body) text += Buffer.from(c).toString();
    out.push([m.name, text]);
  }
  return out;
}

const enc = (s: string) => Buffer.from(s);

describe('readAr', () => {
  const ar = makeAr([{ name: 'debian-binary', data: enc('2.0\n') }, { name: 'odd', data: enc('abc') }, { name: 'last/', data: enc('z') }]);

  it('reads members across any chunking, with odd-size padding and GNU trailing slashes', async () => {
    for (const size of [1, 3, 60, 1 << 16]) {
      expect(await members(ar, size)).toEqual([['debian-binary', '2.0\n'], ['odd', 'abc'], ['last', 'z']]);
    }
  });

  it('skips bodies nobody read', async () => {
    const names: string[] = [];
    for await (const m of readAr(chunked(ar, 5))) names.push(m.name);
    expect(names).toEqual(['debian-binary', 'odd', 'last']);
  });

  it('refuses bad magic, bad headers and truncation', async () => {
    const codes = async (b: Uint8Array) => members(b, 4).then(() => 'ok', (e: DebFormatError) => e.code);
    expect(await codes(enc('!<arch>'))).toBe('image/bad-ar-magic');
    expect(await codes(ar.subarray(0, ar.length - 3))).toBe('image/truncated-ar');
    const bad = Buffer.from(ar);
    bad[8 + 58] = 0x20;
    expect(await codes(bad)).toBe('image/bad-ar-header');
    const size = Buffer.from(ar);
    size.write('12x4      ', 8 + 48, 'latin1');
    expect(await codes(size)).toBe('image/bad-ar-header');
  });
});

describe('openDeb', () => {
  const control = gzipSync(Buffer.concat([encodeHeader({ path: './control', type: 'file', mode: 0o644, uid: 0, gid: 0, uname: '', gname: '', size: 42, mtime: 0, linkname: '' }), enc('Package: a\nVersion: 1\nArchitecture: all\n\n'.slice(0, 42).padEnd(42)), new Uint8Array(470), END_OF_ARCHIVE]));
  const data = gzipSync(END_OF_ARCHIVE);

  it('skips `_` members and ignores members after data.tar, as dpkg does', async () => {
    const deb = makeAr([{ name: 'debian-binary', data: enc('2.0\n') }, { name: '_gpgorigin', data: enc('sig') }, { name: 'control.tar.gz', data: control }, { name: 'data.tar.gz', data }, { name: 'extra', data: enc('x') }]);
    const r = await openDeb(chunked(deb, 100), { fileName: '/tmp/a.deb' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.deb.control.package.name).toBe('a');
    for await (const _ of r.deb.entries()) { /* none */ }
    expect(r.deb.diagnostics).toEqual([]);
  });

  it('stops its source when closed before the data archive is read', async () => {
    let returned = false;
    const deb = makeAr([{ name: 'debian-binary', data: enc('2.0\n') }, { name: 'control.tar.gz', data: control }, { name: 'data.tar.gz', data }]);
    const source = (async function* () {
      try {
        yield* chunked(deb, 16);
      } finally {
        returned = true;
      }
    })();
    const r = await openDeb(source, { fileName: 'e.deb' });
    expect(r.ok).toBe(true);
    if (r.ok) await r.deb.close();
    expect(returned).toBe(true);
  });

  it('names unsupported compressions and unknown members', async () => {
    const bz = makeAr([{ name: 'debian-binary', data: enc('2.0\n') }, { name: 'control.tar.bz2', data: control }]);
    expect(await openDeb(chunked(bz, 100), { fileName: 'b.deb' })).toMatchObject({ ok: false, diagnostics: [{ code: 'image/unsupported-compression', deb: 'b.deb', member: 'control.tar.bz2' }] });
    const odd = makeAr([{ name: 'debian-binary', data: enc('2.0\n') }, { name: 'control.tar.gz', data: control }, { name: 'payload', data }]);
    expect(await openDeb(chunked(odd, 100), { fileName: 'c.deb' })).toMatchObject({ ok: false, diagnostics: [{ code: 'image/unknown-member', member: 'payload' }] });
    const corrupt = makeAr([{ name: 'debian-binary', data: enc('2.0\n') }, { name: 'control.tar.xz', data: control }]);
    expect(await openDeb(chunked(corrupt, 100), { fileName: 'd.deb' })).toMatchObject({ ok: false, diagnostics: [{ code: 'image/decompress-failed', member: 'control.tar.xz' }] });
  });
});
