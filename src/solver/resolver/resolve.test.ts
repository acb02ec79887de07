import { describe, expect, it } from 'vitest';
import { installSetProblems } from '../../../test/support/install-set-checker.js';
import { resolve, type Resolution } from './resolve.js';
import { universeOf } from './testing.js';

const names = (r: Resolution) => (r.ok ? r.packages.map((p) => `${p.name}=${p.version}`) : r.diagnostics.map((d) => d.message));
const clash = (r: Resolution) => (r.ok ? [] : r.diagnostics[0]?.clash ?? []);

describe('resolve: apt\'s choices', () => {
  it('installs the roots and their dependencies, each with why', () => {
    const u = universeOf(['Package: web\nDepends: libssl (>= 3), libc', 'Package: libssl\nVersion: 3.1\nDepends: libc', 'Package: libc', 'Package: unrelated']);
    const r = resolve(u, [{ name: 'web' }]);
    expect(names(r)).toEqual(['libc=1', 'libssl=3.1', 'web=1']);
    expect(r.ok && r.packages.find((p) => p.name === 'libssl')?.why).toEqual({ kind: 'depends', of: 'web', field: 'Depends', relation: 'libssl (>= 3)' });
    expect(r.ok && installSetProblems(r.packages.map((p) => p.candidate.package))).toEqual([]);
  });

  it('takes the first alternative that can be installed, and an installed later one satisfies the group', () => {
    const u = universeOf(['Package: app\nDepends: mta-a | mta-b', 'Package: mta-a\nDepends: missing-lib', 'Package: mta-b', 'Package: both\nDepends: xx | yy, yy', 'Package: xx', 'Package: yy']);
    expect(names(resolve(u, [{ name: 'app' }]))).toEqual(['app=1', 'mta-b=1']);
    // apt checks `xx | yy` before installing yy for the second group, so both are installed.
    expect(names(resolve(u, [{ name: 'both' }]))).toEqual(['both=1', 'xx=1', 'yy=1']);
  });

  it('satisfies a virtual package through a provider, and a versioned relation only through a versioned Provides', () => {
    const u = universeOf(['Package: app\nDepends: httpd, api (>= 2)', 'Package: server\nProvides: httpd', 'Package: old-api\nProvides: api', 'Package: new-api\nProvides: api (= 2.5)']);
    expect(names(resolve(u, [{ name: 'app' }]))).toEqual(['app=1', 'new-api=1', 'server=1']);
  });

  it('prefers the higher-priority source, then the newer version, and honours an exact pin', () => {
    const u = universeOf(['Package: tool\nVersion: 1.0', 'Package: tool\nVersion: 2.0'], [{ name: 'security', priority: 600, stanzas: ['Package: tool\nVersion: 1.0+deb12u1'] }]);
    expect(names(resolve(u, [{ name: 'tool' }]))).toEqual(['tool=1.0+deb12u1']);
    expect(names(resolve(u, [{ name: 'tool', version: '2.0' }]))).toEqual(['tool=2.0']);
  });

  it('backtracks past an alternative that clashes, instead of failing as a greedy resolver would', () => {
    const u = universeOf(['Package: app\nDepends: aa | bb, mid', 'Package: aa', 'Package: bb', 'Package: mid\nDepends: cc1 | cc2', 'Package: cc1\nConflicts: aa', 'Package: cc2\nConflicts: aa']);
    const r = resolve(u, [{ name: 'app' }]);
    expect(names(r)).toEqual(['app=1', 'bb=1', 'cc1=1', 'mid=1']);
    expect(r.ok && r.stats.conflicts).toBeGreaterThan(0);
  });

  it('treats Breaks like Conflicts for the install set, and ignores a package\'s conflict with what it provides itself', () => {
    const u = universeOf(['Package: mta\nProvides: mail-transport-agent\nConflicts: mail-transport-agent', 'Package: app\nDepends: mta, lib', 'Package: lib\nBreaks: mta (<< 2)']);
    const r = resolve(u, [{ name: 'app' }]);
    expect(r.ok).toBe(false);
    expect(clash(r)).toEqual(['you asked for app', 'app 1 depends on mta', 'app 1 depends on lib', 'lib 1 breaks mta (<< 2) (mta 1)']);
    expect(names(resolve(u, [{ name: 'mta' }]))).toEqual(['mta=1']);
  });

  it('resolves :any only to Multi-Arch: allowed packages, and a foreign architecture qualifier to nothing', () => {
    const u = universeOf(['Package: py\nMulti-Arch: allowed', 'Package: perl', 'Package: a\nDepends: py:any', 'Package: b\nDepends: perl:any', 'Package: c\nDepends: perl:i386']);
    expect(names(resolve(u, [{ name: 'a' }]))).toEqual(['a=1', 'py=1']);
    expect(resolve(u, [{ name: 'b' }]).ok).toBe(false);
    expect(clash(resolve(u, [{ name: 'c' }]))).toEqual(['you asked for c', 'c 1 depends on perl:i386, which nothing in the catalog satisfies']);
  });

  it('adds Essential packages when asked, and Recommends only when they can be installed', () => {
    const u = universeOf(['Package: base\nEssential: yes', 'Package: app\nRecommends: extra, broken', 'Package: extra', 'Package: broken\nDepends: nowhere', 'Package: arm-only\nArchitecture: arm64\nEssential: yes']);
    expect(names(resolve(u, [{ name: 'app' }], { essential: true }))).toEqual(['app=1', 'base=1']);
    const r = resolve(u, [{ name: 'app' }], { recommends: true });
    expect(names(r)).toEqual(['app=1', 'extra=1']);
    expect(r.ok && r.packages.find((p) => p.name === 'extra')?.why).toMatchObject({ field: 'Recommends', of: 'app' });
    const withSuggests = universeOf(['Package: app\nSuggests: docs | nothing-here', 'Package: docs']);
    expect(names(resolve(withSuggests, [{ name: 'app' }]))).toEqual(['app=1']);
    expect(names(resolve(withSuggests, [{ name: 'app' }], { suggests: true }))).toEqual(['app=1', 'docs=1']);
  });
});

