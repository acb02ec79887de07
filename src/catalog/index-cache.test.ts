import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../test/support/shared-data.js';
import { hasTool } from '../../test/support/tools.js';
import { decodeIndexCache, encodeIndexCache } from './index-cache.js';
import { parsePackages } from './packages.js';

const SOURCE = { codename: 'bookworm', path: 'main/binary-amd64/Packages', sha256: 'f'.repeat(64) };
const SAMPLE = `Package: bash\nVersion: 5.2.15-2+b7\nArchitecture: amd64\nEssential: yes\nMulti-Arch: foreign\nPre-Depends: libc6 (>= 2.36), libtinfo6 (>= 6)\nDepends: base-files (>= 2.1.12) | foo:any\nDescription: GNU Bourne Again SHell\n\nPackage: python3-pip\nVersion: 23.0.1+dfsg-1\nArchitecture: all\nDepends: python3:any\n`;

describe('index cache', () => {
  it('decodes to exactly the packages it encoded', () => {
    const { packages } = parsePackages(SAMPLE);
    const decoded = decodeIndexCache(encodeIndexCache(packages, SOURCE));
    expect(decoded).toEqual({ ok: true, source: SOURCE, packages });
  });

  it('refuses a cache of another format or a damaged one', () => {
    expect(decodeIndexCache('{"format": "other"}')).toMatchObject({ ok: false, message: expect.stringMatching(/not tessera-index\/1/) });
    expect(decodeIndexCache('{"format"')).toMatchObject({ ok: false, message: expect.stringMatching(/not JSON/) });
    const text = encodeIndexCache(parsePackages(SAMPLE).packages, SOURCE).replace(/"strings":\[[^\]]*\]/, '"strings":[]');
    expect(decodeIndexCache(text)).toMatchObject({ ok: false, message: expect.stringMatching(/damaged: string index 0 is out of range/) });
  });

  const index = sharedData(join('debian', 'bookworm', 'main-binary-amd64-Packages.xz'));
  it.skipIf(index === undefined || !hasTool('xz'))('round-trips all of bookworm main', () => {
    const { packages } = parsePackages(execFileSync('xz', ['-dc', index as string], { encoding: 'utf8', maxBuffer: 512 << 20 }));
    const text = encodeIndexCache(packages, SOURCE);
    const decoded = decodeIndexCache(text);
    expect(decoded.ok && decoded.packages.length).toBe(63_440);
    expect(decoded.ok && isDeepStrictEqual(decoded.packages, packages)).toBe(true);
    // Interning halves it: the cache is well under the 50 MB index text.
    expect(text.length).toBeLessThan(30_000_000);
  }, 60_000);
});
