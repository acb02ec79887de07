import { describe, expect, it } from 'vitest';
import { globCovers, globMatches, globOverlaps } from './glob.js';
import { patternCovers, patternsOverlap, scopeMatches, scopesCover, scopesOverlap } from './resources.js';

// Brute-force oracle: every string up to length 4 over a small alphabet.
const ALPHABET = ['a', 'b', ':'];
const STRINGS: string[] = [''];
for (let n = 1; n <= 4; n++) for (const s of STRINGS.filter((x) => x.length === n - 1)) for (const c of ALPHABET) STRINGS.push(s + c);
const PATTERNS = ['*', '?', 'a', 'a*', '*a', 'a?', '?*', '*b*', 'a*b', 'ab', '??', 'a:*', '*:?', ''];

describe('glob relations', () => {
  it('agree with enumeration on every pair of sample patterns', () => {
    for (const p of PATTERNS) {
      for (const q of PATTERNS) {
        const mp = STRINGS.filter((s) => globMatches(p, s));
        const mq = new Set(STRINGS.filter((s) => globMatches(q, s)));
        // Every pattern here has a witness of length <= 4 when the relation fails or holds.
        expect(globOverlaps(p, q), `${p} overlaps ${q}`).toBe(mp.some((s) => mq.has(s)));
        expect(globCovers(q, p), `${q} covers ${p}`).toBe(mp.every((s) => mq.has(s)));
      }
    }
  });
});

describe('ARN patterns, field by field', () => {
  it('keeps a wildcard inside its field except in the resource field', () => {
    expect(patternCovers('arn:aws:s3:::*', 'arn:aws:s3:::a/b:c')).toBe(true);
    expect(patternCovers('arn:aws:*:*:*:*', 'arn:aws:s3:::x')).toBe(true);
    expect(patternCovers('arn:aws:s3:::reports/*', 'arn:aws:s3:::reports')).toBe(false);
    expect(patternCovers('*', 'arn:aws:s3:::x')).toBe(true);
    expect(patternCovers('arn:aws:s3:::*', '*')).toBe(false);
    expect(patternsOverlap('arn:aws:s3:::a*', 'arn:aws:s3:::*b')).toBe(true);
    expect(patternsOverlap('arn:aws:s3:::a/*', 'arn:aws:s3:::b/*')).toBe(false);
    expect(patternsOverlap('arn:aws:dynamodb:*:*:table/x', 'arn:aws:s3:::x')).toBe(false);
  });

  it('treats policy variables conservatively', () => {
    expect(patternCovers('arn:aws:s3:::home/${aws:username}/*', 'arn:aws:s3:::home/${aws:username}/*')).toBe(true);
    expect(patternCovers('arn:aws:s3:::home/${aws:username}/*', 'arn:aws:s3:::home/bob/*')).toBe(false);
    expect(patternsOverlap('arn:aws:s3:::home/${aws:username}/*', 'arn:aws:s3:::home/bob/x')).toBe(true);
  });

  it('compares scopes with NotResource', () => {
    const notSecret = { not: ['arn:aws:s3:::secret/*'] };
    expect(scopeMatches(notSecret, 'arn:aws:s3:::secret/x')).toBe(false);
    expect(scopeMatches(notSecret, 'arn:aws:s3:::public/x')).toBe(true);
    expect(scopesCover([['*']], notSecret)).toBe(true);
    expect(scopesCover([['arn:aws:s3:::*']], notSecret)).toBe(false);
    expect(scopesCover([notSecret], ['arn:aws:s3:::public/x'])).toBe(true);
    expect(scopesCover([notSecret], ['arn:aws:s3:::public/*'])).toBe(false);
    expect(scopesCover([{ not: ['arn:aws:s3:::secret/a'] }], notSecret)).toBe(true);
    expect(scopesCover([['arn:aws:s3:::a'], ['arn:aws:s3:::b']], ['arn:aws:s3:::a', 'arn:aws:s3:::b'])).toBe(true);
    expect(scopesOverlap(notSecret, ['arn:aws:s3:::secret/x'])).toBe(false);
    expect(scopesOverlap(notSecret, ['arn:aws:s3:::*'])).toBe(true);
  });
});
