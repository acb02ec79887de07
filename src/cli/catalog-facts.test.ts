/**
 * Package facts against real .deb files, with `dpkg-deb -c` as the oracle: the scanner's
 * setuid/setgid list for packages known to ship them, the repository's generated facts file for
 * every .deb of it found on this machine, and `tessera catalog facts` end to end (bad input
 * changes nothing).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPackageFactsFile } from '../app/index.js';
import { packageFactsKey, parsePackageFacts, type PrivilegedFile } from '../catalog/index.js';
import { APT_ARCHIVES, hostMirror } from '../image/index.js';
import { BOOKWORM, bookwormAvailable } from '../../test/support/bookworm.js';
import { DEB_CACHE, debianPackages } from '../../test/support/debs.js';
import { tessera } from '../../test/support/cli.js';
import { hasTool } from '../../test/support/tools.js';
import { scanDebFile } from './commands/catalog-facts.js';

/** `rwsr-xr-x` → 0o4755. */
function modeBits(s: string): number {
  let mode = 0;
  for (let i = 0; i < 9; i++) if (!'-ST'.includes(s[i]!)) mode |= 1 << (8 - i);
  if ('sS'.includes(s[2]!)) mode |= 0o4000;
  if ('sS'.includes(s[5]!)) mode |= 0o2000;
  if ('tT'.includes(s[8]!)) mode |= 0o1000;
  return mode;
}

