/**
 * The declarative layer: users and groups, status.d entries read back by dpkg-query (the same
 * parser scanners' Debian support imitates), md5sums as the packages ship them, /tmp 1777, the
 * plan's files, and refusals of files that cannot be placed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debianPackages, tarListing } from '../../../test/support/debs.js';
import { hasTool } from '../../../test/support/tools.js';
import { CA_BUNDLE, caEntries, declarativeEntries, fileSource, filesLayerTar, GROUP, openDeb, PASSWD, type DebControl } from '../index.js';

const NAMES = ['base-files', 'libc6', 'dash'];
let controls: DebControl[] | undefined;
let work = '';
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tessera-files-'));
  const debs = debianPackages(NAMES);
  if (debs === undefined) return;
  controls = [];
  for (const file of debs) {
    const r = await openDeb(fileSource(file), { fileName: file });
    if (!r.ok) throw new Error(`${file}: ${r.diagnostics[0]?.message}`);
    await r.deb.close();
    controls.push(r.deb.control);
  }
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const text = (e: { content: Uint8Array } | undefined) => new TextDecoder().decode(e?.content);

describe('declarative files', () => {
  it('declare root and nonroot, /tmp 1777 and every ancestor directory', () => {
    const { entries, diagnostics } = declarativeEntries({ packages: [] });
    expect(diagnostics).toEqual([]);
    expect(entries.map((e) => `${e.type === 'directory' ? 'd' : 'f'} ${e.path} ${e.mode.toString(8)} ${e.uid}:${e.gid}`)).toEqual([
      'd etc 755 0:0', 'f etc/group 644 0:0', 'f etc/passwd 644 0:0', 'd home 755 0:0', 'd home/nonroot 700 65532:65532',
      'd tmp 1777 0:0', 'd var 755 0:0', 'd var/lib 755 0:0', 'd var/lib/dpkg 755 0:0', 'd var/lib/dpkg/status.d 755 0:0',
    ]);
    expect(PASSWD.split('\n')[1]).toBe('nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin');
    expect(GROUP).toBe('root:x:0:\nnonroot:x:65532:\n');
    const listed = tarListing(filesLayerTar(entries, 0));
    expect(listed.map((e) => [e.path.replace(/\/$/, ''), e.mode, e.uid])).toEqual(entries.map((e) => [e.path, e.mode, e.uid]));
  });

  it('write status.d entries dpkg-query reads as installed packages, with their md5sums', () => {
    if (controls === undefined || !hasTool('dpkg-query')) return;
    const { entries } = declarativeEntries({ packages: controls });
    const byPath = new Map(entries.map((e) => [e.path, e]));
    const dash = text(byPath.get('var/lib/dpkg/status.d/dash'));
    expect(dash.split('\n').slice(0, 3)).toEqual(['Package: dash', 'Status: install ok installed', `Version: ${controls[2]?.package.version}`]);
    // The stanza is the control file verbatim plus the Status line.
    expect(dash.replace('Status: install ok installed\n', '')).toBe(controls[2]?.text);
    // dpkg's own database format: a status file is the stanzas separated by blank lines.
    const status = NAMES.map((n) => text(byPath.get(`var/lib/dpkg/status.d/${n}`))).join('\n');
    writeFileSync(join(work, 'status'), status);
    const q = spawnSync('dpkg-query', [`--admindir=${work}`, '-W', '-f', '${Package} ${Version} ${Status}\\n'], { encoding: 'utf8' });
    expect(q.stderr).toBe('');
    expect(q.stdout.trim().split('\n').sort()).toEqual(controls.map((c) => `${c.package.name} ${c.package.version} install ok installed`).sort());
    for (const c of controls) {
      const md5 = text(byPath.get(`var/lib/dpkg/status.d/${c.package.name}.md5sums`)).trim().split('\n');
      expect(md5).toHaveLength(c.md5sums.size);
      expect(md5.every((l) => /^[0-9a-f]{32} {2}\S/.test(l))).toBe(true);
    }
    console.log(`status.d: ${controls.length} packages, ${controls.reduce((n, c) => n + c.md5sums.size, 0)} md5sums lines`);
  });

  it('make the CA bundle (and on request the links) update-ca-certificates makes with every certificate enabled', () => {
    const debs = debianPackages(['ca-certificates']);
    if (debs === undefined || !hasTool('update-ca-certificates') || !hasTool('openssl')) return;
    const ca = join(work, 'ca');
    for (const d of ['etc', 'local', 'hooks']) mkdirSync(join(ca, d), { recursive: true });
    expect(spawnSync('dpkg-deb', ['-x', debs[0] as string, join(ca, 'x')]).status).toBe(0);
    const certsDir = join(ca, 'x', 'usr', 'share', 'ca-certificates');
    const paths = spawnSync('find', ['.', '-name', '*.crt', '-printf', '%P\\n'], { cwd: certsDir, encoding: 'utf8' }).stdout.trim().split('\n')
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    // The package's default configuration: every certificate it ships, enabled.
    writeFileSync(join(ca, 'conf'), `${paths.join('\n')}\n`);
    const r = spawnSync('update-ca-certificates', ['--certsconf', join(ca, 'conf'), '--certsdir', certsDir, '--localcertsdir', join(ca, 'local'), '--etccertsdir', join(ca, 'etc'), '--hooksdir', join(ca, 'hooks')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const certs = paths.reverse().map((path) => ({ path, content: readFileSync(join(certsDir, path)) }));
    expect(caEntries(certs).map((e) => e.path)).toEqual([CA_BUNDLE]); // by default the bundle alone
    const entries = caEntries(certs, true);
    const bundle = entries.find((e) => e.path === CA_BUNDLE);
    expect(Buffer.from(bundle?.content ?? []).equals(readFileSync(join(ca, 'etc', 'ca-certificates.crt')))).toBe(true);
    const pems = readdirSync(join(ca, 'etc')).filter((f) => f.endsWith('.pem')).sort();
    expect(entries.filter((e) => e.type === 'symlink').map((e) => [e.path.slice('etc/ssl/certs/'.length), e.linkname])).toEqual(
      pems.map((p) => [p, readlinkSync(join(ca, 'etc', p)).replace(certsDir, '/usr/share/ca-certificates')]).sort(),
    );
    console.log(`CA bundle: ${paths.length} certificates, ${bundle?.content.length} bytes, equal to update-ca-certificates' bundle`);
  });

  it('set tzdata\'s default zone', () => {
    const tz = { package: { name: 'tzdata' }, text: 'Package: tzdata\nVersion: 1\n', md5sums: new Map() } as unknown as DebControl;
    const { entries } = declarativeEntries({ packages: [tz] });
    const byPath = new Map(entries.map((e) => [e.path, e]));
    expect(byPath.get('etc/localtime')).toMatchObject({ type: 'symlink', linkname: '/usr/share/zoneinfo/Etc/UTC' });
    expect(text(byPath.get('etc/timezone'))).toBe('Etc/UTC\n');
    expect(byPath.has('var/lib/dpkg/status.d/tzdata.md5sums')).toBe(false);
  });

  it('add the plan\'s files, which win over generated ones', () => {
    const { entries, diagnostics } = declarativeEntries({
      packages: [],
      files: [
        { path: '/etc/ssh/sshd_config.d/50-tessera.conf', content: 'PermitRootLogin no\n', mode: 0o600 },
        { path: 'etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n', mode: 0o644 },
        { path: '/bin/tool', content: new Uint8Array([1, 2]), mode: 0o755, uid: 65532, gid: 65532 },
      ],
    });
    expect(diagnostics).toEqual([]);
    const byPath = new Map(entries.map((e) => [e.path, e]));
    expect(byPath.get('etc/ssh/sshd_config.d/50-tessera.conf')?.mode).toBe(0o600);
    expect(byPath.get('etc/ssh')?.type).toBe('directory');
    expect(text(byPath.get('etc/passwd'))).toBe('root:x:0:0::/root:/bin/sh\n');
    expect(byPath.get('usr/bin/tool')?.uid).toBe(65532); // merged-/usr
    expect(byPath.has('bin/tool')).toBe(false);
  });

  it('refuse files that cannot be placed', () => {
    const bad = [
      { path: '../etc/x', content: '', mode: 0o644 },
      { path: '/tmp', content: '', mode: 0o644 },
      { path: '/etc/passwd/x', content: '', mode: 0o644 },
      { path: '/etc/y', content: '', mode: 0o10000 },
      { path: '/', content: '', mode: 0o644 },
    ];
    const { diagnostics } = declarativeEntries({ packages: [], files: bad });
    expect(diagnostics.map((d) => [d.code, d.member])).toEqual(bad.map((f) => ['image/bad-file', f.path]));
  });
});
