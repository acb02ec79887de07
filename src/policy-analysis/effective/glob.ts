/**
 * Wildcard text (`*` any run, `?` one character) compared as languages: does one pattern cover
 * another, can two patterns match a common string, does a pattern match a string. The policy
 * module keeps its matchers private, and these questions (between two patterns) are not the
 * authorizer's anyway.
 *
 * Both relations are decided exactly by running the two patterns as automata side by side. The
 * alphabet is infinite, but every character a pattern does not name behaves alike, so the named
 * characters plus one stand-in for "any other" are enough.
 */

const STAR = 0;
const ONE = 1;
type Unit = string | typeof STAR | typeof ONE;

function units(pattern: string): Unit[] {
  return [...pattern].map((ch): Unit => (ch === '*' ? STAR : ch === '?' ? ONE : ch));
}

/** Positions reachable without reading (a `*` may match nothing). */
function closure(u: readonly Unit[], states: Iterable<number>): number[] {
  const out = new Set<number>();
  for (let s of states) {
    out.add(s);
    while (u[s] === STAR) out.add(++s);
  }
  return [...out].sort((a, b) => a - b);
}

function step(u: readonly Unit[], states: readonly number[], ch: string): number[] {
  const next: number[] = [];
  for (const s of states) {
    const t = u[s];
    if (t === STAR) next.push(s);
    else if (t === ONE || t === ch) next.push(s + 1);
  }
  return closure(u, next);
}

/** Walks the pair of subset automata; `stop` sees each reachable pair and may end the walk. */
function walk(a: readonly Unit[], b: readonly Unit[], stop: (x: readonly number[], y: readonly number[]) => boolean): boolean {
  const named = new Set([...a, ...b].filter((t): t is string => typeof t === 'string'));
  let other = '\u0000';
  while (named.has(other)) other = String.fromCharCode(other.charCodeAt(0) + 1);
  const alphabet = [...named, other];
  const seen = new Set<string>();
  const queue: [number[], number[]][] = [[closure(a, [0]), closure(b, [0])]];
  for (let pair = queue.pop(); pair !== undefined; pair = queue.pop()) {
    const [x, y] = pair;
    const key = `${x.join(',')}|${y.join(',')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (stop(x, y)) return true;
    for (const ch of alphabet) {
      const nx = step(a, x, ch);
      if (nx.length > 0) queue.push([nx, step(b, y, ch)]);
    }
  }
  return false;
}

/** Whether every string `inner` matches is also matched by `outer`. */
export function globCovers(outer: string, inner: string): boolean {
  const o = units(outer);
  const n = units(inner);
  // Look for a string inner accepts and outer does not.
  return !walk(n, o, (x, y) => x.includes(n.length) && !y.includes(o.length));
}

/** Whether some string matches both patterns. */
export function globOverlaps(a: string, b: string): boolean {
  const x = units(a);
  const y = units(b);
  return walk(x, y, (p, q) => p.includes(x.length) && q.includes(y.length));
}

/** Whether `pattern` matches the literal string `text` (its `*` and `?` are plain characters). */
export function globMatches(pattern: string, text: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const t = ignoreCase ? text.toLowerCase() : text;
  const source = [...p].map((ch) => (ch === '*' ? '[\\s\\S]*' : ch === '?' ? '[\\s\\S]' : ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`).test(t);
}

export function hasWildcard(pattern: string): boolean {
  return /[*?]/.test(pattern);
}
