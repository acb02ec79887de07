import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tessera as run } from '../../test/support/cli.js';
import { sharedData } from '../../test/support/shared-data.js';
import { hasTool } from '../../test/support/tools.js';

const inRelease = sharedData(join('debian', 'bookworm', 'InRelease'));
const keyring = sharedData(join('debian', 'debian-archive-keyring.gpg'));
const index = sharedData(join('debian', 'bookworm', 'main-binary-amd64-Packages.xz'));
const ready = inRelease !== undefined && keyring !== undefined && index !== undefined && hasTool('gpgv');

describe.skipIf(!ready)('tessera catalog (real bookworm index)', () => {
  let dir: string;
  const tessera = (args: string[]) => run(['--data-dir', dir, ...args]);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-catalog-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses an altered release and keeps nothing', async () => {
    const altered = join(dir, 'InRelease');
    await writeFile(altered, (await readFile(inRelease as string, 'utf8')).replace('Codename: bookworm', 'Codename: trixie'));
    const r = await tessera(['catalog', 'import', '--index', index as string, '--release', altered, '--keyring', keyring as string]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`tessera: ${altered}: bad signature: the signature does not match the content`);
    expect(r.err).toContain('nothing imported');
    expect(existsSync(join(dir, 'catalog', 'sources.json'))).toBe(false);
    expect((await tessera(['catalog', 'show', 'bash'])).err).toMatch(/no package index imported yet/);
  });

  it('imports the verified index, then shows and searches it from the cache', async () => {
    const r = await tessera(['catalog', 'import', '--index', index as string, '--release', inRelease as string, '--keyring', keyring as string, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ codename: 'bookworm', packages: 63_440, path: 'main/binary-amd64/Packages', signedBy: expect.arrayContaining([expect.stringMatching(/^Debian Stable Release Key \(12\/bookworm\)/)]) });
    const bash = await tessera(['catalog', 'show', 'bash']);
    expect(bash.out).toMatch(/^bash 5\.2\.15-2\+b\d+ \(amd64\) — GNU Bourne Again SHell/);
    expect(bash.out).toContain('essential');
    expect(bash.out).toMatch(/pre-depends: libc6 \(>= 2\.\d+\)/);
    const hits = JSON.parse((await tessera(['catalog', 'search', 'nftables', '--json'])).out) as { name: string }[];
    expect(hits.map((h) => h.name)).toContain('nftables');
    const unknown = await tessera(['catalog', 'show', 'no-such-package']);
    expect([unknown.code, unknown.err]).toEqual([1, 'tessera: no package `no-such-package` in the catalog\n']);
  }, 60_000);

  it('resolves packages on the imported catalog, with why, as JSON, and explains a clash', async () => {
    const text = await tessera(['deb', 'resolve', 'nginx', 'python3']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^nginx +1\.22\.\S+ +requested$/m);
    expect(text.out).toMatch(/^nginx-common +1\.22\.\S+ +Depends of nginx \(nginx-common \(<< 1\.22\.\S+\)\)$/m);
    expect(text.out).toMatch(/^52 packages, [\d.]+ MiB installed, [\d.]+ MiB to download; resolved in [\d.]+ ms$/m);
    const json = JSON.parse((await tessera(['deb', 'resolve', 'curl', '--json'])).out) as { ok: boolean; packages: { name: string; sha256: string; filename: string; why: { kind: string } }[] };
    expect(json.ok).toBe(true);
    expect(json.packages.find((p) => p.name === 'curl')).toMatchObject({ why: { kind: 'root' }, filename: expect.stringMatching(/^pool\/main\/c\/curl\/curl_/), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const clash = await tessera(['deb', 'resolve', 'systemd-sysv', 'sysvinit-core']);
    expect(clash.code).toBe(1);
    expect(clash.err).toMatch(/^tessera: no install set satisfies systemd-sysv, sysvinit-core: 3 rules clash\n {2}- you asked for systemd-sysv\n {2}- you asked for sysvinit-core\n {2}- systemd-sysv \S+ conflicts with sysvinit-core/);
    const unknown = await tessera(['deb', 'resolve', 'no-such-package', 'bash=0.1', '--json']);
    expect(unknown.code).toBe(1);
    expect((JSON.parse(unknown.err) as { diagnostics: { message: string }[] }).diagnostics.map((d) => d.message)).toEqual(['no package `no-such-package` in the catalog', expect.stringMatching(/^`bash` has no version 0\.1 \(available: 5\.2\.15/)]);
  });

  it('keeps several sources, the higher priority credited with a package both have', async () => {
    const bad = await tessera(['catalog', 'import', '--index', index as string, '--release', inRelease as string, '--keyring', keyring as string, '--label', 'Not A Label']);
    expect([bad.code, bad.err]).toEqual([2, 'tessera: --label `Not A Label` is not suite/component (lower case)\n']);
    const r = await tessera(['catalog', 'import', '--index', index as string, '--release', inRelease as string, '--keyring', keyring as string, '--label', 'bookworm-pinned/main', '--priority', '990', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ label: 'bookworm-pinned/main', priority: 990, sources: ['bookworm-pinned/main', 'bookworm/main'] });
    expect((await tessera(['catalog', 'show', 'bash'])).out).toContain('; from bookworm-pinned/main');
    const curl = JSON.parse((await tessera(['deb', 'resolve', 'curl', '--json'])).out) as { packages: { name: string; source: string }[] };
    expect(new Set(curl.packages.map((p) => p.source))).toEqual(new Set(['bookworm-pinned/main']));
  }, 60_000);
});

const securityDir = join(import.meta.dirname, '..', '..', 'testdata', 'debian', 'bookworm-security');

describe.skipIf(!ready)('tessera catalog with bookworm-security (real indexes)', () => {
  let dir: string;
  const tessera = (args: string[]) => run(['--data-dir', dir, ...args]);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-catalog-security-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('imports main and the security suite, each verified, the security suite known from its signed Label', async () => {
    const altered = join(dir, 'InRelease');
    await writeFile(altered, (await readFile(join(securityDir, 'InRelease'), 'utf8')).replace('Label: Debian-Security', 'Label: Debian'));
    const forged = await tessera(['catalog', 'import', '--index', join(securityDir, 'main-binary-amd64-Packages.xz'), '--release', altered, '--keyring', keyring as string]);
    expect(forged.code).toBe(1);
    expect(forged.err).toContain('bad signature: the signature does not match the content');
    // The main index against the security release: the hash check names the file.
    const mixed = await tessera(['catalog', 'import', '--index', index as string, '--release', join(securityDir, 'InRelease'), '--keyring', keyring as string]);
    expect(mixed.code).toBe(1);
    expect(mixed.err).toMatch(/does not match the signed release: Packages should be \d+ bytes/);

    // Past the security release's Valid-Until (2026-11-28): refused as stale, unless asked not to check.
    const securityArgs = ['catalog', 'import', '--index', join(securityDir, 'main-binary-amd64-Packages.xz'), '--release', join(securityDir, 'InRelease'), '--keyring', keyring as string, '--label', 'expired-test/main'];
    const stale = await run(['--data-dir', dir, ...securityArgs], { now: new Date('2026-12-01T00:00:00Z') });
    expect([stale.code, stale.err]).toEqual([1, expect.stringContaining('the release expired on 2026-11-28T00:53:02.000Z (its Valid-Until)')]);
    expect(stale.err).toContain('nothing imported');
    const allowed = await run(['--data-dir', dir, ...securityArgs, '--allow-expired'], { now: new Date('2026-12-01T00:00:00Z') });
    expect(allowed.code).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'catalog', 'sources.json'), 'utf8'))).toEqual([expect.objectContaining({ label: 'expired-test/main' })]);
    await rm(join(dir, 'catalog'), { recursive: true });

    expect((await tessera(['catalog', 'import', '--index', index as string, '--release', inRelease as string, '--keyring', keyring as string])).code).toBe(0);
    const r = await tessera(['catalog', 'import', '--index', join(securityDir, 'main-binary-amd64-Packages.xz'), '--release', join(securityDir, 'InRelease'), '--keyring', keyring as string, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ label: 'bookworm-security/main', security: true, priority: 500, codename: 'bookworm-security', sources: ['bookworm-security/main', 'bookworm/main'], signedBy: expect.arrayContaining([expect.stringMatching(/^Debian Security Archive Automatic Signing Key \(12\/bookworm\)/)]) });
    const manifest = JSON.parse(await readFile(join(dir, 'catalog', 'sources.json'), 'utf8')) as { label: string; security?: boolean }[];
    expect(manifest.map((s) => [s.label, s.security ?? false])).toEqual([['bookworm-security/main', true], ['bookworm/main', false]]);
  }, 120_000);

  it('resolves on both: the security build where it is the newest, main\'s point release where that is newer', async () => {
    const json = JSON.parse((await tessera(['deb', 'resolve', 'openssl', 'curl', '--json'])).out) as { packages: { name: string; version: string; source: string }[] };
    const byName = new Map(json.packages.map((p) => [p.name, p]));
    expect(byName.get('libssl3')).toMatchObject({ source: 'bookworm-security/main', version: expect.stringMatching(/^3\.0\./) });
    expect(byName.get('openssl')?.source).toBe('bookworm-security/main');
    expect(byName.get('curl')?.source).toBe('bookworm/main');
    expect((await tessera(['catalog', 'show', 'libssl3'])).out).toContain('; from bookworm-security/main');
  }, 60_000);
});
