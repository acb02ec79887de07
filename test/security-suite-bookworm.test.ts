/**
 * bookworm main (../shared/data) and the real bookworm-security main index
 * (testdata/debian/bookworm-security, fetched with scripts/fetch-debian-suite.mjs) as two sources:
 * both verified (signature by the archive keyring, index hash against the signed list); the
 * security suite recognised from its signed Label; apt's candidates (equal priority → newest,
 * which is the security build); the install sets equal to `apt-get -s install` with both as
 * file: sources; and the tier-dependent preference for security builds on the real universe.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPackagesIndex, readVerifiedRelease } from '../src/archive/index.js';
import { compareVersions, isSecuritySuite, PackageUniverse, type BinaryPackage } from '../src/catalog/index.js';
import { resolve } from '../src/solver/resolver/index.js';
import { chooseBuilds, selectComponents, type SelectionInput } from '../src/solver/selection/index.js';
import { aptSimulateInstall, createAptSources } from './support/apt-env.js';
import { BOOKWORM, bookwormAvailable, bookwormPackages } from './support/bookworm.js';
import { hasTool } from './support/tools.js';

const SECURITY = {
  inRelease: join(import.meta.dirname, '..', 'testdata', 'debian', 'bookworm-security', 'InRelease'),
  index: join(import.meta.dirname, '..', 'testdata', 'debian', 'bookworm-security', 'main-binary-amd64-Packages.xz'),
};
const aptReady = bookwormAvailable && hasTool('apt-get') && hasTool('xz');
// Root sets whose install sets include packages with security updates (openssl, curl, glibc, ...).
const ROOT_SETS = [['openssl'], ['curl'], ['libc6'], ['nginx', 'python3'], ['openssh-server'], ['git'], ['postgresql'], ['sudo', 'curl', 'ca-certificates'], ['apache2', 'libapache2-mod-php'], ['python3-requests', 'wget']];

describe.skipIf(!bookwormAvailable)('bookworm main + bookworm-security (real indexes)', () => {
  let main: readonly BinaryPackage[];
  let security: readonly BinaryPackage[];
  let universe: PackageUniverse;
  let signers: string[];
  let label: string;
  beforeAll(async () => {
    const release = await readVerifiedRelease(SECURITY.inRelease, BOOKWORM.keyring as string);
    signers = release.signatures.map((s) => s.signer);
    label = release.release.label;
    expect(isSecuritySuite(release.release)).toBe(true);
    security = (await readPackagesIndex(SECURITY.index, release.release, 'main/binary-amd64/Packages')).packages;
    main = await bookwormPackages();
    universe = new PackageUniverse([{ name: 'bookworm/main', priority: 500, packages: main }, { name: 'bookworm-security/main', priority: 500, packages: security, security: true }]);
  }, 180_000);

  it('verifies the security release with the archive keyring and marks it a security suite from its Label', () => {
    expect(signers).toEqual(expect.arrayContaining([expect.stringMatching(/^Debian Security Archive Automatic Signing Key \(12\/bookworm\)/)]));
    expect(label).toBe('Debian-Security');
    expect(security.length).toBeGreaterThan(1000);
    expect([...universe.securitySources]).toEqual(['bookworm-security/main']);
  });

  it('takes the newest version as apt does at equal priority: the security build wherever it is the newest', () => {
    const mainNewest = new Map<string, string>();
    for (const p of main) mainNewest.set(p.name, mainNewest.has(p.name) && compareVersions(mainNewest.get(p.name)!, p.version) > 0 ? mainNewest.get(p.name)! : p.version);
    const shared = [...new Set(security.map((p) => p.name))].filter((n) => mainNewest.has(n));
    expect(shared.length).toBeGreaterThan(500);
    const wrong = shared.filter((name) => {
      const newestSecurity = security.filter((p) => p.name === name).map((p) => p.version).sort((a, b) => compareVersions(b, a))[0]!;
      const best = compareVersions(newestSecurity, mainNewest.get(name)!) >= 0 ? 'bookworm-security/main' : 'bookworm/main';
      return universe.preferred(name)?.source !== best;
    });
    expect(wrong).toEqual([]);
    for (const name of ['libssl3', 'openssl', 'nginx', 'perl-base']) expect(universe.preferred(name)?.source, name).toBe('bookworm-security/main');
    // The security suite lags the point release for these: main's newer build is apt's candidate.
    for (const name of ['libc6', 'curl']) expect(universe.preferred(name)?.source, name).toBe('bookworm/main');
  });

  it('is the same as apt\'s order at low tier and the security builds at critical tier; a pinned main shows the difference', () => {
    const installs = (u: PackageUniverse, roots: string[]) => {
      const r = resolve(u, roots.map((name) => ({ name })));
      if (!r.ok) throw new Error(r.diagnostics[0]?.message);
      return new Map(r.packages.map((p) => [p.name, `${p.version} ${p.candidate.source}`]));
    };
    const roots = ['curl', 'openssl', 'openssh-server', 'nginx', 'python3'];
    // Equal priorities: apt already takes a security build at least as new as main's, and a
    // security build older than main's point release is not preferred, so the tiers agree.
    const low = chooseBuilds(universe, {}, 'low');
    const critical = chooseBuilds(universe, {}, 'critical');
    expect([low.preferred, critical.preferred]).toEqual([false, true]);
    expect([...installs(critical.universe, roots)]).toEqual([...installs(low.universe, roots)]);
    // bookworm main pinned to 990 (an admin holding the point release): apt takes main's builds
    // at low tier, critical tier takes the security builds that are newer than them.
    const pinned = new PackageUniverse([{ name: 'bookworm/main', priority: 990, packages: main }, { name: 'bookworm-security/main', priority: 500, packages: security, security: true }]);
    const atLow = installs(chooseBuilds(pinned, {}, 'low').universe, roots);
    const choice = chooseBuilds(pinned, {}, 'critical');
    const atCritical = installs(choice.universe, roots);
    const changed = [...atCritical].filter(([name, v]) => atLow.get(name) !== v).map(([name, v]) => `${name} ${atLow.get(name)} -> ${v}`);
    console.info(`pinned main, low -> critical:\n${changed.join('\n')}`);
    expect(changed.length).toBeGreaterThan(0);
    for (const line of changed) expect(line).toMatch(/ bookworm\/main -> \S+ bookworm-security\/main$/);
    for (const [name] of [...atCritical].filter(([, v]) => v.endsWith('bookworm-security/main'))) {
      expect(choice.reasonFor(choice.universe.preferred(name)!)).toMatch(/^security build preferred at tier critical \(policy: from high\)/);
    }
    // curl's security build (+deb12u5) is older than main's point-release build: main's kept.
    expect(atCritical.get('curl')).toMatch(/^7\.88\.1-10\+deb12u\d+ bookworm\/main$/);
    expect(choice.reasonFor(choice.universe.preferred('curl')!)).toMatch(/^newer than the security build 7\.88\.1-10\+deb12u5 from bookworm-security\/main/);
  });
});

describe.skipIf(!bookwormAvailable)('selecting for an nginx app on bookworm main pinned over bookworm-security (real indexes)', () => {
  let universe: PackageUniverse;
  beforeAll(async () => {
    const release = await readVerifiedRelease(SECURITY.inRelease, BOOKWORM.keyring as string);
    const security = (await readPackagesIndex(SECURITY.index, release.release, 'main/binary-amd64/Packages')).packages;
    universe = new PackageUniverse([{ name: 'bookworm/main', priority: 990, packages: await bookwormPackages() }, { name: 'bookworm-security/main', priority: 500, packages: security, security: true }]);
  }, 180_000);
  const input = (tier: SelectionInput['tier']): SelectionInput => ({
    tier, threats: [{ id: 'lateral-movement', weight: 0.5 }], app: [{ name: 'nginx' }, { name: 'openssl' }], policy: {}, essential: false,
    controls: [{ id: 'nftables', category: 'firewall', title: 'nftables', packages: ['nftables'], mitigates: { 'lateral-movement': 0.6 }, ram: 'low', cpu: 'low', daemon: false, listens: false, excludes: [], nist: ['SC-7'] }],
  });

  it('plans main\'s pinned builds at low tier and the security builds at critical tier, saying which and why', async () => {
    const low = await selectComponents(universe, input('low'));
    const critical = await selectComponents(universe, input('critical'));
    if (!low.ok || !critical.ok) throw new Error('selection failed');
    const fromSecurity = (s: typeof low.selection) => s.packages.filter((p) => p.source === 'bookworm-security/main').map((p) => p.name);
    console.info(`critical tier takes ${fromSecurity(critical.selection).length} of ${critical.selection.packages.length} packages from bookworm-security: ${fromSecurity(critical.selection).join(' ')}`);
    expect(fromSecurity(low.selection)).toEqual([]);
    expect(fromSecurity(critical.selection)).toEqual(expect.arrayContaining(['libssl3', 'nginx', 'nginx-common', 'openssl']));
    const nginx = critical.selection.packages.find((p) => p.name === 'nginx');
    expect(nginx?.build).toMatch(/^security build preferred at tier critical \(policy: from high\); apt would take 1\.22\.1-9\+deb12u\d+ from bookworm\/main \(priority 990\)$/);
    expect(low.selection.packages.find((p) => p.name === 'nginx')?.build).toMatch(/^apt's order below tier high: its candidate, not the security build /);
    // A policy that prefers them from critical only keeps apt's order at high.
    const high = await selectComponents(universe, { ...input('high'), policy: { preferSecurityFromTier: 'critical' } });
    expect(high.ok && fromSecurity(high.selection)).toEqual([]);
    const again = await selectComponents(universe, input('critical'));
    expect(again.ok && again.selection.packages).toEqual(critical.selection.packages);
  }, 120_000);
});

/** apt with both signed indexes as file: sources, Valid-Until not checked (the snapshot ages). */
function twoSourceApt(dir: string): Promise<string> {
  return createAptSources(dir, {
    keyring: BOOKWORM.keyring as string,
    suites: [{ suite: 'bookworm', inRelease: BOOKWORM.inRelease as string, indexXz: BOOKWORM.index as string }, { suite: 'bookworm-security', inRelease: SECURITY.inRelease, indexXz: SECURITY.index }],
    checkValidUntil: false,
  });
}

