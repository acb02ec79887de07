/**
 * Sets of strings as minimal DFAs (refa), closed under intersection and complement, with exact
 * emptiness and a witness. Built from IAM wildcard patterns (`*`, `?`, and the ARN form where a
 * wildcard stays inside its colon-delimited field).
 *
 * Every set lives in a *domain*: all UTF-16 strings, or, for actions (which IAM lower-cases before
 * matching), the strings that lower-casing leaves unchanged. Complements are taken within the
 * domain, so a witness is always a string the evaluator would treat exactly as the set says.
 */
import { CharSet, DFA, NFA, type Char } from 'refa';
import { ONE, STAR, normalizeTokens, type GlobToken } from '../policy/index.js';
import { EMPTY_SIMPLE, simpleHas, simpleIntersect, simpleIsEmpty, simpleMinus, simpleSet, simpleUnion, type SimpleSet } from './simple-set.js';

const MAX: Char = 0xffff;
const ANY = CharSet.all(MAX);
const NOT_COLON = ANY.without({ min: 58, max: 58 });
const EMPTY = DFA.empty({ maxCharacter: MAX });

/** `any`: every UTF-16 string; `lower`: strings without ASCII capitals (actions, see below). */
export type Domain = 'any' | 'lower';

/**
 * A character that stands for "any string, colons included" inside pattern text (how the
 * over-approximation of a policy variable reaches the automaton builders).
 */
export const ANY_STRING = '\uf8ff';

/**
 * The action domain: strings without ASCII capitals. IAM lower-cases actions before matching;
 * excluding only A–Z keeps the character sets small (Unicode alternates upper and lower case, and
 * the exact set of case-fixed characters has thousands of ranges). The domain is a superset of the
 * lower-cased strings, so `contained` stays sound; witnesses are ASCII and replay exactly.
 */
const NO_ASCII_CAPITALS = ANY.without({ min: 0x41, max: 0x5a });

function domainChars(domain: Domain): CharSet {
  return domain === 'any' ? ANY : NO_ASCII_CAPITALS;
}

/** One position of a pattern: a character class, or a class repeated any number of times. */
type Unit = { readonly chars: CharSet; readonly star: boolean };

/** The DFA of a union of unit sequences (one alternative each), determinized and minimized once. */
function toDfa(...alternatives: readonly (readonly Unit[])[]): DFA {
  const concat = (units: readonly Unit[]) => ({
    type: 'Concatenation' as const,
    elements: units.map((u) =>
      u.star
        ? { type: 'Quantifier' as const, lazy: false, min: 0, max: Infinity, alternatives: [{ type: 'Concatenation' as const, elements: [{ type: 'CharacterClass' as const, characters: u.chars }] }] }
        : { type: 'CharacterClass' as const, characters: u.chars },
    ),
  });
  if (alternatives.length === 0) return EMPTY;
  const dfa = DFA.fromFA(NFA.fromRegex(alternatives.map(concat), { maxCharacter: MAX }));
  dfa.minimize();
  return dfa;
}

export class StringSet {
  private constructor(
    readonly domain: Domain,
    /** Built on first use for simple sets (most sets in real policies never need one). */
    private automaton: DFA | undefined,
    /** A short description of how the set was built, for explanations. */
    readonly description: string,
    /**
     * The set as exact strings and prefixes (simple-set.ts), when it is one: a list of actions,
     * `s3:get*`, `arn:aws:s3:::acme-*`, the values of StringEquals. Intersection, difference and
     * membership then work on the lists instead of product automata, which is most of what a
     * containment search does. Members are within the domain (`has` checks it).
     */
    private readonly simple?: SimpleSet,
    /** With `simple`: the set is the domain *minus* `simple` (StringNotEquals, NotResource, ...). */
    private readonly negated = false,
  ) {}

