/**
 * Sets of request values for one condition key, by the key's kind — exact, closed under
 * intersection and complement (within "all strings a request could send"), with a witness that,
 * sent as the key's value, the evaluator reads as a member.
 *
 * Each kind partitions request strings the way the evaluator's operators see them:
 * - string: the strings themselves (String*, Arn* operators);
 * - number / date: the parsed double, plus `other` for strings that do not parse (no Numeric or
 *   Date operator matches them positively);
 * - ip: IPv4 and IPv6 addresses, plus `other`;
 * - bool: `true`, `false` (case-insensitive) and `other`; binary: decoded byte strings and `other`.
 */
import { DOUBLES, IntervalSet, bigLine } from './intervals.js';
import { STAR } from '../policy/index.js';
import { StringSet } from './string-set.js';

export type ValueKind = 'string' | 'number' | 'date' | 'ip' | 'bool' | 'binary';

/** A finite or co-finite set of tokens (`include: false` = every token except those listed). */
export interface TokenSet {
  readonly include: boolean;
  readonly tokens: ReadonlySet<string>;
}

export type ValueSet =
  | { readonly kind: 'string'; readonly strings: StringSet }
  | { readonly kind: 'number' | 'date'; readonly numbers: IntervalSet<number>; readonly other: boolean }
  | { readonly kind: 'ip'; readonly v4: IntervalSet<bigint>; readonly v6: IntervalSet<bigint>; readonly other: boolean }
  | { readonly kind: 'bool' | 'binary'; readonly tokens: TokenSet };

export const V4 = bigLine(32);
export const V6 = bigLine(128);
/** The token for strings that are not valid base64 (binary) or not true/false (bool). */
export const OTHER = '\u0000other';

export function allValues(kind: ValueKind): ValueSet {
  switch (kind) {
    case 'string':
      return { kind, strings: StringSet.all('any') };
    case 'number':
    case 'date':
      return { kind, numbers: IntervalSet.all(DOUBLES), other: true };
    case 'ip':
      return { kind, v4: IntervalSet.all(V4), v6: IntervalSet.all(V6), other: true };
    default:
      return { kind, tokens: { include: false, tokens: new Set() } };
  }
}

export function noValues(kind: ValueKind): ValueSet {
  return complementValues(allValues(kind));
}

function tokenOp(a: TokenSet, b: TokenSet, op: 'and' | 'or'): TokenSet {
  const has = (s: TokenSet, t: string) => s.tokens.has(t) === s.include;
  const universe = new Set([...a.tokens, ...b.tokens]);
  const keep = (t: string) => (op === 'and' ? has(a, t) && has(b, t) : has(a, t) || has(b, t));
  // Tokens outside both lists behave like the lists' defaults.
  const outside = op === 'and' ? !a.include && !b.include : !a.include || !b.include;
  return outside ? { include: false, tokens: new Set([...universe].filter((t) => !keep(t))) } : { include: true, tokens: new Set([...universe].filter(keep)) };
}

export function intersectValues(a: ValueSet, b: ValueSet): ValueSet {
  switch (a.kind) {
    case 'string':
      return { kind: a.kind, strings: a.strings.intersect((b as typeof a).strings) };
    case 'number':
    case 'date': {
      const o = b as typeof a;
      return { kind: a.kind, numbers: a.numbers.intersect(o.numbers), other: a.other && o.other };
    }
    case 'ip': {
      const o = b as typeof a;
      return { kind: a.kind, v4: a.v4.intersect(o.v4), v6: a.v6.intersect(o.v6), other: a.other && o.other };
    }
    default:
      return { kind: a.kind, tokens: tokenOp(a.tokens, (b as typeof a).tokens, 'and') };
  }
}

export function unionValues(a: ValueSet, b: ValueSet): ValueSet {
  if (a.kind === 'string' && b.kind === 'string') return { kind: 'string', strings: a.strings.union(b.strings) };
  return complementValues(intersectValues(complementValues(a), complementValues(b)));
}

export function complementValues(a: ValueSet): ValueSet {
  switch (a.kind) {
    case 'string':
      return { kind: a.kind, strings: a.strings.complement() };
    case 'number':
    case 'date':
      return { kind: a.kind, numbers: a.numbers.complement(), other: !a.other };
    case 'ip':
      return { kind: a.kind, v4: a.v4.complement(), v6: a.v6.complement(), other: !a.other };
    default:
      return { kind: a.kind, tokens: { include: !a.tokens.include, tokens: a.tokens.tokens } };
  }
}

