/**
 * The string sets real policies mostly write, without automata: finitely many exact strings plus
 * finitely many prefixes (`s3:get*`, `arn:aws:s3:::acme-reports/*`, the values of StringEquals).
 * They are closed under intersection and union; a difference stays simple unless it cuts a hole
 * into a prefix (`acme-*` minus `acme-x*`), and then the caller falls back to automata. Every
 * operation is exact. Membership here ignores domains; StringSet applies its domain on top.
 */

export interface SimpleSet {
  /** Sorted, distinct, none starting with one of `prefixes`. */
  readonly literals: readonly string[];
  /** Sorted, none starting with another (`''` alone is every string). */
  readonly prefixes: readonly string[];
}

export const EMPTY_SIMPLE: SimpleSet = { literals: [], prefixes: [] };

export function simpleSet(literals: Iterable<string>, prefixes: Iterable<string>): SimpleSet {
  const kept: string[] = [];
  for (const p of [...new Set(prefixes)].sort((a, b) => a.length - b.length || (a < b ? -1 : 1))) {
    if (!kept.some((k) => p.startsWith(k))) kept.push(p);
  }
  kept.sort();
  const lits = [...new Set(literals)].filter((l) => !kept.some((k) => l.startsWith(k))).sort();
  return { literals: lits, prefixes: kept };
}

export function simpleHas(s: SimpleSet, value: string): boolean {
  return sortedHas(s.literals, value) || s.prefixes.some((p) => value.startsWith(p));
}

export function simpleIsEmpty(s: SimpleSet): boolean {
  return s.literals.length === 0 && s.prefixes.length === 0;
}

export function simpleIntersect(a: SimpleSet, b: SimpleSet): SimpleSet {
  const literals = [...a.literals.filter((v) => simpleHas(b, v)), ...b.literals.filter((v) => simpleHas(a, v))];
  const prefixes: string[] = [];
  for (const p of a.prefixes) {
    for (const q of b.prefixes) {
      if (p.startsWith(q)) prefixes.push(p);
      else if (q.startsWith(p)) prefixes.push(q);
    }
  }
  return simpleSet(literals, prefixes);
}

export function simpleUnion(a: SimpleSet, b: SimpleSet): SimpleSet {
  return simpleSet([...a.literals, ...b.literals], [...a.prefixes, ...b.prefixes]);
}

/** `a` minus `b`, or undefined when the result has a hole in a prefix (not a simple set). */
export function simpleMinus(a: SimpleSet, b: SimpleSet): SimpleSet | undefined {
  const literals = a.literals.filter((v) => !simpleHas(b, v));
  const prefixes: string[] = [];
  for (const p of a.prefixes) {
    if (b.prefixes.some((q) => p.startsWith(q))) continue; // all of p* is in b
    if (b.prefixes.some((q) => q.startsWith(p)) || b.literals.some((v) => v.startsWith(p))) return undefined;
    prefixes.push(p);
  }
  return simpleSet(literals, prefixes);
}

export function sortedHas(sorted: readonly string[], value: string): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = sorted[mid] as string;
    if (m === value) return true;
    if (m < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