  private get dfa(): DFA {
    if (this.automaton === undefined) {
      const d = domainChars(this.domain);
      const s = this.simple ?? EMPTY_SIMPLE;
      const exact = (text: string): Unit[] => codeUnits(text).map((ch) => ({ chars: charClass(ch, d), star: false }));
      const positive = toDfa(...s.literals.map(exact), ...s.prefixes.map((p) => [...exact(p), { chars: d, star: true }]));
      this.automaton = this.negated ? complementWithin(positive, this.domain) : positive;
    }
    return this.automaton;
  }

  /** The positive simple set, when this set is one (not negated). */
  private get plain(): SimpleSet | undefined {
    return this.negated ? undefined : this.simple;
  }

  /** The excluded simple set, when this set is the domain minus one. */
  private get excluded(): SimpleSet | undefined {
    return this.negated ? this.simple : undefined;
  }

  private static negatedSimple(domain: Domain, excluded: SimpleSet, description: string): StringSet {
    const inside = domain === 'any' ? excluded : simpleSet(excluded.literals.filter((v) => inDomain(domain, v)), excluded.prefixes.filter((p) => inDomain(domain, p)));
    if (simpleIsEmpty(inside)) return StringSet.all(domain);
    if (inside.prefixes[0] === '') return StringSet.none(domain);
    return new StringSet(domain, undefined, description, inside, true);
  }

  private static simple(domain: Domain, set: SimpleSet, description: string): StringSet {
    const inside = domain === 'any' ? set : simpleSet(set.literals.filter((v) => inDomain(domain, v)), set.prefixes.filter((p) => inDomain(domain, p)));
    if (simpleIsEmpty(inside)) return new StringSet(domain, undefined, 'nothing', EMPTY_SIMPLE);
    return new StringSet(domain, undefined, inside.prefixes[0] === '' ? 'anything' : description, inside);
  }

  static all(domain: Domain): StringSet {
    return new StringSet(domain, domainDfa(domain), 'anything', simpleSet([], ['']));
  }

  static none(domain: Domain): StringSet {
    return new StringSet(domain, undefined, 'nothing', EMPTY_SIMPLE);
  }

  /** Exactly these strings (those outside the domain are left out). */
  static literals(domain: Domain, values: Iterable<string>, description: string): StringSet {
    return StringSet.simple(domain, simpleSet(values, []), description);
  }

  /** The strings a glob matches (`*` any run, `?` one character), within the domain. */
  static glob(domain: Domain, tokens: readonly GlobToken[], description: string): StringSet {
    return StringSet.anyGlob(domain, [tokens], description);
  }

  /** The union of several globs (an Action list), built as one automaton. */
  static anyGlob(domain: Domain, patterns: readonly (readonly GlobToken[])[], description: string): StringSet {
    const simple = patterns.map((p) => simplePattern(normalizeTokens(p), 0));
    if (simple.every((x) => x !== undefined)) return StringSet.simple(domain, simpleUnionAll(simple as SimpleSet[]), description);
    return new StringSet(domain, toDfa(...patterns.map((p) => globUnits(domain, p))), description);
  }

  /**
   * An ARN pattern matched field by field: in the first five fields `*` and `?` never match a
   * colon; in the resource field they match anything. Patterns with fewer than six fields match
   * nothing (the compiler rejects them; this keeps the set exact for valid policies).
   */
  static arn(tokens: readonly GlobToken[], description: string): StringSet {
    return StringSet.anyArn([tokens], description);
  }

  /** The union of several ARN patterns (a Resource list); `*` alone matches every string. */
  static anyArn(patterns: readonly (readonly GlobToken[])[], description: string): StringSet {
    const normalized = patterns.map((p) => normalizeTokens(p));
    if (normalized.some((t) => t.length === 1 && t[0] === STAR)) return StringSet.all('any');
    // A trailing `*` is a prefix only in the resource field (after the fifth colon).
    const simple = normalized.map((t) => simplePattern(t, 5));
    if (simple.every((x) => x !== undefined)) return StringSet.simple('any', simpleUnionAll(simple as SimpleSet[]), description);
    const alternatives = normalized.map(arnUnits).filter((u): u is Unit[] => u !== undefined);
    return alternatives.length === 0 ? StringSet.none('any') : new StringSet('any', toDfa(...alternatives), description);
  }

