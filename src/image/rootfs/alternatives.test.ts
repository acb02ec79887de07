/**
 * Alternatives from real Debian 12 postinst scripts: the calls read from mawk, gawk, netcat-openbsd
 * (continuation lines), iptables (two choices per name) and openjdk-17-jre (every call built from
 * variables: skipped, never guessed), the postinst text as dpkg-deb extracts it; then the links and
 * admindir records compared with what the real `update-alternatives --root` makes of the same
 * calls in a directory holding the same packages' files.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debianPackages, fsysTarfile, tarListing } from '../../../test/support/debs.js';
import { hasTool } from '../../../test/support/tools.js';
import { fileSource, openDeb } from '../deb/read-deb.js';
import { mergedUsr } from '../layer/paths.js';
import { extractAlternatives, type AlternativeInstall } from './alternatives-script.js';
import { alternativesEntries, resolveInImage, type AlternativesPackage, type ImagePathEntry } from './alternatives.js';

const NAMES = ['mawk', 'gawk', 'netcat-openbsd', 'iptables', 'openjdk-17-jre'];
let debs: Map<string, string> | undefined;
const postinst = new Map<string, string>();
let work = '';

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tessera-alternatives-'));
  const files = debianPackages(NAMES);
  if (files === undefined) return;
  debs = new Map(NAMES.map((n, i) => [n, files[i] as string]));
  for (const [name, file] of debs) {
    const opened = await openDeb(fileSource(file), { fileName: file });
    if (!opened.ok) throw new Error(`${file}: ${opened.diagnostics[0]?.message}`);
    await opened.deb.close();
    if (opened.deb.control.postinst !== undefined) postinst.set(name, opened.deb.control.postinst);
  }
}, 180_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** What a package's data archive holds, as the layers store it (normalized, merged-/usr). */
function imageOf(names: readonly string[]): Map<string, ImagePathEntry> {
  const out = new Map<string, ImagePathEntry>();
  for (const d of ['bin', 'lib', 'lib64', 'sbin']) out.set(d, { type: 'symlink', linkname: `usr/${d}` });
  for (const name of names) {
    for (const e of tarListing(fsysTarfile(debs?.get(name) as string))) {
      const path = mergedUsr(e.path.replace(/^\.\//, '').replace(/\/$/, ''));
      if (path === '' || (e.type !== 'file' && e.type !== 'directory' && e.type !== 'symlink' && e.type !== 'hardlink')) continue;
      out.set(path, { type: e.type, linkname: e.type === 'symlink' ? e.linkname : '' });
    }
  }
  return out;
}

const packagesOf = (names: readonly string[]): AlternativesPackage[] => names.map((name) => ({ name, fileName: basename(debs?.get(name) as string), postinst: postinst.get(name) as string }));

describe('reading update-alternatives calls from real postinst scripts', () => {
  it('reads the postinst dpkg-deb extracts', () => {
    if (debs === undefined) return;
    for (const [name, file] of debs) {
      const oracle = spawnSync('sh', ['-c', 'dpkg-deb --ctrl-tarfile "$1" | tar -xO ./postinst', 'sh', file], { encoding: 'utf8' });
      expect(oracle.status).toBe(0);
      expect(postinst.get(name), name).toBe(oracle.stdout);
    }
  });

  it('reads mawk\'s call with its three slaves over continuation lines', () => {
    if (debs === undefined) return;
    expect(extractAlternatives(postinst.get('mawk') as string)).toEqual({
      installs: [{
        link: '/usr/bin/awk', name: 'awk', path: '/usr/bin/mawk', priority: 5,
        slaves: [
          { link: '/usr/share/man/man1/awk.1.gz', name: 'awk.1.gz', path: '/usr/share/man/man1/mawk.1.gz' },
          { link: '/usr/bin/nawk', name: 'nawk', path: '/usr/bin/mawk' },
          { link: '/usr/share/man/man1/nawk.1.gz', name: 'nawk.1.gz', path: '/usr/share/man/man1/mawk.1.gz' },
        ],
      }],
      skipped: [],
    });
  });

  it('reads netcat-openbsd\'s slave whose path is on the next line, and gawk\'s --quiet call', () => {
    if (debs === undefined) return;
    const nc = extractAlternatives(postinst.get('netcat-openbsd') as string);
    expect(nc.skipped).toEqual([]);
    expect(nc.installs.map((i) => [i.name, i.path, i.priority, i.slaves.map((s) => `${s.name}=${s.path}`)])).toEqual([
      ['nc', '/bin/nc.openbsd', 50, ['netcat=/bin/nc.openbsd', 'nc.1.gz=/usr/share/man/man1/nc_openbsd.1.gz', 'netcat.1.gz=/usr/share/man/man1/nc_openbsd.1.gz']],
    ]);
    const gawk = extractAlternatives(postinst.get('gawk') as string);
    expect(gawk.installs.map((i) => [i.name, i.path, i.priority, i.slaves.length])).toEqual([['awk', '/usr/bin/gawk', 10, 3]]);
  });

  it('reads every iptables call, two choices for the same names', () => {
    if (debs === undefined) return;
    const r = extractAlternatives(postinst.get('iptables') as string);
    expect(r.skipped).toEqual([]);
    expect(r.installs.map((i) => `${i.name} ${i.path} ${i.priority}`)).toEqual([
      'iptables /usr/sbin/iptables-legacy 10', 'ip6tables /usr/sbin/ip6tables-legacy 10',
      'iptables /usr/sbin/iptables-nft 20', 'ip6tables /usr/sbin/ip6tables-nft 20',
      'arptables /usr/sbin/arptables-nft 20', 'ebtables /usr/sbin/ebtables-nft 20',
    ]);
  });

  it('skips openjdk-17-jre\'s calls, which are built from variables, and says why', () => {
    if (debs === undefined) return;
    const r = extractAlternatives(postinst.get('openjdk-17-jre') as string);
    expect(r.installs).toEqual([]);
    expect(r.skipped.length).toBeGreaterThan(0);
    for (const s of r.skipped) expect(s.reason).toMatch(/needs the shell to expand it|command substitution/);
    console.log(`openjdk-17-jre: ${r.skipped.length} calls skipped: ${r.skipped.map((s) => `line ${s.line}: ${s.reason}`).join('; ')}`);
  });
});

describe('the sh words the reader understands', () => {
  it('removes quotes, ignores comments and other commands, and refuses what it cannot know', () => {
    const script = [
      '#!/bin/sh',
      '# update-alternatives --install /usr/bin/no no /usr/bin/comment 1',
      'if [ "$1" = configure ]; then update-alternatives --quiet --install "/usr/bin/pager" pager \'/usr/bin/less\' 77 \\',
      '  --slave /usr/share/man/man1/pager.1.gz pager.1.gz /usr/share/man/man1/less.1.gz || true; fi',
      'update-alternatives --remove pager /usr/bin/more',
      'update-alternatives --install /usr/bin/editor editor "$EDITOR" 10',
      'x=$(update-alternatives --install /usr/bin/a a /usr/bin/b 1)',
      'update-alternatives --install /usr/bin/vi vi /usr/bin/vim 1x',
      'update-alternatives --install /usr/bin/c c relative 1',
      'update-alternatives --admindir /tmp/elsewhere --install /usr/bin/d d /usr/bin/e 1',
    ].join('\n');
    const r = extractAlternatives(script);
    expect(r.installs).toEqual([{ link: '/usr/bin/pager', name: 'pager', path: '/usr/bin/less', priority: 77, slaves: [{ link: '/usr/share/man/man1/pager.1.gz', name: 'pager.1.gz', path: '/usr/share/man/man1/less.1.gz' }] }]);
    expect(r.skipped.map((s) => [s.line, s.reason])).toEqual([
      [6, '`$EDITOR` needs the shell to expand it'],
      [7, 'the call is inside a command substitution'],
      [8, 'priority `1x` is not an integer'],
      [9, '`/usr/bin/c` and `relative` must be absolute paths'],
      [10, '`--admindir` is not an option this reader knows to leave the install unchanged'],
    ]);
  });
});

/** Runs the real update-alternatives with `calls` in a root holding `image`'s files; its links and records. */
function dpkgOracle(image: ReadonlyMap<string, ImagePathEntry>, calls: readonly AlternativeInstall[]): { links: string[]; records: Map<string, string> } {
  const root = mkdtempSync(join(work, 'root-'));
  for (const [path, e] of [...image].sort(([a], [b]) => a.length - b.length)) {
    const at = join(root, path);
    mkdirSync(dirname(at), { recursive: true });
    if (e.type === 'directory') mkdirSync(at, { recursive: true });
    else if (e.type === 'symlink') symlinkSync(e.linkname, at);
    else writeFileSync(at, '');
  }
  for (const d of ['etc/alternatives', 'var/lib/dpkg/alternatives', 'var/log']) mkdirSync(join(root, d), { recursive: true });
  const before = new Set(spawnSync('find', [root, '-type', 'l', '-printf', '%P\\n'], { encoding: 'utf8' }).stdout.split('\n'));
  for (const c of calls) {
    const args = ['--root', root, '--install', c.link, c.name, c.path, String(c.priority), ...c.slaves.flatMap((s) => ['--slave', s.link, s.name, s.path])];
    const r = spawnSync('update-alternatives', args, { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  }
  const links = spawnSync('find', [root, '-type', 'l', '-printf', '%P -> %l\\n'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l !== '' && !before.has(l.split(' -> ')[0] as string)).sort();
  const dir = join(root, 'var/lib/dpkg/alternatives');
  return { links, records: new Map(readdirSync(dir).map((n) => [n, readFileSync(join(dir, n), 'utf8')])) };
}

describe('the alternatives of an image, as update-alternatives makes them', () => {
  it('gives the links and admindir records dpkg writes for mawk, gawk, netcat-openbsd and iptables', () => {
    if (debs === undefined || !hasTool('update-alternatives')) return;
    const names = ['mawk', 'gawk', 'netcat-openbsd', 'iptables'];
    const image = imageOf(names);
    const ours = alternativesEntries(packagesOf(names), image);
    expect(ours.diagnostics).toEqual([]);
    expect(ours.chosen.map((c) => `${c.name} ${c.path} ${c.package}`)).toEqual([
      'arptables /usr/sbin/arptables-nft iptables', 'awk /usr/bin/gawk gawk', 'ebtables /usr/sbin/ebtables-nft iptables',
      'ip6tables /usr/sbin/ip6tables-nft iptables', 'iptables /usr/sbin/iptables-nft iptables', 'nc /bin/nc.openbsd netcat-openbsd',
    ]);
    const oracle = dpkgOracle(image, names.flatMap((n) => extractAlternatives(postinst.get(n) as string).installs));
    const links = ours.entries.filter((e) => e.type === 'symlink').map((e) => `${e.path} -> ${e.linkname}`).sort();
    expect(links).toEqual(oracle.links);
    const records = new Map(ours.entries.filter((e) => e.type === 'file').map((e) => [e.path.split('/').pop() as string, Buffer.from(e.content).toString('utf8')]));
    expect(records).toEqual(oracle.records);
    console.log(`${links.length} links and ${records.size} admindir records, equal to update-alternatives --root's`);
  });

  it('leaves out a choice whose file is not in the image, and never replaces a file a package ships', () => {
    if (debs === undefined) return;
    const image = imageOf(['mawk']);
    // Without gawk's files, gawk's higher priority choice cannot win: mawk provides awk.
    const withoutGawk = alternativesEntries(packagesOf(['mawk', 'gawk']), image);
    expect(withoutGawk.chosen.map((c) => `${c.name} ${c.path}`)).toEqual(['awk /usr/bin/mawk']);
    expect(withoutGawk.diagnostics.map((d) => [d.code, d.severity, d.member])).toEqual([['image/alternative-skipped', 'warning', 'postinst']]);
    expect(withoutGawk.diagnostics[0]?.message).toContain('`/usr/bin/gawk` is not a file in the image');
    // A package that ships /usr/bin/nawk as a file keeps it; the other links are still made.
    const shipped = new Map(image).set('usr/bin/nawk', { type: 'file', linkname: '' });
    const kept = alternativesEntries(packagesOf(['mawk']), shipped);
    expect(kept.entries.find((e) => e.path === 'usr/bin/nawk')).toBeUndefined();
    expect(kept.entries.find((e) => e.path === 'usr/bin/awk')).toMatchObject({ type: 'symlink', linkname: '/etc/alternatives/awk' });
    expect(kept.diagnostics.map((d) => d.message)).toEqual([expect.stringContaining('`/usr/bin/nawk` is a file in the image; not replaced')]);
  });

  it('breaks a tie of priorities by path, whatever the package order', () => {
    const image = new Map<string, ImagePathEntry>([['usr', { type: 'directory', linkname: '' }], ['usr/bin', { type: 'directory', linkname: '' }], ['usr/bin/b-pager', { type: 'file', linkname: '' }], ['usr/bin/a-pager', { type: 'file', linkname: '' }]]);
    const call = (p: string) => `update-alternatives --install /usr/bin/pager pager /usr/bin/${p} 10\n`;
    const one = alternativesEntries([{ name: 'b', fileName: 'b.deb', postinst: call('b-pager') }, { name: 'a', fileName: 'a.deb', postinst: call('a-pager') }], image);
    const two = alternativesEntries([{ name: 'a', fileName: 'a.deb', postinst: call('a-pager') }, { name: 'b', fileName: 'b.deb', postinst: call('b-pager') }], image);
    expect(one.chosen).toEqual([{ name: 'pager', path: '/usr/bin/a-pager', priority: 10, package: 'a' }]);
    expect(two.entries).toEqual(one.entries);
  });

  it('resolves paths through the image\'s symlinks, as stat would', () => {
    const image = new Map<string, ImagePathEntry>([['bin', { type: 'symlink', linkname: 'usr/bin' }], ['usr/bin/x', { type: 'file', linkname: '' }], ['usr/bin/y', { type: 'symlink', linkname: '../../bin/x' }], ['usr/bin/loop', { type: 'symlink', linkname: 'loop' }]]);
    expect(resolveInImage(image, '/bin/x')?.type).toBe('file');
    expect(resolveInImage(image, '/usr/bin/y')?.type).toBe('file');
    expect(resolveInImage(image, '/usr/bin/loop')).toBeUndefined();
    expect(resolveInImage(image, '/bin/missing')).toBeUndefined();
  });
});
