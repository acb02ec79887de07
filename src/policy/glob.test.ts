import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob, globCovers, tokenizeGlob } from './glob.js';

/** A brute-force oracle: the pattern as a backtracking matcher over characters. */
function oracle(pattern: string, s: string): boolean {
  const m = (p: number, i: number): boolean => {
    if (p === pattern.length) return i === s.length;
    const c = pattern[p];
    if (c === '*') return m(p + 1, i) || (i < s.length && m(p, i + 1));
    if (i === s.length) return false;
    return (c === '?' || c === s[i]) && m(p + 1, i + 1);
  };
  return m(0, 0);
}

const alphabet = fc.constantFrom('a', 'b', ':', '/', '*', '?');
const text = fc.string({ unit: fc.constantFrom('a', 'b', ':', '/'), maxLength: 8 });
const pattern = fc.string({ unit: alphabet, maxLength: 7 });

describe('glob', () => {
  it('matches exactly like a brute-force matcher', () => {
    fc.assert(fc.property(pattern, text, (p, s) => compileGlob(tokenizeGlob(p)).test(s) === oracle(p, s)), { numRuns: 20_000 });
  });

  it('uses plain string tests for common shapes and stays exact', () => {
    expect(compileGlob(tokenizeGlob('s3:Get*')).test('s3:GetObject')).toBe(true);
    expect(compileGlob(tokenizeGlob('*Object')).test('s3:GetObject')).toBe(true);
    expect(compileGlob(tokenizeGlob('a*b')).test('ab')).toBe(true);
    expect(compileGlob(tokenizeGlob('ab*ba')).test('aba')).toBe(false);
    expect(compileGlob(tokenizeGlob('*mid*')).test('a-mid-b')).toBe(true);
    expect(compileGlob(tokenizeGlob('a.c')).test('abc')).toBe(false); // regex metacharacters are literal
    expect(compileGlob(['a', 0, 'b']).test('a\nb')).toBe(true); // `*` spans newlines too
  });

  it('coverage is sound: whenever it says covered, every inner match is an outer match', () => {
    fc.assert(
      fc.property(pattern, pattern, text, (outer, inner, s) => {
        if (globCovers(tokenizeGlob(outer), tokenizeGlob(inner)) && oracle(inner, s)) return oracle(outer, s);
        return true;
      }),
      { numRuns: 20_000 },
    );
  });

  it('coverage recognises the usual cases', () => {
    const covers = (o: string, i: string) => globCovers(tokenizeGlob(o), tokenizeGlob(i));
    expect(covers('s3:*', 's3:Get*')).toBe(true);
    expect(covers('s3:Get*', 's3:GetObject')).toBe(true);
    expect(covers('s3:Get*', 's3:*')).toBe(false);
    expect(covers('*', 'anything?*')).toBe(true);
    expect(covers('a?c', 'a*c')).toBe(false);
  });
});