/** The setuid/setgid regular files and hardlinks as `dpkg-deb -c` lists them (the oracle). */
function dpkgSetuid(deb: string): PrivilegedFile[] {
  const r = spawnSync('dpkg-deb', ['-c', deb], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`dpkg-deb -c ${deb}: ${r.stderr}`);
  const out: PrivilegedFile[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^([-h])(\S{9}) (\S+)\/(\S+)\s+\d+ \S+ \S+ (.*?)(?: link to .*)?$/.exec(line);
    if (m === null) continue;
    const mode = modeBits(m[2]!);
    if ((mode & 0o6000) === 0) continue;
    out.push({ path: m[5]!.replace(/^\./, ''), mode: mode.toString(8).padStart(4, '0'), owner: `${m[3]}:${m[4]}` });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

const dpkgField = (deb: string, field: string) => spawnSync('dpkg-deb', ['-f', deb, field], { encoding: 'utf8' }).stdout.trim();
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

const haveDpkg = hasTool('dpkg-deb');
/** Packages that ship setuid/setgid files in bookworm (passwd, mount, util-linux, sudo, openssh-client) and one that ships none. */
const realDebs = haveDpkg ? debianPackages(['passwd', 'mount', 'util-linux', 'sudo', 'openssh-client', 'bash']) : undefined;

describe.skipIf(realDebs === undefined)('the setuid scanner on real .debs (oracle: dpkg-deb -c)', () => {
  it('lists exactly the setuid/setgid files dpkg-deb lists, with mode and owner', async () => {
    const seen: Record<string, number> = {};
    for (const deb of realDebs!) {
      const scanned = await scanDebFile(deb);
      if (!scanned.ok) throw new Error(JSON.stringify(scanned.problems));
      expect(scanned.setuid, basename(deb)).toEqual(dpkgSetuid(deb));
      expect(scanned.deb).toEqual({ name: dpkgField(deb, 'Package'), version: dpkgField(deb, 'Version'), architecture: dpkgField(deb, 'Architecture'), sha256: sha256(deb) });
      seen[scanned.deb.name] = scanned.setuid.length;
    }
    // Known facts of bookworm, so the oracle comparison cannot pass on two empty lists.
    expect(seen.passwd).toBeGreaterThanOrEqual(6);
    expect(seen.sudo).toBeGreaterThanOrEqual(1);
    expect(seen.mount).toBe(2);
    expect(seen.bash).toBe(0);
  }, 120_000);
});

/** Local .debs: apt's cache and the test cache, each by file. */
function localDebs(): string[] {
  const out: string[] = [];
  const add = (dir: string) => {
    try {
      for (const f of readdirSync(dir)) if (f.endsWith('.deb')) out.push(join(dir, f));
    } catch {
      // not on this machine
    }
  };
  add(APT_ARCHIVES);
  try {
    for (const d of readdirSync(DEB_CACHE)) add(join(DEB_CACHE, d));
  } catch {
    // no test cache yet
  }
  return out;
}

const FACTS_FILE = defaultPackageFactsFile('bookworm');

describe.skipIf(!haveDpkg)('the generated facts file (data/package-facts)', () => {
  it('is a well-formed facts file for the signed bookworm index', () => {
    const parsed = parsePackageFacts(readFileSync(FACTS_FILE, 'utf8'));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.value.header.indexes).toEqual([{ label: 'bookworm/main', path: 'main/binary-amd64/Packages', sha256: '515e692f2c4121c6fcec444ef100cc18f79a991910615f3a88c8b7becfc94d2f' }]);
    expect(parsed.value.header.generatedBy).toBe('tessera catalog facts --for-controls -o data/package-facts/bookworm-amd64.json');
    expect(Object.keys(parsed.value.packages).length).toBeGreaterThan(200);
  });

  it('agrees with dpkg-deb -c for every .deb it covers that is on this machine', () => {
    const parsed = parsePackageFacts(readFileSync(FACTS_FILE, 'utf8'));
    if (!parsed.ok) throw new Error('not a facts file');
    // name, version and architecture first (from the file name), then the SHA-256 of candidates only.
    const byNva = new Map(Object.keys(parsed.value.packages).map((k) => [k.split(' ').slice(0, 3).join(' '), k]));
    let compared = 0;
    for (const deb of localDebs()) {
      const m = /^([^_]+)_([^_]+)_([^_]+)\.deb$/.exec(basename(deb));
      if (m === null) continue;
      const nva = `${m[1]} ${decodeURIComponent(m[2]!)} ${m[3]}`;
      if (!byNva.has(nva)) continue;
      const key = packageFactsKey({ name: m[1]!, version: decodeURIComponent(m[2]!), architecture: m[3]!, sha256: sha256(deb) });
      const fact = parsed.value.packages[key];
      if (fact === undefined) continue; // another build of that version: the facts rightly do not apply
      expect(fact.setuid, basename(deb)).toEqual(dpkgSetuid(deb));
      compared++;
    }
    if (compared === 0) {
      if (process.env.CI === 'true') throw new Error('no .deb the facts file covers is on this machine; under CI the test must not skip');
      console.warn('skipping: no .deb the facts file covers is on this machine (apt\'s cache or the test cache)');
    }
    console.info(`facts file checked against dpkg-deb -c for ${compared} local .debs`);
  }, 120_000);
});

describe.skipIf(realDebs === undefined)('tessera catalog facts --debs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-facts-'));
    await mkdir(join(dir, 'debs'));
    for (const deb of realDebs!.filter((d) => /\/(passwd|bash)_/.test(d))) await copyFile(deb, join(dir, 'debs', basename(deb)));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a facts file keyed by name, version, architecture and SHA-256', async () => {
    const out = join(dir, 'facts.json');
    const r = await tessera(['--data-dir', join(dir, 'data'), 'catalog', 'facts', '--debs', join(dir, 'debs'), '-o', out, '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ output: out, packages: 2, withSetuid: 1, indexes: [] });
    const parsed = parsePackageFacts(await readFile(out, 'utf8'));
    if (!parsed.ok) throw new Error('not a facts file');
    const passwd = realDebs!.find((d) => /\/passwd_/.test(d))!;
    const key = packageFactsKey({ name: 'passwd', version: dpkgField(passwd, 'Version'), architecture: 'amd64', sha256: sha256(passwd) });
    expect(parsed.value.packages[key]?.setuid).toEqual(dpkgSetuid(passwd));
    expect(parsed.value.header.generatedBy).toBe(`tessera catalog facts --debs ${join(dir, 'debs')} -o ${out}`);
  });

  it('refuses a damaged .deb or a missing directory and writes nothing', async () => {
    const bad = join(dir, 'bad');
    await mkdir(bad);
    const passwd = realDebs!.find((d) => /\/passwd_/.test(d))!;
    await writeFile(join(bad, 'passwd_truncated.deb'), (await readFile(passwd)).subarray(0, 4000));
    const out = join(dir, 'never.json');
    const r = await tessera(['--data-dir', join(dir, 'data'), 'catalog', 'facts', '--debs', bad, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^tessera: passwd_truncated\.deb: .+$/m);
    expect(r.err).toContain('nothing written');
    expect(existsSync(out)).toBe(false);
    const missing = await tessera(['--data-dir', join(dir, 'data'), 'catalog', 'facts', '--debs', join(dir, 'nowhere'), '-o', out]);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain('is not a directory');
    const nothing = await tessera(['--data-dir', join(dir, 'data'), 'catalog', 'facts', '-o', out]);
    expect(nothing.err).toContain('give --debs DIR (repeatable) or --for-controls');
    expect(existsSync(out)).toBe(false);
  });
});

