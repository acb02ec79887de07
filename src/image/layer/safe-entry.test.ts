import { describe, expect, it } from 'vitest';
import type { TarHeader } from '../deb/tar-reader.js';
import { EntryChecker } from './safe-entry.js';
import { mergedUsr, normalizePath, symlinkStaysInside } from './paths.js';

const h = (path: string, type: TarHeader['type'] = 'file', extra: Partial<TarHeader> = {}): TarHeader => ({
  path, type, mode: 0o644, uid: 0, gid: 0, uname: 'root', gname: 'root', size: 0, mtime: 0, linkname: '', ...extra,
});

function checker(): EntryChecker {
  const c = new EntryChecker({ maxMemberSize: 100 });
  c.startDeb('x.deb');
  return c;
}

const code = (r: ReturnType<EntryChecker['check']>) => (r.ok ? 'ok' : r.diagnostic.code);

describe('paths', () => {
  it('normalizes and refuses', () => {
    expect(normalizePath('./usr//bin/./bash')).toEqual({ ok: true, path: 'usr/bin/bash' });
    expect(normalizePath('./')).toEqual({ ok: true, path: '' });
    expect(normalizePath('/etc/passwd')).toMatchObject({ ok: false, code: 'image/absolute-path' });
    expect(normalizePath('usr/share/..')).toMatchObject({ ok: false, code: 'image/path-traversal' });
    expect(normalizePath('a\0b')).toMatchObject({ ok: false, code: 'image/nul-in-path' });
  });

  it('maps the merged-/usr directories only at the top', () => {
    expect(mergedUsr('bin/bash')).toBe('usr/bin/bash');
    expect(mergedUsr('lib64')).toBe('usr/lib64');
    expect(mergedUsr('libexec/x')).toBe('libexec/x');
    expect(mergedUsr('usr/lib/bin/x')).toBe('usr/lib/bin/x');
  });

  it('resolves relative symlink targets from the link directory', () => {
    expect(symlinkStaysInside('usr/bin/x', '../lib/y')).toBe(true);
    expect(symlinkStaysInside('usr/bin/x', '../../y')).toBe(true);
    expect(symlinkStaysInside('usr/bin/x', '../../../y')).toBe(false);
    expect(symlinkStaysInside('usr/bin/x', 'a/../../../../y')).toBe(false);
    expect(symlinkStaysInside('x', '/etc/passwd')).toBe(true);
  });
});

describe('EntryChecker', () => {
  it('accepts a package and maps it to merged-/usr', () => {
    const c = checker();
    expect(c.check(h('./', 'directory'))).toEqual({ ok: true, entry: null });
    const r = c.check(h('./bin/bash', 'file', { size: 10, mode: 0o4755 }));
    expect(r).toMatchObject({ ok: true, entry: { path: 'usr/bin/bash', mode: 0o4755, size: 10 } });
    expect(c.check(h('./bin/rbash', 'symlink', { linkname: 'bash' }))).toMatchObject({ ok: true, entry: { linkname: 'bash' } });
    expect(c.check(h('./usr/bin/sh', 'hardlink', { linkname: './bin/bash' }))).toMatchObject({ ok: true, entry: { type: 'hardlink', linkname: 'usr/bin/bash' } });
  });

  it('refuses a symlink that escapes only after the /usr mapping is undone', () => {
    // From bin/ two `..` leave the root; from usr/bin/ they would not.
    expect(code(checker().check(h('./bin/x', 'symlink', { linkname: '../../etc' })))).toBe('image/symlink-escape');
  });

  it('refuses writing through a symlink, even one that stays inside', () => {
    const c = checker();
    expect(code(c.check(h('./usr/share/a', 'symlink', { linkname: 'b' })))).toBe('ok');
    expect(code(c.check(h('./usr/share/a/file')))).toBe('image/through-symlink');
  });

  it('refuses a symlink where earlier entries made a directory', () => {
    const c = checker();
    expect(code(c.check(h('./usr/share/d/file')))).toBe('ok');
    expect(c.check(h('./usr/share/d', 'symlink', { linkname: '/etc' }))).toMatchObject({ ok: false, diagnostic: { code: 'image/duplicate-path', member: './usr/share/d' } });
    expect(code(c.check(h('./usr/share', 'directory')))).toBe('ok');
  });

  it('refuses entries under a file, and conflicting duplicates', () => {
    const c = checker();
    c.check(h('./usr/f'));
    expect(code(c.check(h('./usr/f/g')))).toBe('image/duplicate-path');
    expect(code(c.check(h('./usr/f')))).toBe('image/duplicate-path');
    c.check(h('./usr/d', 'directory'));
    expect(c.check(h('./usr/d/', 'directory'))).toEqual({ ok: true, entry: null });
    c.check(h('./usr/l', 'symlink', { linkname: 'd' }));
    expect(c.check(h('./usr/l', 'symlink', { linkname: 'd' }))).toEqual({ ok: true, entry: null });
    expect(code(c.check(h('./usr/l', 'symlink', { linkname: 'f' })))).toBe('image/duplicate-path');
  });

  it('keeps hardlinks inside one package', () => {
    const c = checker();
    c.check(h('./usr/f'));
    c.startDeb('y.deb');
    expect(code(c.check(h('./usr/g', 'hardlink', { linkname: './usr/f' })))).toBe('image/hardlink-target');
    expect(code(c.check(h('./usr/h', 'hardlink', { linkname: '/usr/f' })))).toBe('image/hardlink-target');
  });

  it('refuses devices, FIFOs and oversized files with the package and member named', () => {
    const c = checker();
    expect(c.check(h('./dev/null', 'char'))).toMatchObject({ ok: false, diagnostic: { code: 'image/device-node', deb: 'x.deb', member: './dev/null' } });
    expect(code(c.check(h('./dev/sda', 'block')))).toBe('image/device-node');
    expect(code(c.check(h('./run/p', 'fifo')))).toBe('image/fifo');
    expect(code(c.check(h('./big', 'file', { size: 101 })))).toBe('image/oversized-member');
  });
});
