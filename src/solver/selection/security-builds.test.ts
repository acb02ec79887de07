import { describe, expect, it } from 'vitest';
import { PackageUniverse, parsePackages, type PackageSource } from '../../catalog/index.js';
import { chooseBuilds } from './security-builds.js';
import { selectComponents } from './select.js';
import { checkSelectionPolicy } from './policy.js';
import type { ControlOption, SelectionInput } from './types.js';

const packages = (text: string) => {
  const { packages: list, problems } = parsePackages(text.trim().split('\n\n').map((s) => `${s.trim().split('\n').map((l) => l.trim()).join('\n')}\nArchitecture: amd64`).join('\n\n'));
  if (problems.length > 0) throw new Error(problems.map((p) => p.message).join('; '));
  return list;
};
// Main has libssl 3.0.16-1 and, from a point release, the same 3.0.17-1 security has; zlib
// older than security's; the app's tool newer than security's (a point release superseded it);
// and a library only main has.
const MAIN = packages(`
  Package: app
  Version: 1
  Depends: libssl, tool, zlib

  Package: zlib
  Version: 1.2.13

  Package: libssl
  Version: 3.0.16-1

  Package: libssl
  Version: 3.0.17-1

  Package: tool
  Version: 1.2
  Depends: libzz

  Package: libzz
  Version: 1`);
const SECURITY = packages(`
  Package: zlib
  Version: 1.2.13+deb12u1

  Package: libssl
  Version: 3.0.17-1

  Package: tool
  Version: 1.1
  Depends: libzz`);
const universe = (mainPriority: number) => new PackageUniverse([
  { name: 'bookworm/main', priority: mainPriority, packages: MAIN },
  { name: 'bookworm-security/main', priority: 500, packages: SECURITY, security: true } satisfies PackageSource,
]);

describe('security builds in the universe', () => {
  it('keeps the security copy of a version both sources have, first at equal priority, and apt\'s order otherwise', () => {
    const u = universe(500);
    expect(u.candidates('libssl').map((c) => [c.package.version, c.source])).toEqual([['3.0.17-1', 'bookworm-security/main'], ['3.0.17-1', 'bookworm/main'], ['3.0.16-1', 'bookworm/main']]);
    // apt: equal priority, newest version — main's 1.2 over security's 1.1.
    expect(u.candidates('tool').map((c) => [c.package.version, c.source])).toEqual([['1.2', 'bookworm/main'], ['1.1', 'bookworm-security/main']]);
    expect([...u.securitySources]).toEqual(['bookworm-security/main']);
  });

  it('puts security builds at least as new as the others first in the preferring view, the same candidate objects', () => {
    const u = universe(990);
    const view = u.preferringSecurity();
    expect(u.preferred('libssl')?.source).toBe('bookworm/main'); // pinned main wins under apt's rule
    expect(view.preferred('libssl')).toMatchObject({ source: 'bookworm-security/main', security: true });
    expect(view.preferred('zlib')).toMatchObject({ source: 'bookworm-security/main', security: true });
    // Older than main's build, which supersedes it: not preferred.
    expect(view.preferred('tool')).toBe(u.preferred('tool'));
    expect(view.preferred('tool')?.package.version).toBe('1.2');
    expect(view.preferred('libzz')).toBe(u.preferred('libzz'));
    expect(view.candidates('tool')).toHaveLength(2);
    expect(view.securitySources).toEqual(u.securitySources);
  });
});

describe('chooseBuilds', () => {
  it('prefers security builds from the policy tier (default high) up, not below', () => {
    const u = universe(500);
    expect(chooseBuilds(u, {}, 'moderate').preferred).toBe(false);
    expect(chooseBuilds(u, {}, 'high').preferred).toBe(true);
    expect(chooseBuilds(u, { preferSecurityFromTier: 'low' }, 'low').preferred).toBe(true);
    expect(chooseBuilds(u, { preferSecurityFromTier: 'critical' }, 'high').preferred).toBe(false);
    // Without a security source there is nothing to prefer.
    expect(chooseBuilds(new PackageUniverse([{ name: 'bookworm/main', priority: 500, packages: MAIN }]), {}, 'critical').preferred).toBe(false);
  });

  it('accepts the knob in the policy schema and rejects a tier that does not exist', () => {
    expect(checkSelectionPolicy({ preferSecurityFromTier: 'critical' }).ok).toBe(true);
    const bad = checkSelectionPolicy({ preferSecurityFromTier: 'extreme' });
    expect(bad.ok).toBe(false);
  });
});

const control = (id: string, pkgs: string[]): ControlOption => ({ id, category: 'audit', title: id, packages: pkgs, mitigates: { persistence: 0.5 }, ram: 'low', cpu: 'low', daemon: false, listens: false, excludes: [], nist: ['AU-2'] });
const input = (tier: SelectionInput['tier']): SelectionInput => ({ tier, threats: [{ id: 'persistence', weight: 0.01 }], app: [{ name: 'app' }], controls: [control('noop', ['libzz'])], policy: {}, essential: false });

describe('selectComponents with a security suite', () => {
  it('takes apt\'s builds at low tier and the security builds at critical tier, saying why in the plan', async () => {
    const low = await selectComponents(universe(990), input('low'));
    const critical = await selectComponents(universe(990), input('critical'));
    if (!low.ok || !critical.ok) throw new Error('selection failed');
    const view = (s: typeof low.selection) => s.packages.map((p) => [p.name, p.version, p.source, p.build]);
    expect(view(low.selection)).toEqual([
      ['app', '1', 'bookworm/main', undefined],
      ['libssl', '3.0.17-1', 'bookworm/main', 'apt\'s order below tier high: its candidate, not the security build 3.0.17-1 from bookworm-security/main (security builds are preferred from tier high)'],
      ['libzz', '1', 'bookworm/main', undefined],
      ['tool', '1.2', 'bookworm/main', 'apt\'s order below tier high: its candidate, not the security build 1.1 from bookworm-security/main (security builds are preferred from tier high)'],
      ['zlib', '1.2.13', 'bookworm/main', 'apt\'s order below tier high: its candidate, not the security build 1.2.13+deb12u1 from bookworm-security/main (security builds are preferred from tier high)'],
    ]);
    expect(view(critical.selection)).toEqual([
      ['app', '1', 'bookworm/main', undefined],
      ['libssl', '3.0.17-1', 'bookworm-security/main', 'security build preferred at tier critical (policy: from high); apt would take 3.0.17-1 from bookworm/main (priority 990)'],
      ['libzz', '1', 'bookworm/main', undefined],
      ['tool', '1.2', 'bookworm/main', 'newer than the security build 1.1 from bookworm-security/main (which it supersedes), so kept at tier critical'],
      ['zlib', '1.2.13+deb12u1', 'bookworm-security/main', 'security build preferred at tier critical (policy: from high); apt would take 1.2.13 from bookworm/main (priority 990)'],
    ]);
    // Deterministic: the same inputs give the same packages.
    const again = await selectComponents(universe(990), input('critical'));
    expect(again.ok && again.selection.packages).toEqual(critical.selection.packages);
  });
});
