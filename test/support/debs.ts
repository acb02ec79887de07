/**
 * Real Debian packages for tests, fetched with `apt-get download` once into a cache under the
 * system temporary directory (one directory per package name) and reused by later runs. When the
 * download fails (no network, no apt), a test fails under CI=true and otherwise skips with a
 * printed reason, as with the other oracles (tools.ts, shared-data.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTool } from './tools.js';

export const DEB_CACHE = join(tmpdir(), 'tessera-debs');

/** Real Debian 12 packages the image tests read: xz members, hardlinks (perl-base), many small files (tzdata). */
export const REAL_DEBS: readonly string[] = ['base-files', 'tzdata', 'libc6', 'bash', 'ca-certificates', 'zlib1g', 'perl-base'];

function cached(name: string): string | undefined {
  const dir = join(DEB_CACHE, name);
  try {
    const deb = readdirSync(dir).find((f) => f.endsWith('.deb'));
    return deb === undefined ? undefined : join(dir, deb);
  } catch {
    return undefined;
  }
}

function skipOrFail(reason: string): undefined {
  if (process.env.CI === 'true') throw new Error(`${reason}; under CI the test must not skip`);
  console.warn(`skipping: ${reason}`);
  return undefined;
}

/** The .deb files of `names` (the candidate apt knows), or undefined (with a printed reason) to skip. */
export function debianPackages(names: readonly string[]): string[] | undefined {
  if (!hasTool('apt-get') || !hasTool('dpkg-deb')) return undefined;
  const out: string[] = [];
  for (const name of names) {
    let deb = cached(name);
    if (deb === undefined) {
      mkdirSync(DEB_CACHE, { recursive: true });
      // Downloaded into a fresh directory and renamed, so a failed or concurrent run never
      // leaves a partial file where the cache is read.
      const work = mkdtempSync(join(DEB_CACHE, `.${name}-`));
      const r = spawnSync('apt-get', ['download', '-q', name], { cwd: work, encoding: 'utf8', timeout: 120_000 });
      try {
        if (r.status !== 0 || readdirSync(work).every((f) => !f.endsWith('.deb'))) {
          return skipOrFail(`\`apt-get download ${name}\` failed (${(r.stderr ?? '').trim().split('\n').pop() ?? r.error?.message})`);
        }
        try {
          renameSync(work, join(DEB_CACHE, name));
        } catch {
          /* another run cached it first */
        }
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
      deb = cached(name);
      if (deb === undefined) return skipOrFail(`no .deb for ${name} in ${DEB_CACHE}`);
    }
    out.push(deb);
  }
  return out;
}

/** An ar archive as dpkg-deb writes it (for tests that repack a .deb's members). */
export function makeAr(members: readonly { name: string; data: Uint8Array }[]): Buffer {
  const parts: Buffer[] = [Buffer.from('!<arch>\n')];
  for (const { name, data } of members) {
    const field = (v: string, n: number) => v.padEnd(n, ' ');
    parts.push(Buffer.from(`${field(name, 16)}${field('0', 12)}${field('0', 6)}${field('0', 6)}${field('100644', 8)}${field(String(data.length), 10)}\`\n`, 'latin1'));
    parts.push(Buffer.from(data));
    if (data.length % 2 === 1) parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

export interface OracleEntry {
  readonly path: string;
  readonly type: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly linkname: string;
}

const TYPE_CHARS: Record<string, string> = { '-': 'file', d: 'directory', l: 'symlink', h: 'hardlink', c: 'char', b: 'block', p: 'fifo' };

/** `rwsr-xr-t` → 0o5755: permission bits with setuid, setgid and sticky. */
function modeBits(s: string): number {
  let mode = 0;
  for (let i = 0; i < 9; i++) if (!'-ST'.includes(s[i] as string)) mode |= 1 << (8 - i);
  if ('sS'.includes(s[2] as string)) mode |= 0o4000;
  if ('sS'.includes(s[5] as string)) mode |= 0o2000;
  if ('tT'.includes(s[8] as string)) mode |= 0o1000;
  return mode;
}

/** GNU tar's listing of a tar stream (`tar -tv`), parsed: the oracle for our readers and writer. */
export function tarListing(tarBytes: Buffer | null, file?: string): OracleEntry[] {
  const args = ['-tv', '--numeric-owner', '--full-time', '--quoting-style=literal', ...(file === undefined ? [] : ['-f', file])];
  const r = spawnSync('tar', args, { input: tarBytes ?? undefined, maxBuffer: 1 << 28, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tar -tv failed: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '').map((line) => {
    const m = /^(\S)(\S{9}) (\d+)\/(\d+)\s+(\d+|\d+,\d+) \d{4}-\d\d-\d\d \d\d:\d\d:\d\d (.*)$/.exec(line);
    if (m === null) throw new Error(`cannot read tar's line \`${line}\``);
    const type = TYPE_CHARS[m[1] as string] ?? 'unknown';
    const rest = m[6] as string;
    const sep = type === 'symlink' ? ' -> ' : type === 'hardlink' ? ' link to ' : null;
    const at = sep === null ? -1 : rest.indexOf(sep);
    return {
      path: at < 0 ? rest : rest.slice(0, at), type, mode: modeBits(m[2] as string),
      uid: Number(m[3]), gid: Number(m[4]), size: (m[5] as string).includes(',') ? 0 : Number(m[5]),
      linkname: at < 0 ? '' : rest.slice(at + (sep as string).length),
    };
  });
}

/** The data archive of a .deb as dpkg-deb extracts it (`--fsys-tarfile`). */
export function fsysTarfile(deb: string): Buffer {
  const r = spawnSync('dpkg-deb', ['--fsys-tarfile', deb], { maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`dpkg-deb --fsys-tarfile ${deb} failed: ${r.stderr.toString()}`);
  return r.stdout;
}

/** One control field as dpkg-deb reads it (`dpkg-deb -f`), '' when absent. */
export function dpkgField(deb: string, field: string): string {
  const r = spawnSync('dpkg-deb', ['-f', deb, field], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dpkg-deb -f ${deb} ${field} failed: ${r.stderr}`);
  return r.stdout.replace(/\n$/, '');
}