  /** The strings whose lower-case form equals `value`'s (StringEqualsIgnoreCase). */
  static ignoreCase(value: string, description: string): StringSet {
    const lower = value.toLowerCase();
    const units: Unit[] = [];
    for (const ch of codeUnits(lower)) units.push({ chars: foldClass(ch), star: false });
    return new StringSet('any', toDfa(units), description);
  }

  static literal(domain: Domain, value: string): StringSet {
    return StringSet.literals(domain, [value], JSON.stringify(value));
  }

  private readonly intersections = new Map<StringSet, StringSet>();

  intersect(other: StringSet): StringSet {
    if (this === other || other.description === 'anything') return this;
    if (this.description === 'anything') return other;
    const description = `${this.description} and ${other.description}`;
    const [a, b, na, nb] = [this.plain, other.plain, this.excluded, other.excluded];
    if (a !== undefined && b !== undefined) return this.derived(simpleIntersect(a, b), description);
    if (na !== undefined && nb !== undefined) return StringSet.negatedSimple(this.domain, simpleUnion(na, nb), description);
    if (a !== undefined && nb !== undefined) {
      const d = simpleMinus(a, nb);
      if (d !== undefined) return this.derived(d, description);
    }
    if (na !== undefined && b !== undefined) return other.intersect(this);
    // Exact strings against an automaton: keep those it accepts.
    if (a?.prefixes.length === 0) return this.derived(simpleSet(a.literals.filter((m) => other.has(m)), []), description);
    if (b?.prefixes.length === 0) return other.intersect(this);
    // The search intersects the same sets again and again: remember each result, both ways.
    let r = this.intersections.get(other);
    if (r === undefined) {
      const dfa = DFA.fromIntersection(this.dfa, other.dfa);
      if (dfa.isEmpty) r = StringSet.none(this.domain);
      else {
        dfa.minimize();
        r = new StringSet(this.domain, dfa, `${this.description} and ${other.description}`);
      }
      this.intersections.set(other, r);
      other.intersections.set(this, r);
    }
    return r;
  }

  /** `this ∩ ¬other`, without building the complement when both are simple or this is finite. */
  minus(other: StringSet): StringSet {
    if (other.description === 'nothing') return this;
    const description = `${this.description} and not (${other.description})`;
    const [a, b] = [this.plain, other.plain];
    if (a !== undefined && b !== undefined) {
      const d = simpleMinus(a, b);
      if (d !== undefined) return this.derived(d, description);
    }
    if (a?.prefixes.length === 0) return this.derived(simpleSet(a.literals.filter((m) => !other.has(m)), []), description);
    // Negated sets complement without automata (see complement()).
    return this.intersect(other.complement());
  }

  /** The union (simple with simple stays simple). */
  union(other: StringSet): StringSet {
    if (this.description === 'nothing') return other;
    if (other.description === 'nothing') return this;
    const description = `${this.description} or ${other.description}`;
    if (this.plain !== undefined && other.plain !== undefined) return StringSet.simple(this.domain, simpleUnion(this.plain, other.plain), description);
    if (this.excluded !== undefined && other.excluded !== undefined) return StringSet.negatedSimple(this.domain, simpleIntersect(this.excluded, other.excluded), description);
    const nfa = NFA.fromFA(this.dfa);
    nfa.union(other.dfa);
    const dfa = DFA.fromFA(nfa);
    dfa.minimize();
    return new StringSet(this.domain, dfa, description);
  }

  /** A simple set derived from this one: the same object when nothing changed. */
  private derived(set: SimpleSet, description: string): StringSet {
    const same = this.simple !== undefined && !this.negated && set.literals.length === this.simple.literals.length && set.prefixes.length === this.simple.prefixes.length && set.literals.every((l, i) => l === this.simple?.literals[i]) && set.prefixes.every((p, i) => p === this.simple?.prefixes[i]);
    if (same) return this;
    return StringSet.simple(this.domain, set, description);
  }

