import { describe, expect, it } from 'vitest';
import { encodePackageFacts, PACKAGE_FACTS_FORMAT, PackageFacts, packageFactsKey, parsePackageFacts, privilegedFiles, type ArchiveEntryHeader, type PackageFactsFile } from './package-facts.js';

const entry = (path: string, type: ArchiveEntryHeader['type'], mode: number, owner: [string, string] = ['root', 'root']): ArchiveEntryHeader => ({ path, type, mode, uid: 0, gid: owner[1] === 'root' ? 0 : 42, uname: owner[0], gname: owner[1] });

describe('privilegedFiles', () => {
  it('lists setuid and setgid regular files and hardlinks, not directories, symlinks or plain files', () => {
    expect(privilegedFiles([
      entry('./usr/bin/', 'directory', 0o755),
      entry('./usr/bin/passwd', 'file', 0o4755),
      entry('./usr/bin/chage', 'file', 0o2755, ['root', 'shadow']),
      entry('./usr/bin/ls', 'file', 0o755),
      entry('./var/mail/', 'directory', 0o2775, ['root', 'mail']),
      entry('./usr/bin/sg', 'symlink', 0o777),
      entry('./usr/bin/alias', 'hardlink', 0o4755),
      entry('./tmp/x', 'file', 0o1777),
      { ...entry('usr/bin/numeric', 'file', 0o6711), uname: '', gname: '', gid: 5 },
    ])).toEqual([
      { path: '/usr/bin/alias', mode: '4755', owner: 'root:root' },
      { path: '/usr/bin/chage', mode: '2755', owner: 'root:shadow' },
      { path: '/usr/bin/numeric', mode: '6711', owner: '0:5' },
      { path: '/usr/bin/passwd', mode: '4755', owner: 'root:root' },
    ]);
  });
});

const SHA = 'a'.repeat(64);
const file: PackageFactsFile = {
  format: PACKAGE_FACTS_FORMAT,
  header: { generatedBy: 'tessera catalog facts --debs x -o y', indexes: [] },
  packages: {
    [packageFactsKey({ name: 'passwd', version: '1:4.13+dfsg1-1', architecture: 'amd64', sha256: SHA })]: { setuid: [{ path: '/usr/bin/passwd', mode: '4755', owner: 'root:root' }] },
    [packageFactsKey({ name: 'bash', version: '5.2.15-2+b2', architecture: 'amd64', sha256: SHA })]: { setuid: [] },
  },
};

describe('the package facts file', () => {
  it('reads back what it writes, sorted one package per line, and looks up by the exact build', () => {
    const text = encodePackageFacts(file);
    expect(text.split('\n').filter((l) => l.startsWith('    "') && l.includes('"setuid"')).map((l) => l.slice(5, 9))).toEqual(['bash', 'pass']);
    const parsed = parsePackageFacts(text);
    expect(parsed).toEqual({ ok: true, value: JSON.parse(JSON.stringify(file)) });
    if (!parsed.ok) return;
    const facts = new PackageFacts(parsed.value);
    expect(facts.setuidFiles({ name: 'passwd', version: '1:4.13+dfsg1-1', architecture: 'amd64', sha256: SHA })?.map((f) => f.path)).toEqual(['/usr/bin/passwd']);
    expect(facts.setuidFiles({ name: 'bash', version: '5.2.15-2+b2', architecture: 'amd64', sha256: SHA })).toEqual([]);
    // Another build of the same version is another package: no fact.
    expect(facts.setuidFiles({ name: 'passwd', version: '1:4.13+dfsg1-1', architecture: 'amd64', sha256: 'b'.repeat(64) })).toBeUndefined();
  });

  it('rejects malformed files whole, naming each problem', () => {
    expect(parsePackageFacts('{')).toMatchObject({ ok: false, problems: [{ code: 'facts/not-json' }] });
    expect(parsePackageFacts('{"format":"other/1","header":{},"packages":{}}')).toMatchObject({ ok: false, problems: [{ code: 'facts/format' }] });
    const bad = JSON.stringify({ format: PACKAGE_FACTS_FORMAT, header: {}, packages: { 'passwd 1 amd64': { setuid: [] }, [`x 1 amd64 ${SHA}`]: { setuid: [{ path: 'usr/bin/x', mode: '4755', owner: 'root:root' }] } } });
    expect(parsePackageFacts(bad)).toEqual({ ok: false, problems: [
      { code: 'facts/bad-entry', message: '`passwd 1 amd64` is not `name version architecture sha256`' },
      { code: 'facts/bad-entry', message: `x 1 amd64 ${SHA}: setuid must be a list of {path, mode, owner}` },
    ] });
  });
});