const mirror = hostMirror('bookworm');
if (mirror === undefined && process.env.CI === 'true') throw new Error('no bookworm mirror in the host\'s apt sources; under CI the test must not skip');
if (mirror === undefined) console.warn('skipping: no bookworm mirror in the host\'s apt sources (tessera catalog facts --for-controls fetches from it)');
/** Fetched .debs are kept between runs (by SHA-256, as the build's cache), so only the first run downloads ~140 MB. */
const FETCH_CACHE = join(tmpdir(), 'tessera-facts-debs');

describe.skipIf(!bookwormAvailable || mirror === undefined || !haveDpkg)('tessera catalog facts --for-controls (real index, host mirror)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-facts-controls-'));
    const imported = await tessera(['--data-dir', dir, 'catalog', 'import', '--index', BOOKWORM.index as string, '--release', BOOKWORM.inRelease as string, '--keyring', BOOKWORM.keyring as string]);
    if (imported.code !== 0) throw new Error(imported.err);
    await mkdir(FETCH_CACHE, { recursive: true });
    await symlink(FETCH_CACHE, join(dir, 'debs'));
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('regenerates the repository\'s facts file byte for byte from the same index', async () => {
    const out = join(dir, 'bookworm-amd64.json');
    const r = await tessera(['--data-dir', dir, 'catalog', 'facts', '--for-controls', '-o', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/^fetching the closures of \d+ controls: \d+ packages$/m);
    expect(r.out).toMatch(/^wrote .*: \d+ packages, 7 with setuid\/setgid files \(14 files\)$/m);
    // Only the command line differs: it names the output file.
    const made = (await readFile(out, 'utf8')).replace(`-o ${out}`, '-o data/package-facts/bookworm-amd64.json');
    expect(made).toBe(readFileSync(FACTS_FILE, 'utf8'));
  }, 600_000);

  it('agrees with dpkg-deb -c on every .deb it was made from', () => {
    const parsed = parsePackageFacts(readFileSync(FACTS_FILE, 'utf8'));
    if (!parsed.ok) throw new Error('not a facts file');
    let compared = 0;
    let withSetuid = 0;
    for (const key of Object.keys(parsed.value.packages)) {
      const [name, version, architecture, digest] = key.split(' ') as [string, string, string, string];
      const deb = join(FETCH_CACHE, `${digest}.deb`);
      expect(sha256(deb), key).toBe(digest);
      expect([dpkgField(deb, 'Package'), dpkgField(deb, 'Version'), dpkgField(deb, 'Architecture')]).toEqual([name, version, architecture]);
      const oracle = dpkgSetuid(deb);
      expect(parsed.value.packages[key]!.setuid, key).toEqual(oracle);
      compared++;
      if (oracle.length > 0) withSetuid++;
    }
    expect(compared).toBe(Object.keys(parsed.value.packages).length);
    expect(withSetuid).toBe(7);
  }, 300_000);
});