  private complementCache?: StringSet;

  complement(): StringSet {
    if (this.complementCache !== undefined) return this.complementCache;
    const description = this.description === 'anything' ? 'nothing' : this.description === 'nothing' ? 'anything' : `not (${this.description})`;
    let c: StringSet;
    if (this.plain !== undefined) c = StringSet.negatedSimple(this.domain, this.plain, description);
    else if (this.excluded !== undefined) c = StringSet.simple(this.domain, this.excluded, description);
    else c = new StringSet(this.domain, complementWithin(this.dfa, this.domain), description);
    c.complementCache = this;
    this.complementCache = c;
    return c;
  }

  get isEmpty(): boolean {
    // The domain minus a simple set is empty only when that set has the empty prefix (excluded
    // at construction): each domain is infinite and a simple set leaves most first characters out.
    if (this.simple !== undefined) return this.negated ? false : simpleIsEmpty(this.simple);
    return this.dfa.isEmpty;
  }

  get isAll(): boolean {
    if (this.description === 'anything') return true;
    // A simple set is all only with the empty prefix (each domain is infinite, so literals never are).
    if (this.simple !== undefined) return this.negated ? simpleIsEmpty(this.simple) : this.simple.prefixes[0] === '';
    return this.complement().isEmpty;
  }

  has(value: string): boolean {
    if (this.simple !== undefined) return inDomain(this.domain, value) && simpleHas(this.simple, value) !== this.negated;
    return this.dfa.test(codeUnits(value).map((c) => c.charCodeAt(0)));
  }

  /** A member, preferring the given candidates (e.g. real action names) and short, readable strings. */
  witness(preferred: Iterable<string> = []): string | undefined {
    for (const p of preferred) if (this.has(p)) return p;
    if (this.plain !== undefined && this.plain.prefixes.length === 0) return this.plain.literals.find((m) => READABLE.test(m)) ?? this.plain.literals[0];
    if (this.excluded !== undefined) {
      const short = SHORT_WITNESSES.find((w) => this.has(w));
      if (short !== undefined) return short;
    }
    const nice = DFA.fromIntersection(this.dfa, readableDfa(this.domain));
    const source = nice.isEmpty ? this.dfa : nice;
    for (const word of source.words()) return String.fromCharCode(...word);
    return undefined;
  }
}

const READABLE = /^[\x21-\x7e]+$/;
/** Readable strings tried first as members of "anything but these" sets. */
const SHORT_WITNESSES = ['x', 'y', 'z', 'other', 'q1', 'q2', 'q3'];

/** The complement of an automaton within a domain. */
function complementWithin(dfa: DFA, domain: Domain): DFA {
  const c = dfa.copy();
  c.complement();
  // The complement over all UTF-16 strings, cut back to the domain.
  const within = DFA.fromIntersection(c, domainDfa(domain));
  within.minimize();
  return within;
}

/**
 * A pattern as a simple set when it is one: no wildcard (one exact string), or a single `*` at
 * the end after at least `minColons` colons (a prefix). Undefined otherwise.
 */
function simplePattern(tokens: readonly GlobToken[], minColons: number): SimpleSet | undefined {
  const last = tokens.length - 1;
  let text = '';
  for (let i = 0; i <= last; i++) {
    const t = tokens[i] as GlobToken;
    if (t === STAR && i === last) {
      return colonsIn(text) >= minColons ? simpleSet([], [text]) : undefined;
    }
    if (t === STAR || t === ONE || t.includes(ANY_STRING)) return undefined;
    text += t;
  }
  // An exact ARN needs its six fields; anything shorter matches nothing.
  return colonsIn(text) >= minColons ? simpleSet([text], []) : EMPTY_SIMPLE;
}

function colonsIn(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 58) n++;
  return n;
}

function simpleUnionAll(sets: readonly SimpleSet[]): SimpleSet {
  return simpleSet(sets.flatMap((s) => s.literals), sets.flatMap((s) => s.prefixes));
}