export function isEmptyValues(a: ValueSet): boolean {
  switch (a.kind) {
    case 'string':
      return a.strings.isEmpty;
    case 'number':
    case 'date':
      return a.numbers.isEmpty && !a.other;
    case 'ip':
      return a.v4.isEmpty && a.v6.isEmpty && !a.other;
    default:
      return a.tokens.include && a.tokens.tokens.size === 0;
  }
}

export function describeValues(a: ValueSet): string {
  switch (a.kind) {
    case 'string':
      return a.strings.description;
    case 'number':
    case 'date':
      return `${a.numbers.intervals.map((i) => (i.lo === i.hi ? `${i.lo}` : `[${i.lo}, ${i.hi}]`)).join(' ∪ ') || '∅'}${a.other ? ' or not a number' : ''}`;
    case 'ip':
      return `${a.v4.intervals.length} IPv4 and ${a.v6.intervals.length} IPv6 ranges${a.other ? ' or not an address' : ''}`;
    default:
      return `${a.tokens.include ? '' : 'anything but '}${[...a.tokens.tokens].map((t) => (t === OTHER ? 'other' : JSON.stringify(t))).join(', ') || (a.tokens.include ? 'nothing' : 'anything')}`;
  }
}

/** A request value in the set, as the string to send; undefined when the set is empty. */
export function witnessValue(a: ValueSet, marker?: string): string | undefined {
  switch (a.kind) {
    case 'string': {
      // With a marker, prefer a value that holds it: distinct from every other value chosen, so
      // that substituting one key's value for a policy variable cannot make two values equal.
      if (marker !== undefined) {
        const marked = a.strings.intersect(StringSet.glob('any', [STAR, marker, STAR], 'marked')).witness();
        if (marked !== undefined) return marked;
      }
      return a.strings.witness();
    }
    case 'number': {
      // The integer nearest 0 in an interval, when there is one: readable and exact.
      const n = a.numbers.pick((lo, hi) => {
        const i = Math.min(Math.max(0, Math.ceil(lo)), Math.floor(hi));
        return i >= lo && i <= hi && Number.isSafeInteger(i) ? i : undefined;
      });
      return n !== undefined ? String(n === 0 ? 0 : n) : a.other ? 'not-a-number' : undefined;
    }
    case 'date': {
      // The whole second nearest a reference day (2026-01-01) in an interval: a date people read.
      const ms = a.numbers.pick((lo, hi) => {
        const s = Math.min(Math.max(REFERENCE_MS, Math.ceil(lo / 1000) * 1000), Math.floor(hi / 1000) * 1000);
        return s >= lo && s <= hi && s >= 0 && s < MAX_ISO_MS ? s : undefined;
      });
      if (ms !== undefined) return dateText(ms);
      return a.other ? 'not-a-date' : undefined;
    }
    case 'ip': {
      const v4 = a.v4.pick();
      if (v4 !== undefined) return [24n, 16n, 8n, 0n].map((s) => String((v4 >> s) & 255n)).join('.');
      const v6 = a.v6.pick();
      if (v6 !== undefined) return Array.from({ length: 8 }, (_, i) => ((v6 >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');
      return a.other ? 'not-an-address' : undefined;
    }
    case 'bool': {
      const t = pickToken(a.tokens, ['true', 'false', OTHER]);
      return t === undefined ? undefined : t === OTHER ? 'maybe' : t;
    }
    case 'binary': {
      const t = pickToken(a.tokens, [OTHER, ...Array.from({ length: 64 }, (_, i) => String.fromCharCode(i))]);
      return t === undefined ? undefined : t === OTHER ? '!not-base64' : btoa(t);
    }
  }
}

function pickToken(s: TokenSet, candidates: readonly string[]): string | undefined {
  if (s.include) {
    const first = [...s.tokens].sort()[0];
    return first;
  }
  return candidates.find((c) => !s.tokens.has(c));
}

const REFERENCE_MS = Date.UTC(2026, 0, 1);
/** The end of year 9999: ISO 8601 with four-digit years, as the date parser reads them. */
const MAX_ISO_MS = Date.UTC(10000, 0, 1);

/** Whole seconds as ISO 8601 (what AWS sends); others as epoch seconds, which parse exactly. */
function dateText(ms: number): string {
  if (ms % 1000 === 0 && ms >= 0 && ms < MAX_ISO_MS) return new Date(ms).toISOString().replace('.000Z', 'Z');
  return String(ms / 1000);
}
