/** Linking identical documentation: only documentation, never `copyright`, only truly equal files. */
import { describe, expect, it } from 'vitest';
import type { Placed } from './content-store.js';
import { dedupe, isDedupeCandidate } from './dedupe.js';

const file = (path: string, sha256: string, extra: Partial<Placed['entry']> = {}): Placed => ({
  entry: { path, type: 'file', mode: 0o644, uid: 0, gid: 0, uname: 'root', gname: 'root', size: 10, linkname: '', ...extra },
  content: { kind: 'memory', bytes: new Uint8Array(10), size: 10, md5: 'm', sha256 },
});

describe('dedupe', () => {
  it('takes documentation other than copyright', () => {
    expect(isDedupeCandidate('usr/share/doc/openssl/changelog.gz')).toBe(true);
    expect(isDedupeCandidate('usr/share/man/man1/ls.1.gz')).toBe(true);
    expect(isDedupeCandidate('usr/share/doc/openssl/copyright')).toBe(false);
    expect(isDedupeCandidate('usr/bin/ls')).toBe(false);
    expect(isDedupeCandidate('etc/ssl/openssl.cnf')).toBe(false);
  });

  it('links equal files to the first path in byte order and leaves the rest', () => {
    const out = dedupe([
      file('usr/share/doc/z/changelog.gz', 'a'),
      file('usr/share/doc/b/changelog.gz', 'a'),
      file('usr/share/doc/c/changelog.gz', 'a', { mode: 0o600 }), // another mode: another inode
      file('usr/share/doc/d/NEWS.gz', 'b'),
      file('usr/share/doc/e/copyright', 'a'),
      file('usr/lib/x', 'a'),
    ]);
    expect(out.map((p) => [p.entry.path, p.entry.type, p.entry.linkname, p.content === null])).toEqual([
      ['usr/share/doc/z/changelog.gz', 'hardlink', 'usr/share/doc/b/changelog.gz', true],
      ['usr/share/doc/b/changelog.gz', 'file', '', false],
      ['usr/share/doc/c/changelog.gz', 'file', '', false],
      ['usr/share/doc/d/NEWS.gz', 'file', '', false],
      ['usr/share/doc/e/copyright', 'file', '', false],
      ['usr/lib/x', 'file', '', false],
    ]);
  });

  it('leaves files a package already links alone', () => {
    const link: Placed = { entry: { ...file('usr/share/doc/a/l', 'x').entry, type: 'hardlink', size: 0, linkname: 'usr/share/doc/a/f' }, content: null };
    const out = dedupe([file('usr/share/doc/a/f', 'a'), link, file('usr/share/doc/b/f', 'a')]);
    expect(out.map((p) => p.entry.type)).toEqual(['file', 'hardlink', 'file']);
  });
});