/**
 * The UTF-16 code units of a string, one string each: automata run over code units (what IAM's
 * string comparisons see), so a character outside the BMP is its two surrogates.
 */
function codeUnits(s: string): string[] {
  return s.split('');
}

function inDomain(domain: Domain, value: string): boolean {
  return domain === 'any' || !/[A-Z]/.test(value);
}


function globUnits(domain: Domain, tokens: readonly GlobToken[]): Unit[] {
  const d = domainChars(domain);
  const units: Unit[] = [];
  for (const t of normalizeTokens(tokens)) {
    if (t === STAR) units.push({ chars: d, star: true });
    else if (t === ONE) units.push({ chars: d, star: false });
    else for (const ch of codeUnits(t)) units.push(ch === ANY_STRING ? { chars: d, star: true } : { chars: charClass(ch, d), star: false });
  }
  return units;
}

/** Units of an ARN pattern (wildcards in the first five fields stay inside them); undefined with fewer than six fields. */
function arnUnits(tokens: readonly GlobToken[]): Unit[] | undefined {
  const units: Unit[] = [];
  let colons = 0;
  // After "any string" in a head field the field boundaries are unknown: wildcards match anything.
  let loose = false;
  for (const t of tokens) {
    const wild = colons < 5 && !loose ? NOT_COLON : ANY;
    if (t === STAR) units.push({ chars: wild, star: true });
    else if (t === ONE) units.push({ chars: wild, star: false });
    else {
      for (const ch of codeUnits(t)) {
        if (ch === ANY_STRING) {
          units.push({ chars: ANY, star: true });
          if (colons < 5) loose = true;
          continue;
        }
        units.push({ chars: CharSet.fromCharacter(MAX, ch.charCodeAt(0)), star: false });
        if (ch === ':' && colons < 5) colons++;
      }
    }
  }
  return colons < 5 ? undefined : units;
}

/** Every string of a domain (shared, never mutated). */
const domainDfas = new Map<Domain, DFA>();
function domainDfa(domain: Domain): DFA {
  let dfa = domainDfas.get(domain);
  if (dfa === undefined) {
    dfa = toDfa([{ chars: domainChars(domain), star: true }]);
    domainDfas.set(domain, dfa);
  }
  return dfa;
}

/** Printable ASCII (without uppercase in the lower domain): witnesses people can read. */
const readableDfas = new Map<Domain, DFA>();
function readableDfa(domain: Domain): DFA {
  let dfa = readableDfas.get(domain);
  if (dfa === undefined) {
    let chars = CharSet.empty(MAX).union([{ min: 0x21, max: 0x7e }]);
    if (domain === 'lower') chars = chars.without({ min: 0x41, max: 0x5a });
    // At least one character: an empty action or resource is legal but reads as a mistake.
    dfa = toDfa([{ chars, star: false }, { chars, star: true }]);
    readableDfas.set(domain, dfa);
  }
  return dfa;
}

function charClass(ch: string, domain: CharSet): CharSet {
  const c = CharSet.fromCharacter(MAX, ch.charCodeAt(0));
  return c.intersect(domain).isEmpty ? c : c.intersect(domain);
}

/** Every code unit whose lower-case form is `lower` (one unit to one unit). */
function foldClass(lower: string): CharSet {
  const units: number[] = [];
  for (const u of foldTable().get(lower) ?? []) units.push(u);
  if (units.length === 0) units.push(lower.charCodeAt(0));
  units.sort((a, b) => a - b);
  return CharSet.fromCharacters(MAX, [...new Set(units)]);
}

let folds: Map<string, number[]> | undefined;
function foldTable(): Map<string, number[]> {
  if (folds !== undefined) return folds;
  folds = new Map();
  for (let u = 0; u <= MAX; u++) {
    const l = String.fromCharCode(u).toLowerCase();
    if (l.length !== 1) continue;
    const list = folds.get(l);
    if (list === undefined) folds.set(l, [u]);
    else list.push(u);
  }
  return folds;
}
