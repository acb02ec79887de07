import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../test/support/shared-data.js';
import { hasTool } from '../../test/support/tools.js';
import { parsePackages } from './packages.js';
import { PackageUniverse } from './universe.js';

const stanza = (name: string, version: string, extra = '') => `Package: ${name}\nVersion: ${version}\nArchitecture: amd64\n${extra}`;
const pkgs = (...stanzas: string[]) => parsePackages(stanzas.join('\n\n')).packages;

describe('a universe of several sources', () => {
  const main = pkgs(stanza('openssl', '3.0.11-1~deb12u2'), stanza('exim4-daemon-light', '4.96-15+deb12u5', 'Provides: mail-transport-agent'), stanza('libc6', '2.36-9+deb12u4'));
  const security = pkgs(stanza('openssl', '3.0.13-1~deb12u1'), stanza('libc6', '2.36-9+deb12u4'));
  const backports = pkgs(stanza('openssl', '3.3.2-1~bpo12+1'), stanza('postfix', '3.7.11-0+deb12u1', 'Provides: mail-transport-agent, default-mta (= 1.0)'));

  it('orders candidates by priority, then version, as apt does', () => {
    const u = new PackageUniverse([
      { name: 'bookworm/main', priority: 500, packages: main },
      { name: 'bookworm-security/main', priority: 500, packages: security },
      { name: 'bookworm-backports/main', priority: 100, packages: backports },
    ]);
    expect(u.candidates('openssl').map((c) => [c.package.version, c.source])).toEqual([
      ['3.0.13-1~deb12u1', 'bookworm-security/main'],
      ['3.0.11-1~deb12u2', 'bookworm/main'],
      ['3.3.2-1~bpo12+1', 'bookworm-backports/main'], // newer, but backports are pinned low
    ]);
    expect(u.preferred('openssl')?.package.version).toBe('3.0.13-1~deb12u1');
    // The same libc6 in main and security is one package.
    expect(u.candidates('libc6').length).toBe(1);
  });

  it('maps virtual packages to their providers, with provided versions', () => {
    const u = new PackageUniverse([{ name: 'main', priority: 500, packages: main }, { name: 'backports', priority: 100, packages: backports }]);
    expect(u.isVirtual('mail-transport-agent')).toBe(true);
    expect(u.providers('mail-transport-agent').map((p) => p.candidate.package.name)).toEqual(['exim4-daemon-light', 'postfix']);
    expect(u.providers('default-mta')).toEqual([expect.objectContaining({ version: '1.0' })]);
    expect(u.isVirtual('openssl')).toBe(false);
    expect(u.candidates('no-such')).toEqual([]);
  });

  const index = sharedData(join('debian', 'bookworm', 'main-binary-amd64-Packages.xz'));
  it.skipIf(index === undefined || !hasTool('xz'))('holds bookworm main: every name once, virtual packages resolvable', () => {
    const { packages } = parsePackages(execFileSync('xz', ['-dc', index as string], { encoding: 'utf8', maxBuffer: 512 << 20 }));
    const u = new PackageUniverse([{ name: 'bookworm/main', priority: 500, packages }]);
    expect(u.names).toBe(new Set(packages.map((p) => p.name)).size);
    expect(u.isVirtual('mail-transport-agent')).toBe(true);
    expect(u.providers('mail-transport-agent').map((p) => p.candidate.package.name)).toEqual(expect.arrayContaining(['exim4-daemon-light', 'postfix']));
    expect(u.preferred('bash')?.package.essential).toBe(true);
  }, 60_000);
});