describe.skipIf(!aptReady)('the same install sets as apt-get -s install with bookworm-security as a second source', () => {
  let dir: string;
  let config: string;
  let universe: PackageUniverse;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-apt-security-'));
    config = await twoSourceApt(dir);
    const release = await readVerifiedRelease(SECURITY.inRelease, BOOKWORM.keyring as string);
    const security = (await readPackagesIndex(SECURITY.index, release.release, 'main/binary-amd64/Packages')).packages;
    universe = new PackageUniverse([{ name: 'bookworm/main', priority: 500, packages: await bookwormPackages() }, { name: 'bookworm-security/main', priority: 500, packages: security, security: true }]);
  }, 240_000);
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it(`agrees on ${ROOT_SETS.length} root sets that pull security updates (names and versions)`, async () => {
    const disagreements: string[] = [];
    let fromSecurity = 0;
    for (const roots of ROOT_SETS) {
      const theirs = await aptSimulateInstall(config, roots);
      const ours = resolve(universe, roots.map((name) => ({ name })));
      expect(theirs.ok, theirs.output.slice(-300)).toBe(true);
      if (!ours.ok) {
        disagreements.push(`${roots.join(' ')}: ours failed: ${ours.diagnostics[0]?.message}`);
        continue;
      }
      fromSecurity += ours.packages.filter((p) => p.candidate.security).length;
      const mine = ours.packages.map((p) => `${p.name}=${p.version}`).sort();
      const onlyOurs = mine.filter((x) => !theirs.installs.includes(x));
      const onlyApt = theirs.installs.filter((x) => !mine.includes(x));
      if (onlyOurs.length + onlyApt.length > 0) disagreements.push(`${roots.join(' ')}: only ours ${onlyOurs.join(' ')}; only apt ${onlyApt.join(' ')}`);
    }
    expect(disagreements).toEqual([]);
    console.info(`${fromSecurity} packages of the ${ROOT_SETS.length} install sets come from bookworm-security`);
    expect(fromSecurity).toBeGreaterThan(ROOT_SETS.length);
  }, 300_000);
});
