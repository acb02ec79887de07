import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actionPatternsIntersect } from './action-match.js';

/**
 * A backtracking matcher: does `pattern` match the whole of `s` (case-insensitive)? With `prefix`,
 * does it match some string that starts with `s`?
 */
function matches(pattern: string, s: string, prefix = false): boolean {
  const p = pattern.toLowerCase();
  const t = s.toLowerCase();
  const m = (i: number, j: number): boolean => {
    if (prefix && j === t.length) return true;
    if (i === p.length) return j === t.length;
    if (p[i] === '*') return m(i + 1, j) || (j < t.length && m(i, j + 1));
    return j < t.length && (p[i] === '?' || p[i] === t[j]) && m(i + 1, j + 1);
  };
  return m(0, 0);
}

/**
 * The brute-force oracle: try every string over the patterns' letters plus one letter neither uses,
 * up to the length of both patterns' non-star characters together — a shortest common string is never
 * longer (each of its characters is matched by a `?` or a letter of at least one pattern), and any
 * character a wildcard meets can be replaced by the fresh letter or a letter of the other pattern.
 */
function oracle(a: string, b: string): boolean {
  const letters = [...new Set([...`${a}${b}`.toLowerCase()].filter((c) => c !== '*' && c !== '?')), 'z'];
  const maxLength = [...`${a}${b}`].filter((c) => c !== '*').length;
  // Extending only strings that both patterns can still match keeps the search small.
  const search = (s: string): boolean =>
    (matches(a, s) && matches(b, s)) || (s.length < maxLength && letters.some((c) => matches(a, s + c, true) && matches(b, s + c, true) && search(s + c)));
  return search('');
}

const unit = fc.constantFrom('a', 'B', 'b', ':', '*', '?');
const pattern = fc.string({ unit, maxLength: 6 });

describe('actionPatternsIntersect', () => {
  it('agrees with a brute-force search for a common string', () => {
    fc.assert(
      fc.property(pattern, pattern, (a, b) => actionPatternsIntersect(a, b) === oracle(a, b)),
      { numRuns: 10_000 },
    );
  });

  it('is symmetric and reflexive', () => {
    fc.assert(
      fc.property(pattern, pattern, (a, b) => actionPatternsIntersect(a, b) === actionPatternsIntersect(b, a) && actionPatternsIntersect(a, a)),
      { numRuns: 5_000 },
    );
  });

  it('agrees with plain matching when one side has no wildcard', () => {
    const action = fc.string({ unit: fc.constantFrom('a', 'B', ':'), maxLength: 8 });
    fc.assert(fc.property(pattern, action, (p, s) => actionPatternsIntersect(p, s) === matches(p, s)), { numRuns: 5_000 });
  });

  it('answers the questions an action search asks', () => {
    const yes: [string, string][] = [
      ['s3:Get*', 's3:GetObject'],
      ['s3:Get*', 's3:*'],
      ['*', 'kms:Decrypt'],
      ['S3:GETOBJECT', 's3:getobject'],
      ['s3:*Object', 's3:Get*'],
      ['*:Decrypt', 'kms:*'],
      ['s?:Get*', 's3:GetObject'],
      ['dynamodb:?utItem', 'dynamodb:PutItem'],
      ['*Object*', '*Tagging'],
      ['', ''],
      ['*', ''],
    ];
    const no: [string, string][] = [
      ['s3:Get*', 's3:Put*'],
      ['s3:*', 'kms:*'],
      ['s3:GetObject', 's3:GetObjectTagging'],
      ['s3:?', 's3:Get'],
      ['kms:Decrypt', 'kms:Encrypt'],
      ['a*b', 'b*a'],
      ['', 'x'],
      ['?', ''],
    ];
    for (const [a, b] of yes) expect(actionPatternsIntersect(a, b), `${a} ∩ ${b}`).toBe(true);
    for (const [a, b] of no) expect(actionPatternsIntersect(a, b), `${a} ∩ ${b}`).toBe(false);
  });

  it('stays linear in memory and fast on long patterns', () => {
    const long = `${'a*'.repeat(500)}b`;
    expect(actionPatternsIntersect(long, `${'a'.repeat(600)}b`)).toBe(true);
    expect(actionPatternsIntersect(long, `${'a'.repeat(600)}c`)).toBe(false);
  });
});
