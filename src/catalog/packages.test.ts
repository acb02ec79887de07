import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../test/support/shared-data.js';
import { hasTool } from '../../test/support/tools.js';
import { PackagesParser, parsePackages } from './packages.js';
import { parseRelations, type Alternatives } from './relations.js';

const STANZA = `Package: bash
Version: 5.2.15-2+b7
Installed-Size: 7164
Maintainer: Matthias Klose <doko@debian.org>
Architecture: amd64
Replaces: bash-completion (<< 20060301-0), bash-doc (<= 2.05-1)
Depends: base-files (>= 2.1.12), debianutils (>= 5.6-0.1)
Pre-Depends: libc6 (>= 2.36), libtinfo6 (>= 6)
Recommends: bash-completion (>= 20060301-0)
Suggests: bash-doc
Conflicts: bash-completion (<< 20060301-0)
Description: GNU Bourne Again SHell
 Bash is an sh-compatible command language interpreter.
 .
 Bash is ultimately intended to be a conformant implementation.
Essential: yes
Multi-Arch: foreign
Source: bash (5.2.15-2)
Priority: required
Section: shells
Filename: pool/main/b/bash/bash_5.2.15-2+b7_amd64.deb
Size: 1490904
SHA256: 0c2a0e9f7d6c3f1d2c1c5a5e0e8f6b0a2f8d9c4b3a2e1f0d9c8b7a6f5e4d3c2b

Package: python3-pip
Version: 23.0.1+dfsg-1
Architecture: all
Depends: ca-certificates, python3-distutils, python3-setuptools, python3-wheel, python3:any
Recommends: build-essential, python3-dev (>= 3.2)
Description: Python package installer
`;

/** Relations written back in Policy's canonical spelling, to compare with the field's text. */
function render(relations: readonly Alternatives[]): string {
  return relations.map((alts) => alts.map((r) => `${r.name}${r.archQualifier ? `:${r.archQualifier}` : ''}${r.op ? ` (${r.op} ${r.version})` : ''}${r.architectures ? ` [${r.architectures.join(' ')}]` : ''}`).join(' | ')).join(', ');
}

describe('Packages index', () => {
  it('reads a stanza: fields, relations, source version, essential, multi-arch, summary', () => {
    const { packages, problems } = parsePackages(STANZA);
    expect(problems).toEqual([]);
    const [bash, pip] = packages;
    expect(bash).toMatchObject({
      name: 'bash', version: '5.2.15-2+b7', architecture: 'amd64', source: 'bash', sourceVersion: '5.2.15-2', essential: true, multiArch: 'foreign',
      priority: 'required', installedSize: 7164, size: 1490904, summary: 'GNU Bourne Again SHell',
      preDepends: [[{ name: 'libc6', op: '>=', version: '2.36' }], [{ name: 'libtinfo6', op: '>=', version: '6' }]],
    });
    expect(bash?.replaces[1]).toEqual([{ name: 'bash-doc', op: '<=', version: '2.05-1' }]);
    expect(pip).toMatchObject({ source: 'python3-pip', sourceVersion: '23.0.1+dfsg-1', essential: false, multiArch: 'no' });
    expect(pip?.depends.at(-1)).toEqual([{ name: 'python3', archQualifier: 'any' }]);
  });

  it('gives the same packages whatever the chunking', () => {
    const whole = parsePackages(STANZA).packages;
    for (const size of [1, 7, 64, 1000]) {
      const p = new PackagesParser();
      const got = [];
      for (let i = 0; i < STANZA.length; i += size) got.push(...p.push(STANZA.slice(i, i + size)));
      got.push(...p.end());
      expect(got).toEqual(whole);
    }
  });

  it('reports a bad stanza with its line and keeps the others', () => {
    const { packages, problems } = parsePackages(`Package: good\nVersion: 1.0\nArchitecture: all\n\nPackage: bad\nVersion: one\nArchitecture: all\n\nPackage: worse\nVersion: 1\nArchitecture: all\nDepends: libc6 (>= 2.36\n`);
    expect(packages.map((p) => p.name)).toEqual(['good']);
    expect(problems).toEqual([
      { line: 5, package: 'bad', message: expect.stringMatching(/upstream version `one`/) },
      { line: 9, package: 'worse', message: expect.stringMatching(/^depends: /) },
    ]);
  });

  it('reads alternatives, obsolete operators and architecture lists', () => {
    expect(parseRelations('default-mta | mail-transport-agent, libc6 (> 2.3) [amd64 !i386], foo:native')).toEqual({
      ok: true,
      relations: [[{ name: 'default-mta' }, { name: 'mail-transport-agent' }], [{ name: 'libc6', op: '>=', version: '2.3', architectures: ['amd64', '!i386'] }], [{ name: 'foo', archQualifier: 'native' }]],
    });
    expect(parseRelations('libc6 (>= )').ok).toBe(false);
    expect(parseRelations('Bad_Name').ok).toBe(false);
  });

  const index = sharedData(join('debian', 'bookworm', 'main-binary-amd64-Packages.xz'));
  it.skipIf(index === undefined || !hasTool('xz'))('reads all of bookworm main (amd64) without a problem, and its relations round-trip', () => {
    const text = execFileSync('xz', ['-dc', index as string], { encoding: 'utf8', maxBuffer: 512 << 20 });
    const parser = new PackagesParser();
    const packages = [];
    // Chunks as a decompressing stream would hand them over.
    for (let i = 0; i < text.length; i += 65536) packages.push(...parser.push(text.slice(i, i + 65536)));
    packages.push(...parser.end());
    expect(parser.problems).toEqual([]);
    expect(packages.length).toBe((text.match(/^Package: /gm) ?? []).length);
    expect(packages.length).toBe(63_440);
    // Every Depends field, re-rendered from what we parsed, is the field itself (whitespace aside).
    const fields = [...text.matchAll(/^Package: (\S+)\n(?:[^\n]+\n)*?Version: (\S+)\n(?:[^\n]+\n)*?Depends: ([^\n]+)$/gm)].map((m) => [`${m[1]}@${m[2]}`, m[3]] as const);
    const byName = new Map(packages.map((p) => [`${p.name}@${p.version}`, p]));
    let checked = 0;
    for (const [name, field] of fields) {
      const p = byName.get(name);
      if (p === undefined) continue;
      expect(render(p.depends)).toBe((field as string).replace(/\s+/g, ' ').replace(/\(\s*/g, '(').replace(/\s*\)/g, ')').replace(/\s*,\s*/g, ', ').replace(/\s*\|\s*/g, ' | ').replace(/\((<<|<=|>=|>>|=)\s*/g, '($1 ').trim());
      checked++;
    }
    expect(checked).toBeGreaterThan(40_000);
    const essential = packages.filter((p) => p.essential).map((p) => p.name);
    expect(essential).toContain('bash');
    expect(essential).toContain('dpkg');
  });
});
