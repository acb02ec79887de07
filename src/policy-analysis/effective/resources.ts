/**
 * Resource scopes compared symbolically, with IAM's ARN rule: a pattern that is an ARN is
 * compared field by field, and a wildcard in the first five fields never crosses a colon.
 * Patterns holding policy variables are treated conservatively: they cover only themselves and
 * may overlap anything their variable could become.
 */
import { globCovers, globMatches, globOverlaps, hasWildcard } from './glob.js';
import type { ResourceScope } from './types.js';

function fields(pattern: string): string[] | undefined {
  if (!pattern.startsWith('arn:')) return undefined;
  const parts = pattern.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

const VARIABLE = /\$\{[^}]*\}/g;

function hasVariable(p: string): boolean {
  return p.includes('${');
}

function fieldwise(a: string, b: string, test: (x: string, y: string) => boolean): boolean {
  const fa = fields(a);
  const fb = fields(b);
  if (fa === undefined || fb === undefined) return test(a, b);
  return fa.every((f, i) => test(f, fb[i] ?? ''));
}

/**
 * Pure-function memo: a report compares the same few patterns once per catalog action (tens of
 * thousands with every service loaded). Bounded so that hostile input cannot grow it.
 */
const memo = new Map<string, boolean>();
function remember(kind: string, a: string, b: string, compute: () => boolean): boolean {
  const key = `${kind}\u0000${a}\u0000${b}`;
  let r = memo.get(key);
  if (r === undefined) {
    if (memo.size >= 10_000) memo.clear();
    r = compute();
    memo.set(key, r);
  }
  return r;
}

/** Whether every resource `inner` matches is matched by `outer`. */
export function patternCovers(outer: string, inner: string): boolean {
  if (outer === '*') return true;
  if (inner === '*') return false;
  if (hasVariable(outer) || hasVariable(inner)) return outer === inner;
  return remember('c', outer, inner, () => fieldwise(outer, inner, globCovers));
}

/** Whether some resource matches both patterns (variables may become anything). */
export function patternsOverlap(a: string, b: string): boolean {
  if (a === '*' || b === '*') return true;
  return remember('o', a, b, () => fieldwise(a.replace(VARIABLE, '*'), b.replace(VARIABLE, '*'), globOverlaps));
}

/** Whether a pattern (no variables substituted) matches a concrete resource ARN. */
export function patternMatches(pattern: string, resource: string): boolean {
  if (pattern === '*') return true;
  return remember('m', pattern, resource, () => fieldwise(pattern, resource, (p, r) => globMatches(p, r)));
}

export function isNotScope(s: ResourceScope): s is { readonly not: readonly string[] } {
  return !Array.isArray(s);
}

/** Whether a scope matches a concrete resource. */
export function scopeMatches(scope: ResourceScope, resource: string): boolean {
  if (isNotScope(scope)) return !scope.not.some((p) => patternMatches(p, resource));
  return scope.some((p) => patternMatches(p, resource));
}

/** Whether a scope reaches every resource an unscoped grant would: `*`, or a NotResource. */
export function isUnscoped(scope: ResourceScope): boolean {
  return isNotScope(scope) || scope.includes('*');
}

/**
 * Whether the union of `covering` scopes holds every resource `inner` does. Sound, not complete:
 * a `true` is always right; a `false` may miss coverage that only several patterns together give.
 */
export function scopesCover(covering: readonly ResourceScope[], inner: ResourceScope): boolean {
  if (isNotScope(inner)) {
    // All but N₂ lies inside all but N₁ when every pattern of N₁ sits inside N₂.
    return covering.some((c) => (isNotScope(c) ? c.not.every((n1) => inner.not.some((n2) => patternCovers(n2, n1))) : c.includes('*')));
  }
  return inner.every((g) =>
    covering.some((c) => (isNotScope(c) ? !hasWildcard(g) && !hasVariable(g) && !c.not.some((n) => patternMatches(n, g)) : c.some((p) => patternCovers(p, g)))),
  );
}

/** Whether two scopes can share a resource (conservative: `true` when unsure). */
export function scopesOverlap(a: ResourceScope, b: ResourceScope): boolean {
  if (isNotScope(a)) return isNotScope(b) || b.some((p) => !a.not.some((n) => patternCovers(n, p)));
  if (isNotScope(b)) return a.some((p) => !b.not.some((n) => patternCovers(n, p)));
  return a.some((p) => b.some((q) => patternsOverlap(p, q)));
}
