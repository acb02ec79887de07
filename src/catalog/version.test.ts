import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../test/support/shared-data.js';
import { hasTool } from '../../test/support/tools.js';
import { compareVersions, parseVersion } from './version.js';

const DPKG = hasTool('dpkg');
const run = promisify(execFile);

/** dpkg's verdict on each pair; the pairs are split over two shells (a dpkg process per comparison is the slow part). */
async function dpkgCompare(pairs: readonly [string, string][]): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-dpkg-'));
  const script = `while read -r a b; do if dpkg --compare-versions "$a" lt "$b"; then echo -1; elif dpkg --compare-versions "$a" eq "$b"; then echo 0; else echo 1; fi; done < "$1"`;
  const half = Math.ceil(pairs.length / 2);
  try {
    const parts = await Promise.all([pairs.slice(0, half), pairs.slice(half)].map(async (part, k) => {
      const file = join(dir, `pairs-${k}`);
      writeFileSync(file, part.map(([a, b]) => `${a} ${b}`).join('\n') + '\n');
      const { stdout } = await run('bash', ['-c', script, 'bash', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
      return stdout.trim().split('\n').map(Number);
    }));
    return parts.flat();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Versions built from the characters that make comparison interesting. */
function randomVersions(n: number, seed: number): string[] {
  let state = seed;
  const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T;
  const part = (first: boolean) => {
    let s = first ? pick(['0', '1', '2', '9', '10', '01']) : '';
    const len = Math.floor(random() * 6);
    for (let k = 0; k < len; k++) s += pick(['0', '1', '2', '10', '9', 'a', 'b', 'Z', '.', '+', '~', '~~', 'rc', 'dfsg', '~beta']);
    return s;
  };
  return Array.from({ length: n }, () => {
    const epoch = random() < 0.2 ? `${pick(['0', '1', '2', '10'])}:` : '';
    const upstream = part(true) + (random() < 0.2 ? `-${part(true)}` : '');
    const revision = random() < 0.6 ? `-${pick(['0', '1', '1.1', '1~deb12u1', '1+deb12u1', '1build1', '0ubuntu1', 'a', '~']) }` : '';
    return epoch + upstream + revision;
  }).filter((v) => parseVersion(v).ok);
}

describe('Debian version comparison', () => {
  it('follows the rules of deb-version(7) on the classic cases', () => {
    const cases: [string, string, number][] = [
      ['1.0', '1.0', 0], ['1.0~rc1', '1.0', -1], ['1.0', '1.0+b1', -1], ['1:0.1', '2.0', 1], ['1.0-1', '1.0-1~bpo1', 1],
      ['1.0', '1.0-0', 0], ['1.2.3', '1.2.10', -1], ['1.0a', '1.0+', -1], ['1.0~~', '1.0~', -1], ['0001', '1', 0], ['2.36-9+deb12u3', '2.36-9+deb12u10', -1],
    ];
    for (const [a, b, want] of cases) expect([a, b, compareVersions(a, b)]).toEqual([a, b, want]);
  });

  it('rejects what dpkg rejects, saying why', () => {
    expect(parseVersion('')).toMatchObject({ ok: false, message: 'the version is empty' });
    expect(parseVersion('a1.0')).toMatchObject({ ok: false });
    expect(parseVersion('x:1.0')).toMatchObject({ ok: false, message: 'the epoch `x` of `x:1.0` is not a number' });
    expect(parseVersion('1.0-')).toMatchObject({ ok: false });
    expect(parseVersion('1.0-a_b')).toMatchObject({ ok: false });
    expect(parseVersion('1 0')).toMatchObject({ ok: false });
    expect(() => compareVersions('1.0', 'bad version')).toThrow(RangeError);
  });

  it.skipIf(!DPKG)('agrees with dpkg --compare-versions on 2,000 random pairs', async () => {
    const vs = randomVersions(4200, 42);
    const pairs: [string, string][] = [];
    for (let k = 0; k + 1 < vs.length && pairs.length < 2000; k += 2) pairs.push([vs[k] as string, vs[k + 1] as string]);
    // Pairs that differ only slightly are where the rules bite: compare each with a tweaked copy too.
    for (let k = 0; k < 400; k++) {
      const v = vs[k] as string;
      pairs.push([v, v.replace(/\d+(?!.*\d)/, (d) => String(Number(d) + 1))], [v, `${v}~`], [v, `${v}+`]);
    }
    const valid = pairs.filter(([a, b]) => parseVersion(a).ok && parseVersion(b).ok);
    const oracle = await dpkgCompare(valid);
    const mismatches = valid.filter(([a, b], k) => compareVersions(a, b) !== oracle[k]);
    expect(mismatches).toEqual([]);
    expect(valid.length).toBeGreaterThan(3000);
  });

  const packages = sharedData(join('debian', 'bookworm', 'main-binary-amd64-Packages.xz'));
  it.skipIf(!DPKG || packages === undefined || !hasTool('xz'))('parses every version in bookworm’s index and orders 20,000 pairs of them as dpkg does', async () => {
    const text = execFileSync('xz', ['-dc', packages as string], { encoding: 'utf8', maxBuffer: 512 << 20 });
    const versions = [...new Set([...text.matchAll(/^Version: (.+)$/gm)].map((m) => m[1] as string))];
    expect(versions.length).toBeGreaterThan(20_000);
    const bad = versions.filter((v) => !parseVersion(v).ok);
    expect(bad).toEqual([]);
    // Neighbours in our order are the hardest pairs (1,500 of them); the rest are drawn at random.
    const sorted = [...versions].sort(compareVersions);
    const step = Math.max(1, Math.floor(sorted.length / 1500));
    const pairs: [string, string][] = [];
    for (let k = 0; k + 1 < sorted.length; k += step) pairs.push([sorted[k] as string, sorted[k + 1] as string]);
    let state = 2024;
    const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
    while (pairs.length < 20_000) pairs.push([versions[Math.floor(random() * versions.length)] as string, versions[Math.floor(random() * versions.length)] as string]);
    const oracle = await dpkgCompare(pairs);
    expect(oracle.length).toBe(pairs.length);
    const mismatches = pairs.filter(([a, b], k) => compareVersions(a, b) !== oracle[k]);
    expect(mismatches).toEqual([]);
  }, 180_000);
});
