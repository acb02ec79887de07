#!/usr/bin/env node
/**
 * Writes the hostile .deb files of testdata/hostile-debs/: each one breaks exactly one rule the
 * image builder enforces (src/image), and src/image/hostile.test.ts checks the diagnostic it gets.
 * Tar and ar are written here byte by byte, because no ordinary tool will produce most of these
 * (absolute members, device nodes without root, NUL in a PAX path, truncated archives). Output is
 * deterministic (mtime 0, fixed gzip header), so re-running changes nothing.
 *
 *   node scripts/make-hostile-debs.mjs [out-dir]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { TextEncoder } from 'node:util';
import { gzipSync } from 'node:zlib';

const OUT = process.argv[2] ?? join(import.meta.dirname, '..', 'testdata', 'hostile-debs');
const enc = new TextEncoder();

function octal(h, at, len, v) {
  h.set(enc.encode(`${v.toString(8).padStart(len - 1, '0')}\0`), at);
}

/** One ustar header; `type` is the tar type flag. */
function header({ name, type = '0', size = 0, mode = 0o644, linkname = '', devmajor = 0, devminor = 0 }) {
  const h = new Uint8Array(512);
  h.set(enc.encode(name).subarray(0, 100), 0);
  octal(h, 100, 8, mode);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, size);
  octal(h, 136, 12, 0);
  h.fill(0x20, 148, 156);
  h[156] = type.charCodeAt(0);
  h.set(enc.encode(linkname).subarray(0, 100), 157);
  h.set(enc.encode('ustar\u000000'), 257);
  h.set(enc.encode('root'), 265);
  h.set(enc.encode('root'), 297);
  octal(h, 329, 8, devmajor);
  octal(h, 337, 8, devminor);
  let sum = 0;
  for (const b of h) sum += b;
  h.set(enc.encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
  return h;
}

const pad = (n) => new Uint8Array((512 - (n % 512)) % 512);

function paxRecord(key, value) {
  const body = ` ${key}=${value}\n`;
  const n = enc.encode(body).length;
  let len = n + 1;
  while (String(len).length + n !== len) len = String(len).length + n;
  return `${len}${body}`;
}

/** A tar of `entries` ({name, type, data, linkname, pax}) with its end-of-archive blocks. */
function tar(entries) {
  const parts = [];
  for (const e of entries) {
    const data = e.data === undefined ? new Uint8Array(0) : enc.encode(e.data);
    if (e.pax !== undefined) {
      const body = enc.encode(Object.entries(e.pax).map(([k, v]) => paxRecord(k, v)).join(''));
      parts.push(header({ name: 'PaxHeader/x', type: 'x', size: body.length }), body, pad(body.length));
    }
    parts.push(header({ ...e, size: data.length }), data, pad(data.length));
  }
  parts.push(new Uint8Array(1024));
  return Buffer.concat(parts);
}

