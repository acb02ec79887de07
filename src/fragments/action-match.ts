/**
 * Whether two IAM action patterns can match a common action — the question a search for `s3:Get*`
 * asks of a fragment granting `s3:*`. Exact, by dynamic programming over the two patterns.
 */

const STAR = 0x2a; // *
const ONE = 0x3f; // ?

/**
 * Do `a` and `b` (`*` any run of characters including `:`, `?` exactly one, case-insensitive)
 * match at least one common string?
 *
 * State (i, j): some string is matched by the first i characters of `a` and the first j of `b`.
 * A `*` may end (skip it) or swallow the next character of the other pattern when that one is not
 * a `*`; two literals advance together when they are equal or either is `?`. A common string never
 * needs both stars to swallow the same character (dropping it leaves a common string), so these
 * moves reach (|a|, |b|) exactly when the patterns intersect. O(|a|·|b|) time, O(|b|) space.
 */
export function actionPatternsIntersect(a: string, b: string): boolean {
  const p = a.toLowerCase();
  const q = b.toLowerCase();
  if (!hasWildcard(p) && !hasWildcard(q)) return p === q;
  const n = p.length;
  const m = q.length;
  let row = new Uint8Array(m + 1); // reachable states (i, ·)
  let next = new Uint8Array(m + 1); // reachable states (i + 1, ·)
  row[0] = 1;
  for (let i = 0; ; i++) {
    const pc = i < n ? p.charCodeAt(i) : -1;
    let any = false;
    for (let j = 0; j <= m; j++) {
      if (row[j] === 0) continue;
      any = true;
      const qc = j < m ? q.charCodeAt(j) : -1;
      if (pc === STAR) {
        next[j] = 1; // the star ends
        if (qc !== -1 && qc !== STAR) row[j + 1] = 1; // the star swallows q's next character
      }
      if (qc === STAR) {
        row[j + 1] = 1;
        if (pc !== -1 && pc !== STAR) next[j] = 1;
      }
      if (pc !== -1 && qc !== -1 && pc !== STAR && qc !== STAR && (pc === qc || pc === ONE || qc === ONE)) next[j + 1] = 1;
    }
    if (i === n) return row[m] === 1;
    if (!any) return false;
    [row, next] = [next, row];
    next.fill(0);
  }
}

function hasWildcard(s: string): boolean {
  return s.includes('*') || s.includes('?');
}
