import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simpleHas, simpleIntersect, simpleIsEmpty, simpleMinus, simpleSet, simpleUnion } from './simple-set.js';
import { tokenizeGlob } from '../policy/index.js';
import { StringSet } from './string-set.js';

// Every string over {a, b, :} up to length 4: the brute-force universe.
const ALPHABET = ['a', 'b', ':'];
const UNIVERSE: string[] = [''];
for (let n = 1; n <= 4; n++) for (const s of UNIVERSE.filter((u) => u.length === n - 1)) for (const c of ALPHABET) UNIVERSE.push(s + c);

const word = fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 3 });
const set = fc.record({ literals: fc.array(word, { maxLength: 3 }), prefixes: fc.array(word, { maxLength: 2 }) }).map(({ literals, prefixes }) => simpleSet(literals, prefixes));
const members = (s: ReturnType<typeof simpleSet>) => UNIVERSE.filter((u) => simpleHas(s, u));
const model = (literals: string[], prefixes: string[]) => (u: string) => literals.includes(u) || prefixes.some((p) => u.startsWith(p));

describe('simple sets (exact strings and prefixes)', () => {
  it('normalize without changing membership', () => {
    fc.assert(fc.property(fc.array(word, { maxLength: 4 }), fc.array(word, { maxLength: 3 }), (l, p) => {
      const s = simpleSet(l, p);
      expect(members(s)).toEqual(UNIVERSE.filter(model(l, p)));
      expect(simpleIsEmpty(s)).toBe(l.length === 0 && p.length === 0);
    }));
  });

  it('intersect, union and minus agree with brute force; minus declines only when it must', () => {
    fc.assert(fc.property(set, set, (a, b) => {
      const inA = new Set(members(a));
      const inB = new Set(members(b));
      expect(members(simpleIntersect(a, b))).toEqual(UNIVERSE.filter((u) => inA.has(u) && inB.has(u)));
      expect(members(simpleUnion(a, b))).toEqual(UNIVERSE.filter((u) => inA.has(u) || inB.has(u)));
      const d = simpleMinus(a, b);
      if (d !== undefined) expect(members(d)).toEqual(UNIVERSE.filter((u) => inA.has(u) && !inB.has(u)));
      else expect(a.prefixes.some((p) => b.prefixes.some((q) => q.startsWith(p) && !p.startsWith(q)) || b.literals.some((v) => v.startsWith(p)))).toBe(true);
    }), { numRuns: 2000 });
  });

  it('StringSet keeps simple and automaton sets consistent', () => {
    const prefix = StringSet.glob('any', tokenizeGlob('a*'), 'a*');
    const auto = StringSet.glob('any', tokenizeGlob('*b?'), '*b?');
    const lits = StringSet.literals('any', ['ab', 'abb', 'ba'], 'lits');
    for (const u of UNIVERSE) {
      expect(prefix.intersect(auto).has(u)).toBe(u.startsWith('a') && /b.$/.test(u));
      expect(prefix.minus(auto).has(u)).toBe(u.startsWith('a') && !/b.$/.test(u));
      expect(lits.minus(prefix).has(u)).toBe(u === 'ba');
      expect(lits.union(auto).has(u)).toBe(['ab', 'abb', 'ba'].includes(u) || /b.$/.test(u));
      expect(prefix.complement().has(u)).toBe(!u.startsWith('a'));
      // "Anything but" sets (complements of simple sets) combine without automata, exactly.
      const notA = prefix.complement();
      const notLits = lits.complement();
      expect(notA.intersect(notLits).has(u)).toBe(!u.startsWith('a') && u !== 'ba');
      expect(notA.union(notLits).has(u)).toBe(!(u === 'ab' || u === 'abb'));
      expect(lits.intersect(notA).has(u)).toBe(u === 'ba');
      expect(notLits.minus(prefix).has(u)).toBe(!u.startsWith('a') && u !== 'ba');
      expect(prefix.minus(notLits).has(u)).toBe(u === 'ab' || u === 'abb');
      expect(notA.intersect(auto).has(u)).toBe(!u.startsWith('a') && /b.$/.test(u));
      expect(notA.complement().has(u)).toBe(u.startsWith('a'));
    }
    expect(StringSet.all('any').complement().isEmpty).toBe(true);
    expect(StringSet.literals('any', ['x'], 'x').complement().isEmpty).toBe(false);
    expect(StringSet.literals('any', ['x'], 'x').complement().witness()).toBe('y');
    expect(StringSet.glob('lower', tokenizeGlob('S3:*'), 'x').isEmpty).toBe(true);
    expect(StringSet.glob('lower', tokenizeGlob('s3:*'), 'x').has('s3:GetObject')).toBe(false);
  });
});