describe('resolve: bad requests and clashes', () => {
  const u = universeOf(['Package: a\nDepends: lib (>= 2)', 'Package: b\nDepends: lib (<< 2)', 'Package: lib\nVersion: 1', 'Package: lib\nVersion: 2', 'Package: p1\nProvides: virt', 'Package: p2\nProvides: virt', 'Package: noise\nDepends: lib']);

  it('names unknown packages, missing versions and ambiguous virtual roots', () => {
    const r = resolve(u, [{ name: 'nope' }, { name: 'lib', version: '3' }, { name: 'virt' }]);
    expect(r.ok).toBe(false);
    expect(names(r)).toEqual(['no package `nope` in the catalog', '`lib` has no version 3 (available: 2, 1)', '`virt` is a virtual package provided by p1, p2; name one']);
  });

  it('explains a clash with the smallest set of rules, each needed', () => {
    const r = resolve(u, [{ name: 'noise' }, { name: 'a' }, { name: 'b' }]);
    expect(r.ok).toBe(false);
    expect(r.ok ? undefined : r.diagnostics[0]?.code).toBe('resolve/unsatisfiable');
    // `noise` plays no part in the clash, so it is not in the explanation.
    expect(clash(r)).toEqual(['you asked for a', 'you asked for b', 'a 1 depends on lib (>= 2)', 'b 1 depends on lib (<< 2)', 'only one version of lib can be installed (2 or 1)']);
  });

  it('excludes what the caller forbids, and says so in a clash', () => {
    const r = resolve(u, [{ name: 'a' }], { exclude: (c) => (c.package.name === 'lib' ? 'prohibited by policy' : undefined) });
    expect(clash(r)).toEqual(['you asked for a', 'lib 2 is excluded: prohibited by policy', 'a 1 depends on lib (>= 2)']);
  });
});
