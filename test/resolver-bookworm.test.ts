/**
 * The resolver on the real bookworm index: every install set passes the independent checker,
 * and the sets equal `apt-get -s install` on the same signed index (apt set up in a temporary
 * directory with the index as a file: source, Recommends off as ours by default, an empty dpkg
 * status) for 25 typical stacks and 30 random root sets.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackageUniverse } from '../src/catalog/index.js';
import { parseRootSpec, resolve } from '../src/solver/resolver/index.js';
import { aptSimulateInstall, createAptEnvironment, type AptSimulation } from './support/apt-env.js';
import { BOOKWORM, bookwormAvailable, bookwormPackages, bookwormUniverse } from './support/bookworm.js';
import { installSetProblems } from './support/install-set-checker.js';
import { randomRootSets, TYPICAL_STACKS } from './support/root-sets.js';
import { hasTool } from './support/tools.js';

const aptReady = bookwormAvailable && hasTool('apt-get') && hasTool('xz');

describe.skipIf(!bookwormAvailable)('resolving on the real bookworm index', () => {
  let universe: PackageUniverse;
  let names: string[];
  beforeAll(async () => {
    universe = await bookwormUniverse();
    names = (await bookwormPackages()).map((p) => p.name);
  }, 120_000);

  it('gives install sets that pass the independent checker for 250 random root sets and every typical stack', () => {
    let resolved = 0;
    for (const roots of [...TYPICAL_STACKS, ...randomRootSets(names, 250, 2026)]) {
      const r = resolve(universe, roots.map((name) => ({ name })));
      if (!r.ok) {
        // A clash must name rules, roots first; a root that names no package is reported as such.
        const d = r.diagnostics[0];
        expect(d?.code === 'resolve/unknown-package' || (d?.clash?.[0] ?? '').startsWith('you asked for')).toBe(true);
        continue;
      }
      resolved++;
      expect(installSetProblems(r.packages.map((p) => p.candidate.package)), roots.join(' ')).toEqual([]);
      for (const root of roots) expect(r.packages.some((p) => p.name === root || p.why.kind === 'root')).toBe(true);
    }
    expect(resolved).toBeGreaterThan(235);
  });

  it('explains real clashes with the rules that matter', () => {
    const mta = resolve(universe, [{ name: 'postfix' }, { name: 'exim4' }]);
    expect(mta.ok).toBe(false);
    const clash = mta.ok ? [] : mta.diagnostics[0]?.clash ?? [];
    expect(clash.slice(0, 2)).toEqual(['you asked for postfix', 'you asked for exim4']);
    expect(clash.some((l) => /^postfix \S+ conflicts with mail-transport-agent \(exim4-daemon-light /.test(l))).toBe(true);
    const init = resolve(universe, [parseRootSpec('systemd-sysv'), parseRootSpec('sysvinit-core')]);
    expect(init.ok ? [] : init.diagnostics[0]?.clash).toEqual(['you asked for systemd-sysv', 'you asked for sysvinit-core', expect.stringMatching(/^systemd-sysv \S+ conflicts with sysvinit-core \(sysvinit-core 3\.06-4\)$/)]);
  });
});

describe.skipIf(!aptReady)('the same install sets as apt-get -s install', () => {
  let dir: string;
  let config: string;
  let universe: PackageUniverse;
  let names: string[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-apt-'));
    config = await createAptEnvironment(dir, { inRelease: BOOKWORM.inRelease as string, keyring: BOOKWORM.keyring as string, indexXz: BOOKWORM.index as string });
    universe = await bookwormUniverse();
    names = (await bookwormPackages()).map((p) => p.name);
  }, 180_000);
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('agrees on 25 typical stacks and 30 random root sets (names and versions)', async () => {
    const sets = [...TYPICAL_STACKS, ...randomRootSets(names, 30, 7)];
    const apt: AptSimulation[] = [];
    for (let i = 0; i < sets.length; i += 2) apt.push(...(await Promise.all(sets.slice(i, i + 2).map((roots) => aptSimulateInstall(config, roots)))));
    const disagreements: string[] = [];
    sets.forEach((roots, i) => {
      const ours = resolve(universe, roots.map((name) => ({ name })));
      const theirs = apt[i]!;
      if (ours.ok !== theirs.ok) {
        disagreements.push(`${roots.join(' ')}: ours ${ours.ok ? 'resolved' : 'failed'}, apt ${theirs.ok ? 'resolved' : `failed: ${theirs.output.slice(-300)}`}`);
        return;
      }
      if (!ours.ok) return;
      const mine = ours.packages.map((p) => `${p.name}=${p.version}`).sort();
      const onlyOurs = mine.filter((x) => !theirs.installs.includes(x));
      const onlyApt = theirs.installs.filter((x) => !mine.includes(x));
      if (onlyOurs.length + onlyApt.length > 0) disagreements.push(`${roots.join(' ')}: only ours ${onlyOurs.join(' ')}; only apt ${onlyApt.join(' ')}`);
    });
    expect(sets.length).toBeGreaterThanOrEqual(50);
    expect(apt.filter((a) => a.ok).length).toBeGreaterThan(45);
    expect(disagreements).toEqual([]);
  }, 300_000);
});
