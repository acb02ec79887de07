/**
 * The resolver against brute force on small random archives: every subset of the packages is an
 * install set to try, checked by the independent checker (test/support). The resolver must find
 * a set exactly when one exists, its set must pass the checker, and when it reports a clash, the
 * rules it names must be jointly impossible while every proper subset (dropping any one rule) is
 * possible — decided again by brute force, with each rule's meaning written out here.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { installSetProblems, satisfies } from '../../../test/support/install-set-checker.js';
import type { BinaryPackage } from '../../catalog/index.js';
import type { Rule } from './problem.js';
import { resolve, type RootRequest } from './resolve.js';
import { universeOf } from './testing.js';

const NAMES = ['aa', 'bb', 'cc', 'dd', 'ee'];
const VIRTUALS = ['vx', 'vy'];
const relation = fc.tuple(fc.constantFrom(...NAMES, ...VIRTUALS), fc.constantFrom('', ' (>= 2)', ' (<< 2)', ' (= 1)')).map(([n, v]) => n + v);
const group = fc.array(relation, { minLength: 1, maxLength: 2 }).map((alts) => alts.join(' | '));
const stanza = fc.record({
  name: fc.constantFrom(...NAMES),
  version: fc.constantFrom('1', '2'),
  depends: fc.array(group, { maxLength: 2 }),
  conflicts: fc.array(relation, { maxLength: 1 }),
  breaks: fc.array(relation, { maxLength: 1 }),
  provides: fc.array(fc.tuple(fc.constantFrom(...VIRTUALS), fc.constantFrom('', ' (= 1)', ' (= 2)')).map(([n, v]) => n + v), { maxLength: 1 }),
}).map((s) => [
  `Package: ${s.name}`, `Version: ${s.version}`,
  ...(s.depends.length > 0 ? [`Depends: ${s.depends.join(', ')}`] : []),
  ...(s.conflicts.length > 0 ? [`Conflicts: ${s.conflicts.join(', ')}`] : []),
  ...(s.breaks.length > 0 ? [`Breaks: ${s.breaks.join(', ')}`] : []),
  ...(s.provides.length > 0 ? [`Provides: ${s.provides.join(', ')}`] : []),
].join('\n'));
const archive = fc.uniqueArray(stanza, { minLength: 1, maxLength: 7, selector: (s) => s.split('\n').slice(0, 2).join() });
const roots = fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 2 });

function* subsets<T>(items: readonly T[]): Generator<T[]> {
  for (let mask = 0; mask < 1 << items.length; mask++) yield items.filter((_, i) => (mask & (1 << i)) !== 0);
}

const rootMet = (set: readonly BinaryPackage[], root: RootRequest) => set.some((p) => p.name === root.name && (root.version === undefined || p.version === root.version));

/** What each rule demands of an install set, written independently of the resolver's clauses. */
function holds(rule: Rule, set: readonly BinaryPackage[]): boolean {
  const has = (p: BinaryPackage) => set.includes(p);
  switch (rule.kind) {
    case 'root': return rootMet(set, rule.root) || (rule.root.version === undefined && set.some((p) => satisfies(p, { name: rule.root.name })));
    case 'essential': return set.some((p) => p.name === rule.name);
    case 'depends': return !has(rule.package.package) || rule.group.some((r) => set.some((q) => satisfies(q, r)));
    case 'conflicts': return !(has(rule.package.package) && has(rule.other.package));
    case 'one-version': return !(has(rule.a.package) && has(rule.b.package));
    case 'excluded': return !has(rule.package.package);
  }
}

describe('resolve agrees with brute force on random archives', () => {
  it('finds an install set exactly when one exists; a clash is minimal', () => {
    fc.assert(fc.property(archive, roots, (stanzas, rootNames) => {
      const universe = universeOf(stanzas);
      const all = rootNames.flatMap((n) => universe.candidates(n)).length > 0 ? [...new Set(NAMES.flatMap((n) => universe.candidates(n).map((c) => c.package)))] : [];
      const request = rootNames.map((name) => ({ name }));
      const result = resolve(universe, request);
      if (!result.ok && result.diagnostics[0]?.code === 'resolve/unknown-package') {
        expect(rootNames.some((n) => universe.candidates(n).length === 0)).toBe(true);
        return;
      }
      const possible = [...subsets(all)].some((set) => request.every((r) => rootMet(set, r)) && installSetProblems(set).length === 0);
      expect(result.ok).toBe(possible);
      if (result.ok) {
        const set = result.packages.map((p) => p.candidate.package);
        expect(installSetProblems(set)).toEqual([]);
        for (const r of request) expect(rootMet(set, r)).toBe(true);
        return;
      }
      const rules = result.diagnostics[0]?.rules ?? [];
      const satisfiable = (subset: readonly Rule[]) => [...subsets(all)].some((set) => subset.every((rule) => holds(rule, set)));
      expect(satisfiable(rules)).toBe(false);
      for (let i = 0; i < rules.length; i++) expect(satisfiable(rules.filter((_, j) => j !== i))).toBe(true);
    }), { numRuns: 1500 });
  });
});
