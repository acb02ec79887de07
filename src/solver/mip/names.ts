/**
 * Names that are safe in HiGHS's CPLEX LP reader, derived from any original name.
 *
 * The reader aborts on names it cannot tokenize, and what it cannot tokenize is wider than the
 * CPLEX rules suggest. Measured on highs 1.15: `a:b` (every `libc6:amd64`), `a-b` (`g++-12`),
 * `a+b` (`libstdc++6`), `a/b`, `a^b`, `a*b`, `a<b`, `a=b`, `f[1]`, a leading digit, and
 * keywords (`free`, `inf`, `st`, `bin`, `end`, `max`, `gen`, `semi`, `sos`, ...) are all refused.
 *
 * So an original name is never written. The LP name is a one-letter kind, the position in the
 * model, and a readable hint: `x12_libstdc__6` for variable 12 named `libstdc++6`. The position
 * makes it unique and makes the mapping back exact (it indexes the model's own list of names);
 * the digit after the first letter keeps it clear of every keyword and of exponent syntax; the
 * hint only helps a person reading an exported LP file.
 */

/** What an LP name denotes: a variable (`x`), a constraint row (`c`), or the upper half of a range (`r`). */
export type LpNameKind = 'x' | 'c' | 'r';

const HINT_LENGTH = 40;
const SAFE = /^[xcr](0|[1-9][0-9]*)_[A-Za-z0-9_]*$/;

/** The LP-safe name for the item at `index` of its kind; at most 52 characters. */
export function lpName(kind: LpNameKind, index: number, original: string): string {
  // Slice before replacing: an original name may be long, the hint never is.
  const hint = original.slice(0, HINT_LENGTH).replace(/[^A-Za-z0-9_]/g, '_');
  return `${kind}${index}_${hint}`;
}

/** Whether `name` has the shape `lpName` produces (used by tests and as a guard). */
export function isLpSafeName(name: string): boolean {
  return SAFE.test(name);
}

/** The kind and position encoded in an LP name, or undefined when it is not one of ours. */
export function parseLpName(name: string): { readonly kind: LpNameKind; readonly index: number } | undefined {
  if (!SAFE.test(name)) return undefined;
  const underscore = name.indexOf('_');
  return { kind: name[0] as LpNameKind, index: Number(name.slice(1, underscore)) };
}