function ar(members) {
  const parts = [Buffer.from('!<arch>\n')];
  for (const [name, data] of members) {
    const f = (v, n) => String(v).padEnd(n, ' ');
    parts.push(Buffer.from(`${f(name, 16)}${f(0, 12)}${f(0, 6)}${f(0, 6)}${f(100644, 8)}${f(data.length, 10)}\`\n`, 'latin1'), Buffer.from(data));
    if (data.length % 2 === 1) parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

const gz = (b) => gzipSync(b, { level: 9 });

function control(name, md5sums) {
  return gz(tar([
    { name: './', type: '5', mode: 0o755 },
    { name: './control', data: `Package: ${name}\nVersion: 1.0\nArchitecture: all\nMaintainer: Tessera tests <tests@example.invalid>\nDescription: hostile test package\n` },
    ...(md5sums === undefined ? [] : [{ name: './md5sums', data: md5sums }]),
  ]));
}

const dirs = [{ name: './', type: '5', mode: 0o755 }, { name: './usr/', type: '5', mode: 0o755 }, { name: './usr/share/', type: '5', mode: 0o755 }];

/** A well-formed .deb whose data archive holds `entries` after the usual directories. */
function deb(name, entries) {
  return ar([['debian-binary', enc.encode('2.0\n')], ['control.tar.gz', control(name)], ['data.tar.gz', gz(tar([...dirs, ...entries]))]]);
}

const good = tar([...dirs, { name: './usr/share/hello', data: 'hello\n' }]);
const truncated = (() => {
  const t = tar([...dirs, { name: './usr/share/big', data: 'x'.repeat(3000) }]);
  return t.subarray(0, 512 * 4 + 1000); // inside the body of ./usr/share/big
})();

const debs = {
  'absolute-path.deb': deb('absolute-path', [{ name: '/etc/evil', data: 'owned\n' }]),
  'path-traversal.deb': deb('path-traversal', [{ name: './usr/../../etc/evil', data: 'owned\n' }]),
  'symlink-escape.deb': deb('symlink-escape', [
    { name: './usr/share/escape', type: '2', mode: 0o777, linkname: '../../../etc' },
    { name: './usr/share/escape/passwd', data: 'root::0:0::/:/bin/sh\n' },
  ]),
  'through-symlink.deb': deb('through-symlink', [
    { name: './usr/share/etc', type: '2', mode: 0o777, linkname: '/etc' },
    { name: './usr/share/etc/shadow', data: 'root::1::::::\n' },
  ]),
  'symlink-over-directory.deb': deb('symlink-over-directory', [
    { name: './usr/share/d/passwd', data: 'root::0:0::/:/bin/sh\n' },
    { name: './usr/share/d', type: '2', mode: 0o777, linkname: '/etc' },
  ]),
  'hardlink-outside.deb': deb('hardlink-outside', [{ name: './usr/share/shadow', type: '1', linkname: '../../etc/shadow' }]),
  'hardlink-unknown.deb': deb('hardlink-unknown', [{ name: './usr/share/link', type: '1', linkname: './usr/share/never-shipped' }]),
  'device-node.deb': deb('device-node', [{ name: './usr/share/mem', type: '3', mode: 0o666, devmajor: 1, devminor: 1 }]),
  'fifo.deb': deb('fifo', [{ name: './usr/share/pipe', type: '6', mode: 0o666 }]),
  'oversized-member.deb': deb('oversized-member', [{ name: './usr/share/big', data: 'x'.repeat(4096) }]),
  'duplicate-path.deb': deb('duplicate-path', [{ name: './usr/share/thing', data: 'a file\n' }, { name: './usr/share/thing/', type: '5', mode: 0o755 }]),
  'nul-in-path.deb': deb('nul-in-path', [{ name: './usr/share/innocent', pax: { path: './usr/share/innocent\0/../../../etc/evil' }, data: 'owned\n' }]),
  'truncated-data.deb': ar([['debian-binary', enc.encode('2.0\n')], ['control.tar.gz', control('truncated-data')], ['data.tar', truncated]]),
  // The content of usr/share/hello is `hello\n`; md5sums claims the MD5 of `bye\n`.
  'md5sums-mismatch.deb': ar([['debian-binary', enc.encode('2.0\n')], ['control.tar.gz', control('md5sums-mismatch', `${createHash('md5').update('bye\n').digest('hex')}  usr/share/hello\n`)], ['data.tar.gz', gz(good)]]),
  'bad-ar-magic.deb': Buffer.concat([Buffer.from('!<arhc>\n'), deb('bad-ar-magic', []).subarray(8)]),
  'wrong-debian-binary.deb': ar([['debian-binary', enc.encode('3.0\n')], ['control.tar.gz', control('wrong-debian-binary')], ['data.tar.gz', gz(good)]]),
  'missing-control.deb': ar([['debian-binary', enc.encode('2.0\n')], ['data.tar.gz', gz(good)]]),
  'member-order.deb': ar([['debian-binary', enc.encode('2.0\n')], ['data.tar.gz', gz(good)], ['control.tar.gz', control('member-order')]]),
};

mkdirSync(OUT, { recursive: true });
for (const [file, bytes] of Object.entries(debs)) writeFileSync(join(OUT, file), bytes);
console.log(`wrote ${Object.keys(debs).length} hostile .debs to ${OUT}`);
