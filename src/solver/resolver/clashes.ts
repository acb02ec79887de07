/**
 * Which packages of a set cannot be installed together (Conflicts or Breaks, directly or through
 * a provided name), for callers that reason about sets without resolving each combination: the
 * selection engine turns these pairs into constraints between security tools.
 */
import type { Candidate, PackageUniverse } from '../../catalog/index.js';
import { matcherFor } from './relation-match.js';

export interface Clash {
  readonly a: Candidate;
  readonly b: Candidate;
  /** `a Conflicts b (relation)` as Debian writes it. */
  readonly because: string;
}

export function clashesWithin(universe: PackageUniverse, set: readonly Candidate[], architecture = 'amd64'): Clash[] {
  const matcher = matcherFor(universe, architecture);
  const members = new Set(set);
  const seen = new Set<string>();
  const out: Clash[] = [];
  for (const a of set) {
    for (const [field, groups] of [['Conflicts', a.package.conflicts], ['Breaks', a.package.breaks]] as const) {
      for (const group of groups) {
        for (const relation of group) {
          for (const b of matcher.matches(relation)) {
            if (b === a || b.package.name === a.package.name || !members.has(b)) continue;
            const key = a.order < b.order ? `${a.order}:${b.order}` : `${b.order}:${a.order}`;
            if (seen.has(key)) continue;
            seen.add(key);
            out.push({ a, b, because: `${a.package.name} ${field} ${relation.name}${relation.op !== undefined ? ` (${relation.op} ${relation.version})` : ''}` });
          }
        }
      }
    }
  }
  return out;
}
