import { execFileSync, spawnSync } from 'node:child_process';
import { cp, mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { sharedData } from '../../test/support/shared-data.js';
import { hasTool } from '../../test/support/tools.js';
import { readPackagesIndex, readVerifiedRelease } from '../archive/index.js';
import type { BinaryPackage } from '../catalog/index.js';
import { renderProfileText, type PlaceholderValues, type SecurityControl } from '../controls/index.js';
import { CONTROLS_DIR, loadControlCatalog, type LoadedControlCatalog } from './controls.js';

let loaded: LoadedControlCatalog;
let work: string;

beforeAll(async () => {
  const r = await loadControlCatalog();
  if (!r.ok) throw new Error(`the repository's control catalog does not load:\n${r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n')}`);
  loaded = r.value;
  work = await mkdtemp(join(tmpdir(), 'tessera-controls-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Deployment values that exercise every list placeholder with more than one element. */
const SAMPLE: PlaceholderValues = {
  'app.ports.tcp': ['80', '443'],
  'app.ports.udp': ['5353'],
  'app.egress.tcp': ['5432', '6379'],
  'app.egress.udp': ['8125'],
  'admin.sources.ipv4': ['10.20.0.0/16', '192.0.2.7'],
  'admin.sources.ipv6': ['fd00:20::/48'],
  'log.forward.host': 'logs.example.net',
};

function control(id: string): SecurityControl {
  const c = loaded.catalog.byId.get(id);
  if (c === undefined) throw new Error(`no control ${id}`);
  return c;
}

/** Every (control, file) of the catalog whose source matches `pattern`, rendered with `values`. */
function rendered(pattern: RegExp, values: PlaceholderValues): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const [key, text] of loaded.files) {
    if (!pattern.test(key)) continue;
    const r = renderProfileText(text, values);
    if (!r.ok) throw new Error(`${key}: ${r.problems.join('; ')}`);
    out.push({ name: key, text: r.text });
  }
  if (out.length === 0) throw new Error(`no profile file matches ${pattern}`);
  return out;
}

/** Runs `command` on each rendered file; returns the failures with the tool's output. */
async function failures(files: { name: string; text: string }[], run: (path: string) => { status: number | null; output: string }): Promise<string[]> {
  const bad: string[] = [];
  for (const [i, f] of files.entries()) {
    const path = join(work, `check-${i}`);
    await writeFile(path, f.text);
    const r = run(path);
    if (r.status !== 0) bad.push(`${f.name}: ${r.output}`);
  }
  return bad;
}

const tool = (command: string, args: (path: string) => string[]) => (path: string) => {
  const r = spawnSync(command, args(path), { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
};

describe('the repository\'s security control catalog', () => {
  it('loads with no diagnostic at all', async () => {
    const r = await loadControlCatalog(CONTROLS_DIR);
    expect(r.diagnostics).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('covers every category the design names, with the issue\'s packages', () => {
    const ids = loaded.catalog.controls.map((c) => c.id);
    expect(new Set(loaded.catalog.controls.map((c) => c.category)).size).toBe(12);
    expect(ids).toEqual(expect.arrayContaining(['nftables', 'ufw', 'firewalld', 'iptables', 'fail2ban', 'sshguard', 'crowdsec', 'aide', 'samhain', 'tripwire', 'auditd', 'apparmor', 'apparmor-profiles', 'clamav-scan', 'clamav-daemon', 'rkhunter', 'chkrootkit', 'yara', 'lynis', 'tiger', 'debsums', 'unattended-upgrades', 'needrestart', 'pam-pwquality', 'chrony', 'rsyslog', 'usbguard']));
    // Few controls are mandatory: the optimizer decides the rest.
    expect(loaded.catalog.controls.filter((c) => c.requiredFrom !== null).map((c) => c.id).sort()).toEqual(['auditd', 'unattended-upgrades']);
  });

  it('has every declared profile file on disk, read', () => {
    for (const c of loaded.catalog.controls) {
      for (const p of c.profiles) for (const f of p.files) expect(loaded.files.has(`${c.id}/${f.source}`), `${c.id}/${f.source}`).toBe(true);
    }
  });

  it('is stricter at higher tiers: a tier never uses a weaker profile than the tier below it', () => {
    for (const c of loaded.catalog.controls) {
      const order = c.profiles.map((p) => p.name);
      const used = (['low', 'moderate', 'high', 'critical'] as const).map((t) => c.tiers[t]).filter((p): p is string => p !== undefined).map((p) => order.indexOf(p));
      expect(used, c.id).toEqual([...used].sort((a, b) => a - b));
    }
  });

  it('renders every profile file with and without deployment values', () => {
    expect(rendered(/./, SAMPLE).length).toBe(loaded.files.size);
    expect(rendered(/./, {}).length).toBe(loaded.files.size);
  });

  it('has YAML profile files that parse (crowdsec reads several documents from one file)', () => {
    for (const f of rendered(/\.ya?ml(\.local)?$/, SAMPLE)) {
      const docs = parseAllDocuments(f.text);
      expect(Array.isArray(docs) ? docs.flatMap((d) => d.errors.map((e) => e.message)) : ['not YAML'], f.name).toEqual([]);
    }
  });
});

describe('the catalog\'s loader', () => {
  let copy: string;
  beforeAll(async () => {
    copy = join(work, 'copy');
    await cp(CONTROLS_DIR, copy, { recursive: true });
  });

  it('reports a declared file that is missing, a file nobody declares and an unknown placeholder', async () => {
    await unlink(join(copy, 'profiles', 'chrony', 'strict', 'etc', 'chrony', 'chrony.conf'));
    await writeFile(join(copy, 'profiles', 'chrony', 'standard', 'stray.conf'), 'x\n');
    await writeFile(join(copy, 'profiles', 'rsyslog', 'standard', 'etc', 'rsyslog.d', '50-tessera.conf'), '*.* @{{log.forward.hots}}\n');
    const r = await loadControlCatalog(copy);
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual(expect.arrayContaining([
      ['controls/missing-file', expect.stringMatching(/^\$\.controls\[\d+\]\.profiles\.strict\.files\[0\]\.source$/)],
      ['controls/undeclared-file', 'profiles/chrony/standard/stray.conf'],
      ['controls/unknown-placeholder', 'profiles/rsyslog/standard/etc/rsyslog.d/50-tessera.conf:1'],
    ]));
  });

  it('refuses symbolic links among the profile files', async () => {
    await symlink('/etc/passwd', join(copy, 'profiles', 'chrony', 'standard', 'link'));
    const r = await loadControlCatalog(copy);
    expect(r.diagnostics.map((d) => [d.code, d.path])).toContainEqual(['controls/not-a-file', 'profiles/chrony/standard/link']);
  });

  it('passes on the parser\'s diagnostics', async () => {
    await writeFile(join(copy, 'controls.yaml'), 'version: 2\nsuite: bookworm\ncontrols: []\n');
    const r = await loadControlCatalog(copy);
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]?.code).toBe('controls/schema');
  });
});

// ---------------------------------------------------------------------------------------------
// Against the real bookworm archive: every package exists, and the index's own Conflicts and
// Breaks between controls' packages are declared as exclusions.
const inRelease = sharedData(join('debian', 'bookworm', 'InRelease'));
const keyring = sharedData(join('debian', 'debian-archive-keyring.gpg'));
const index = sharedData(join('debian', 'bookworm', 'main-binary-amd64-Packages.xz'));
const archiveReady = inRelease !== undefined && keyring !== undefined && index !== undefined && hasTool('gpgv');

describe.skipIf(!archiveReady)('the catalog against the real bookworm main (amd64) index', () => {
  let byName: Map<string, BinaryPackage>;
  beforeAll(async () => {
    const { release } = await readVerifiedRelease(inRelease as string, keyring as string);
    const read = await readPackagesIndex(index as string, release, 'main/binary-amd64/Packages');
    byName = new Map(read.packages.map((p) => [p.name, p]));
  }, 120_000);

  it('names only real packages of bookworm main', () => {
    const missing = loaded.catalog.controls.flatMap((c) => c.packages.filter((p) => !byName.has(p)).map((p) => `${c.id}: ${p}`));
    expect(missing).toEqual([]);
    for (const c of loaded.catalog.controls) for (const p of c.packages) expect(['amd64', 'all']).toContain(byName.get(p)?.architecture);
  });

  it('has no network IDS that bookworm main lacks', () => {
    expect(byName.has('suricata')).toBe(false);
    expect(byName.has('snort')).toBe(false);
  });

  it('declares an exclusion wherever one control\'s package Conflicts with or Breaks another\'s', () => {
    const provides = (p: BinaryPackage) => [p.name, ...p.provides.flatMap((alts) => alts.map((r) => r.name))];
    const clashes: string[] = [];
    for (const a of loaded.catalog.controls) {
      for (const b of loaded.catalog.controls) {
        if (a === b) continue;
        const names = new Set(b.packages.flatMap((n) => provides(byName.get(n) as BinaryPackage)));
        for (const n of a.packages) {
          const pkg = byName.get(n) as BinaryPackage;
          const hit = [...pkg.conflicts, ...pkg.breaks].flat().find((r) => names.has(r.name) && !b.packages.includes(n));
          if (hit !== undefined && !a.excludes.includes(b.id)) clashes.push(`${a.id} (${n} vs ${hit.name}) must exclude ${b.id}`);
        }
      }
    }
    expect(clashes).toEqual([]);
    // The one the index states between firewall front-ends: ufw Breaks iptables-persistent.
    expect(control('ufw').excludes).toContain('iptables');
  });
});

// ---------------------------------------------------------------------------------------------
// Syntax checks with the tools themselves, where they are installed (under CI=true a missing
// tool fails instead of skipping: .ci/run installs them).
describe('profile files pass their own tools\' syntax checks', () => {
  it.skipIf(!hasTool('nft'))('nftables rulesets: nft -c, with and without deployment values', async () => {
    const files = [...rendered(/^nftables\//, SAMPLE), ...rendered(/^nftables\//, {})];
    expect(files.length).toBe(6);
    expect(await failures(files, tool('nft', (p) => ['-c', '-f', p]))).toEqual([]);
  });

  it.skipIf(!hasTool('yarac'))('YARA rules: yarac compiles them', async () => {
    const files = rendered(/\.yar$/, {});
    expect(await failures(files, tool('yarac', (p) => [p, `${p}.compiled`]))).toEqual([]);
  });

  it.skipIf(!hasTool('apt-config'))('apt configuration: apt-config parses it', async () => {
    const files = rendered(/\/etc\/apt\/apt\.conf\.d\//, {});
    expect(await failures(files, tool('apt-config', (p) => ['-c', p, 'dump']))).toEqual([]);
    const dump = execFileSync('apt-config', ['-c', join(CONTROLS_DIR, 'profiles', 'unattended-upgrades', 'strict', 'etc', 'apt', 'apt.conf.d', '50unattended-upgrades'), 'dump'], { encoding: 'utf8' });
    expect(dump).toContain('Unattended-Upgrade::Origins-Pattern:: "origin=Debian,codename=${distro_codename}-security,label=Debian-Security";');
  });

  it.skipIf(!hasTool('perl'))('needrestart configuration: perl -c', async () => {
    expect(await failures(rendered(/^needrestart\//, {}), tool('perl', (p) => ['-c', p]))).toEqual([]);
  });

  it.skipIf(!hasTool('sh'))('files the tools source as shell: sh -n', async () => {
    const shell = /(sshguard\.conf|\/default\/(rkhunter|aide|debsums|ufw)|chkrootkit\.conf|tiger\/tigerrc|ufw\/ufw\.conf)$/;
    const files = rendered(shell, SAMPLE);
    expect(files.length).toBeGreaterThanOrEqual(14);
    expect(await failures(files, tool('sh', (p) => ['-n', p]))).toEqual([]);
  });
});
