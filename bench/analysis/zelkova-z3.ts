/**
 * A Zelkova-style peer for Tessera's containment analyzer, for the analysis benchmark: IAM
 * identity policies encoded as one SMT formula over strings, regular expressions, reals and
 * bit-vectors, solved by Z3 (z3-solver, MIT, WebAssembly). Written from the IAM semantics of
 * docs/semantics.md, independently of src/policy-analysis; only Tessera's request *type* is used.
 *
 * "candidate ⊆ within" is unsat(candidate allows r ∧ within does not allow r) over a symbolic
 * request r: an action string, a resource string, and per condition key a presence Bool and a
 * value. A model is a counterexample request.
 *
 * The encoding covers the IAM subset of bench/analysis/pairs.ts and a little more; anything else
 * (Principal, NotAction, set operators, policy variables, IPv6 ranges, a key read as two types)
 * is answered `unknown` with the reason, never guessed. How keys and malformed values are
 * modelled: see `declareKey` and bench/README.md ("analysis").
 */
import { init, killThreads } from 'z3-solver';
import type { Arith, BitVec, Bool, Context, Model, RatNum, Re, Seq } from 'z3-solver';
import type { AuthorizationRequest } from '../../src/policy/index.js';
import type { PolicyDocument, Statement } from './pairs.js';

export interface Z3Verdict {
  verdict: 'contained' | 'not-contained' | 'unknown';
  counterexample?: AuthorizationRequest;
  reason?: string;
}

export interface Z3Checker {
  contains(candidate: PolicyDocument, within: PolicyDocument): Promise<Z3Verdict>;
  close(): Promise<void>;
}

type Z3 = Context<'main'>;
type Api = Awaited<ReturnType<typeof init>>;

/**
 * Counterexamples come from a caller whose ARN yields none of the keys Tessera derives from the
 * principal (aws:PrincipalArn, aws:username, ...), so a key the model leaves missing is missing;
 * its account is unknown, so the request is never cross-account.
 */
const COUNTEREXAMPLE_PRINCIPAL = 'tessera-z3-caller';

/** Keys the request always carries: modelled as present (AWS derives them for every request). */
const ALWAYS_PRESENT = new Set(['aws:resourceaccount']);

/** What a malformed value of a typed key is written as in a counterexample (Tessera reads none). */
const MALFORMED = { bool: 'not-a-boolean', number: 'not-a-number', ip: 'not-an-ip' } as const;

/** A policy the encoding does not model: the check answers `unknown` with this reason. */
class Unsupported extends Error {}

// ---------------------------------------------------------------------------------------------
// Wildcard patterns.
// ---------------------------------------------------------------------------------------------

type GlobPart = { readonly lit: string } | 'star' | 'one';

/** `*` and `?` as wildcards, maximal literal runs between them. */
function globParts(pattern: string): GlobPart[] {
  const out: GlobPart[] = [];
  let lit = '';
  for (const ch of pattern) {
    if (ch !== '*' && ch !== '?') {
      lit += ch;
      continue;
    }
    if (lit !== '') out.push({ lit });
    lit = '';
    out.push(ch === '*' ? 'star' : 'one');
  }
  if (lit !== '') out.push({ lit });
  return out;
}

/**
 * An ARN pattern's six fields (split at the first five literal colons; the last keeps the rest),
 * or undefined when it has fewer or its first field is not literally `arn`: then it is matched as
 * a plain wildcard pattern, as Tessera does (such a Resource does not pass validation anyway).
 */
function arnFields(parts: readonly GlobPart[]): GlobPart[][] | undefined {
  const fields: GlobPart[][] = [[]];
  const current = () => fields[fields.length - 1] as GlobPart[];
  for (const part of parts) {
    if (typeof part === 'string' || fields.length === 6) {
      current().push(part);
      continue;
    }
    let rest = part.lit;
    for (let colon = rest.indexOf(':'); colon >= 0 && fields.length < 6; colon = rest.indexOf(':')) {
      if (colon > 0) current().push({ lit: rest.slice(0, colon) });
      fields.push([]);
      rest = rest.slice(colon + 1);
    }
    if (rest !== '') current().push({ lit: rest });
  }
  const first = fields[0]?.[0];
  if (fields.length < 6 || fields[0]?.length !== 1 || typeof first !== 'object' || first.lit !== 'arn') return undefined;
  return fields;
}

// ---------------------------------------------------------------------------------------------
// Strings and regular expressions in Z3.
// ---------------------------------------------------------------------------------------------

/** Z3 runs with `encoding=bmp`: a Z3 character is one UTF-16 code unit, exactly as in JS strings. */
const MAX_CODE_UNIT = 0xffff;

interface CodeRange {
  readonly lo: number;
  readonly hi: number;
}

/** Literal and regex builders over one Z3 context. */
class Regexes {
  readonly anyChar: Re<'main'>;
  readonly anyString: Re<'main'>;
  readonly notColon: Re<'main'>;

  constructor(private readonly z: Z3) {
    const sort = z.Re.sort(z.String.sort());
    this.anyChar = z.AllChar(sort);
    this.anyString = z.Full(sort);
    this.notColon = this.chars([{ lo: 0, hi: 0x39 }, { lo: 0x3b, hi: MAX_CODE_UNIT }]);
  }

  /**
   * A string constant. Z3 reads `\u{…}` escapes in string literals, so every code unit outside
   * printable ASCII, and the backslash itself, is written as one: the literal is exactly `text`.
   */
  lit(text: string): Seq<'main'> {
    let escaped = '';
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      escaped += c >= 0x20 && c <= 0x7e && c !== 0x5c ? text[i] : `\\u{${c.toString(16)}}`;
    }
    return this.z.String.val(escaped);
  }

  chars(ranges: readonly CodeRange[]): Re<'main'> {
    const res = ranges.map((r) => this.z.Range(this.lit(String.fromCharCode(r.lo)), this.lit(String.fromCharCode(r.hi))));
    return res.length === 1 ? (res[0] as Re<'main'>) : this.z.Union(...res);
  }

  /** A wildcard pattern, with what `*` and `?` stand for. */
  glob(parts: readonly GlobPart[], star: Re<'main'>, one: Re<'main'>): Re<'main'> {
    const res = parts.map((p) => (p === 'star' ? star : p === 'one' ? one : this.z.Re.toRe(this.lit(p.lit))));
    if (res.length === 0) return this.z.Re.toRe(this.lit(''));
    return res.length === 1 ? (res[0] as Re<'main'>) : this.z.ReConcat(...res);
  }
}

/**
 * `s` matches the wildcard pattern. The common shapes become string equality, prefix and suffix
 * constraints, which Z3's sequence solver handles without regular-expression derivatives.
 */
function matchesGlob(z: Z3, rx: Regexes, s: Seq<'main'>, parts: readonly GlobPart[], star: Re<'main'>, one: Re<'main'>): Bool<'main'> {
  const [a, b] = parts;
  const anyStar = star === rx.anyString;
  if (parts.length === 0) return s.eq(rx.lit(''));
  if (parts.length === 1 && typeof a === 'object') return s.eq(rx.lit(a.lit));
  if (anyStar && parts.length === 1 && a === 'star') return z.Bool.val(true);
  if (anyStar && parts.length === 2 && typeof a === 'object' && b === 'star') return rx.lit(a.lit).prefixOf(s);
  if (anyStar && parts.length === 2 && a === 'star' && typeof b === 'object') return rx.lit(b.lit).suffixOf(s);
  return z.InRe(s, rx.glob(parts, star, one));
}

// ---------------------------------------------------------------------------------------------
// Policy values of typed operators, parsed as Tessera parses them.
// ---------------------------------------------------------------------------------------------

/** Bool and Null policy values: `true`/`false`, any case; anything else is an invalid policy. */
function parseBoolValue(v: string): boolean {
  const s = v.toLowerCase();
  if (s !== 'true' && s !== 'false') throw new Unsupported(`invalid policy: \`${v}\` is not true or false`);
  return s === 'true';
}

/** Tessera's number syntax (JS `\d` is ASCII), after trimming; Number() then reads it. */
const NUMBER_SYNTAX = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** A Numeric policy value as Tessera reads it: a finite double. */
function parseThreshold(raw: string): number {
  const s = raw.trim();
  const n = NUMBER_SYNTAX.test(s) ? Number(s) : Number.NaN;
  if (!Number.isFinite(n)) throw new Unsupported(`invalid policy: \`${raw}\` is not a number`);
  return n === 0 ? 0 : n; // -0 and 0 compare equal
}

interface Ipv4Range {
  /** The network address and mask as 32-bit unsigned integers. */
  readonly network: number;
  readonly mask: number;
}

const OCTET = /^(0|[1-9]\d{0,2})$/;

/** `a.b.c.d` or `a.b.c.d/n` (canonical dotted quad, spaces trimmed); IPv6 ranges are not modelled. */
function parseIpv4Range(raw: string): Ipv4Range {
  const s = raw.trim();
  const slash = s.indexOf('/');
  const address = (slash < 0 ? s : s.slice(0, slash)).trim();
  const octets = address.split('.');
  if (address.includes(':')) throw new Unsupported(`IPv6 range \`${raw}\`: only IPv4 ranges are modelled`);
  const prefixText = slash < 0 ? '32' : s.slice(slash + 1);
  if (octets.length !== 4 || !octets.every((o) => OCTET.test(o) && Number(o) <= 255) || !/^\d{1,3}$/.test(prefixText) || Number(prefixText) > 32) {
    throw new Unsupported(`invalid policy: \`${raw}\` is not an IP range`);
  }
  const prefix = Number(prefixText);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const value = octets.reduce((acc, o) => acc * 256 + Number(o), 0);
  return { network: (value & mask) >>> 0, mask };
}

// ---------------------------------------------------------------------------------------------
// Doubles as exact rationals (Tessera compares numbers as doubles).
// ---------------------------------------------------------------------------------------------

interface Rational {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

/** The exact value of a finite double. */
function rationalOf(x: number): Rational {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  const signed = bits >> 63n === 1n ? -mantissa : mantissa;
  return exponent >= 0 ? { numerator: signed << BigInt(exponent), denominator: 1n } : { numerator: signed, denominator: 1n << BigInt(-exponent) };
}

/** Sign of a − b for a rational and a double. */
function compareWith(a: Rational, b: number): number {
  const r = rationalOf(b);
  const d = a.numerator * r.denominator - r.numerator * a.denominator;
  return (d > 0n ? 1 : d < 0n ? -1 : 0) * (a.denominator < 0n ? -1 : 1);
}

/** The neighbouring double of a finite x, upwards (1) or downwards (-1). */
function nextDouble(x: number, direction: 1 | -1): number {
  if (x === 0) return direction * Number.MIN_VALUE;
  const bits = new BigInt64Array(new Float64Array([x]).buffer);
  // Away from zero is one more in the magnitude's bit pattern, towards zero one less.
  bits[0] = (bits[0] as bigint) + ((x > 0) === (direction > 0) ? 1n : -1n);
  return new Float64Array(bits.buffer)[0] as number;
}

/**
 * A double Tessera reads exactly as the real `r` compares with the thresholds: `r` itself when
 * it is one, else a readable double strictly between the same two thresholds. The encoding
 * excludes real intervals that hold no double, so there always is one.
 */
function doubleLike(r: Rational, thresholds: readonly number[]): number {
  const equal = thresholds.find((t) => compareWith(r, t) === 0);
  if (equal !== undefined) return equal;
  const lo = Math.max(-Infinity, ...thresholds.filter((t) => compareWith(r, t) > 0));
  const hi = Math.min(Infinity, ...thresholds.filter((t) => compareWith(r, t) < 0));
  const near = Number(r.numerator) / Number(r.denominator);
  const candidates = [near, lo / 2 + hi / 2, lo + Math.max(1, Math.abs(lo)), hi - Math.max(1, Math.abs(hi)), nextDouble(Number.isFinite(lo) ? lo : hi, Number.isFinite(lo) ? 1 : -1)];
  const found = candidates.find((x) => Number.isFinite(x) && x > lo && x < hi);
  if (found === undefined) throw new Error(`internal: no double between ${lo} and ${hi}`);
  return found;
}

// ---------------------------------------------------------------------------------------------
// Condition operators and keys.
// ---------------------------------------------------------------------------------------------

/** How a key's value is modelled, by the operators that read it. */
type KeyKind = 'string' | 'bool' | 'number' | 'ip';

/** The condition operators modelled, by base name (after `IfExists` is removed); Null reads no value. */
const OPERATORS: Readonly<Record<string, { readonly kind: KeyKind | 'null'; readonly negated: boolean }>> = {
  StringEquals: { kind: 'string', negated: false },
  StringNotEquals: { kind: 'string', negated: true },
  StringLike: { kind: 'string', negated: false },
  StringNotLike: { kind: 'string', negated: true },
  Bool: { kind: 'bool', negated: false },
  NumericEquals: { kind: 'number', negated: false },
  NumericNotEquals: { kind: 'number', negated: true },
  NumericLessThan: { kind: 'number', negated: false },
  NumericLessThanEquals: { kind: 'number', negated: false },
  NumericGreaterThan: { kind: 'number', negated: false },
  NumericGreaterThanEquals: { kind: 'number', negated: false },
  IpAddress: { kind: 'ip', negated: false },
  NotIpAddress: { kind: 'ip', negated: true },
  Null: { kind: 'null', negated: false },
};

interface Clause {
  readonly base: string;
  readonly kind: KeyKind | 'null';
  readonly negated: boolean;
  readonly ifExists: boolean;
  readonly key: string;
  readonly values: readonly string[];
}

function parseClause(operator: string, key: string, values: readonly string[]): Clause {
  if (operator.startsWith('ForAllValues:') || operator.startsWith('ForAnyValue:')) throw new Unsupported(`set operator \`${operator}\`: the workload's keys are single-valued`);
  const ifExists = operator.endsWith('IfExists') && operator !== 'IfExists';
  const base = ifExists ? operator.slice(0, -'IfExists'.length) : operator;
  const op = OPERATORS[base];
  if (op === undefined) throw new Unsupported(`condition operator \`${operator}\` is not modelled`);
  if (op.kind === 'null' && ifExists) throw new Unsupported(`invalid policy: \`${operator}\` (Null takes no IfExists)`);
  return { base, ifExists, key, values, ...op };
}

function clausesOf(s: Statement): Clause[] {
  return Object.entries(s.Condition ?? {}).flatMap(([op, keys]) => Object.entries(keys).map(([key, values]) => parseClause(op, key, values)));
}

/** Rejects what the encoding does not model (the type allows only the subset; the JSON may not). */
function checkModelled(doc: PolicyDocument): void {
  for (const s of doc.Statement) {
    for (const element of ['NotAction', 'NotResource', 'Principal', 'NotPrincipal']) {
      if (element in s) throw new Unsupported(`statement ${s.Sid} has ${element}, which is not modelled`);
    }
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw new Unsupported(`invalid policy: statement ${s.Sid} has Effect ${String(s.Effect)}`);
    const variableText = [...s.Resource, ...clausesOf(s).flatMap((c) => (c.kind === 'string' ? c.values : []))];
    if (doc.Version === '2012-10-17' && variableText.some((v) => v.includes('${'))) throw new Unsupported(`statement ${s.Sid} uses policy variables, which are not modelled`);
  }
}

/**
 * One condition key of the request. A key read by String operators is a String. A key read only
 * by one typed family is its typed view, as Tessera parses request values: well formed or not,
 * and the parsed value. Its string is then one written from the model (a canonical form, or a
 * malformed representative): the evaluator reads such a key only through that view, so every
 * request has a representative of this shape, and nothing is lost.
 */
type KeyVar = { readonly spelled: string; readonly present: Bool<'main'> } & (
  | { readonly kind: 'string'; readonly value: Seq<'main'> }
  | { readonly kind: 'bool'; readonly wellFormed: Bool<'main'>; readonly truth: Bool<'main'> }
  | { readonly kind: 'number'; readonly wellFormed: Bool<'main'>; readonly value: Arith<'main'>; readonly thresholds: readonly number[] }
  | { readonly kind: 'ip'; readonly wellFormed: Bool<'main'>; readonly address: BitVec<32, 'main'> }
);

// ---------------------------------------------------------------------------------------------
// The encoding of one containment question.
// ---------------------------------------------------------------------------------------------

/** Printable ASCII without upper case: the action alphabet (see `Encoder.actionDomain`). */
const ACTION_ALPHABET: readonly CodeRange[] = [
  { lo: 0x20, hi: 0x40 },
  { lo: 0x5b, hi: 0x7e },
];

class Encoder {
  readonly action: Seq<'main'>;
  readonly resource: Seq<'main'>;
  readonly keys = new Map<string, KeyVar>();
  /** Constraints on the request space (alphabets, well-formed numbers, always-present keys). */
  readonly domain: Bool<'main'>[] = [];
  private readonly patternCache = new Map<string, Bool<'main'>>();

  constructor(
    private readonly z: Z3,
    private readonly rx: Regexes,
    docs: readonly PolicyDocument[],
  ) {
    this.action = z.String.const('action');
    this.resource = z.String.const('resource');
    for (const d of docs) checkModelled(d);
    const clauses = docs.flatMap((d) => d.Statement.flatMap(clausesOf));
    const byKey = new Map<string, Clause[]>();
    for (const c of clauses) byKey.set(c.key.toLowerCase(), [...(byKey.get(c.key.toLowerCase()) ?? []), c]);
    for (const [key, cs] of byKey) this.declareKey(key, cs);
    this.domain.push(this.actionDomain(docs));
  }

  /**
   * The request action stands for its lower-cased form (Tessera lower-cases both sides), so its
   * characters must be ones `toLowerCase` leaves alone. Printable ASCII without upper case, plus
   * the characters of the policies' lower-cased action patterns, is complete: any other character
   * of a lower-cased action meets only wildcards, as any character absent from every pattern does.
   */
  private actionDomain(docs: readonly PolicyDocument[]): Bool<'main'> {
    const extra = new Set<number>();
    for (const p of docs.flatMap((d) => d.Statement.flatMap((s) => s.Action))) {
      for (const ch of p.toLowerCase()) {
        if (ch.toLowerCase() !== ch || ch.length !== 1) throw new Unsupported(`action pattern \`${p}\` has a character that lower-cases unstably`);
        extra.add(ch.charCodeAt(0));
      }
    }
    const ranges = [...ACTION_ALPHABET, ...[...extra].map((c) => ({ lo: c, hi: c }))];
    return this.z.InRe(this.action, this.z.Star(this.rx.chars(ranges)));
  }

  /** A key's variables, by the one kind of operator that reads it (Null reads only presence). */
  private declareKey(key: string, clauses: readonly Clause[]): void {
    const { z } = this;
    const name = `key:${key}`;
    const kinds = new Set(clauses.flatMap((c) => (c.kind === 'null' ? [] : [c.kind])));
    if (kinds.size > 1) throw new Unsupported(`\`${clauses[0]?.key}\` is read as ${[...kinds].join(' and as ')}; one kind per key is modelled`);
    const kind = [...kinds][0] ?? 'string';
    const base = { spelled: clauses[0]?.key ?? key, present: z.Bool.const(`${name}:present`) };
    if (ALWAYS_PRESENT.has(key)) this.domain.push(base.present);
    const wellFormed = z.Bool.const(`${name}:well-formed`);
    switch (kind) {
      case 'string':
        this.keys.set(key, { ...base, kind, value: z.String.const(name) });
        break;
      case 'bool':
        this.keys.set(key, { ...base, kind, wellFormed, truth: z.Bool.const(`${name}:true`) });
        break;
      case 'ip':
        this.keys.set(key, { ...base, kind, wellFormed, address: z.BitVec.const(`${name}:address`, 32) });
        break;
      case 'number': {
        const thresholds = [...new Set(clauses.filter((c) => c.kind === 'number').flatMap((c) => c.values.map(parseThreshold)))].sort((a, b) => a - b);
        const value = z.Real.const(`${name}:value`);
        this.domain.push(z.Implies(wellFormed, this.doubleDomain(value, thresholds)));
        this.keys.set(key, { ...base, kind, wellFormed, value, thresholds });
        break;
      }
    }
  }

  /**
   * A real stands for a double: within ±MAX_VALUE, and not strictly between two thresholds with
   * no double between them (there a real would order differently from every double).
   */
  private doubleDomain(value: Arith<'main'>, thresholds: readonly number[]): Bool<'main'> {
    const { z } = this;
    const real = (x: number) => z.Real.val(rationalOf(x));
    const gaps = thresholds.flatMap((t, i) => {
      const next = thresholds[i + 1];
      return next !== undefined && nextDouble(t, 1) === next ? [z.Not(z.And(value.gt(real(t)), value.lt(real(next))))] : [];
    });
    return z.And(value.ge(real(-Number.MAX_VALUE)), value.le(real(Number.MAX_VALUE)), ...gaps);
  }

  /** The request is allowed: some Allow statement matches and no Deny statement does. */
  allows(doc: PolicyDocument): Bool<'main'> {
    const matching = (effect: 'Allow' | 'Deny') => this.z.Or(...doc.Statement.filter((s) => s.Effect === effect).map((s) => this.statement(s)));
    return this.z.And(matching('Allow'), this.z.Not(matching('Deny')));
  }

  private statement(s: Statement): Bool<'main'> {
    const action = this.z.Or(...s.Action.map((p) => this.cached(`A${p}`, () => this.actionPattern(p))));
    const resource = this.z.Or(...s.Resource.map((p) => this.cached(`R${p}`, () => this.resourcePattern(p))));
    return this.z.And(action, resource, ...clausesOf(s).map((c) => this.clause(c)));
  }

  private cached(key: string, build: () => Bool<'main'>): Bool<'main'> {
    let b = this.patternCache.get(key);
    if (b === undefined) {
      b = build();
      this.patternCache.set(key, b);
    }
    return b;
  }

  /** Case-insensitive: the lower-cased pattern against the (lower-case) action; `*` crosses `:`. */
  private actionPattern(pattern: string): Bool<'main'> {
    return matchesGlob(this.z, this.rx, this.action, globParts(pattern.toLowerCase()), this.rx.anyString, this.rx.anyChar);
  }

  /** `*` is every resource; an ARN pattern matches field by field; anything else as a whole-string glob. */
  private resourcePattern(pattern: string): Bool<'main'> {
    const { z, rx } = this;
    const parts = globParts(pattern);
    const fields = arnFields(parts);
    // With the first five fields literal, a wildcard can only be in the last field, where it spans
    // colons: the field-wise pattern is then the whole-string glob (often a plain prefix test).
    const headIsLiteral = fields?.slice(0, 5).every((f) => f.every((p) => typeof p === 'object'));
    if (fields === undefined || headIsLiteral === true) return matchesGlob(z, rx, this.resource, parts, rx.anyString, rx.anyChar);
    // In the first five fields a wildcard stays inside its field; in the last it spans colons.
    const colon = z.Re.toRe(rx.lit(':'));
    const head = fields.slice(0, 5).flatMap((f) => [rx.glob(f, z.Star(rx.notColon), rx.notColon), colon]);
    return z.InRe(this.resource, z.ReConcat(...head, rx.glob(fields[5] ?? [], rx.anyString, rx.anyChar)));
  }

  /**
   * One clause: with the key present, any listed value matches (none, for a negated operator);
   * with it missing, `IfExists` and negated operators hold and positive ones do not. Null asks
   * about presence only.
   */
  private clause(c: Clause): Bool<'main'> {
    const { z } = this;
    const k = this.keys.get(c.key.toLowerCase()) as KeyVar;
    if (c.kind === 'null') return z.Or(...c.values.map((v) => (parseBoolValue(v) ? z.Not(k.present) : k.present)));
    const anyMatch = z.Or(...c.values.map((v) => this.valueMatches(c.base, k, v)));
    const whenPresent = c.negated ? z.Not(anyMatch) : anyMatch;
    return z.If(k.present, whenPresent, z.Bool.val(c.ifExists || c.negated));
  }

  /** The positive comparison of the key's value with one policy value; a malformed value matches none. */
  private valueMatches(base: string, k: KeyVar, policyValue: string): Bool<'main'> {
    const { z, rx } = this;
    switch (k.kind) {
      case 'string':
        // StringEquals compares exactly, StringLike as a case-sensitive glob over the whole value.
        return base.endsWith('Like') ? matchesGlob(z, rx, k.value, globParts(policyValue), rx.anyString, rx.anyChar) : k.value.eq(rx.lit(policyValue));
      case 'bool':
        // Tessera lower-cases the request value and compares it with `true`/`false`.
        return z.And(k.wellFormed, parseBoolValue(policyValue) ? k.truth : z.Not(k.truth));
      case 'ip': {
        const range = parseIpv4Range(policyValue);
        return z.And(k.wellFormed, k.address.and(z.BitVec.val(range.mask, 32)).eq(z.BitVec.val(range.network, 32)));
      }
      case 'number':
        return z.And(k.wellFormed, this.compareNumber(base, k.value, z.Real.val(rationalOf(parseThreshold(policyValue)))));
    }
  }

  private compareNumber(base: string, v: Arith<'main'>, t: Arith<'main'>): Bool<'main'> {
    switch (base) {
      case 'NumericEquals':
      case 'NumericNotEquals':
        return v.eq(t);
      case 'NumericLessThan':
        return v.lt(t);
      case 'NumericLessThanEquals':
        return v.le(t);
      case 'NumericGreaterThan':
        return v.gt(t);
      case 'NumericGreaterThanEquals':
        return v.ge(t);
      default:
        throw new Error(`internal: ${base} is not numeric`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Counterexamples.
// ---------------------------------------------------------------------------------------------

/** A model's string as a JS string, code unit by code unit (Z3's own printing escapes them). */
function stringOf(api: Api, z: Z3, model: Model<'main'>, s: Seq<'main'>): string {
  const value = model.eval(s, true) as Seq<'main'>;
  const length = api.Z3.get_string_length(z.ptr, value.ast);
  return String.fromCharCode(...api.Z3.get_string_contents(z.ptr, value.ast, length));
}

/** The request value of a present key, written as Tessera reads it back. */
function keyText(api: Api, z: Z3, model: Model<'main'>, k: KeyVar): string {
  const holds = (b: Bool<'main'>) => z.isTrue(model.eval(b, true));
  if (k.kind === 'string') return stringOf(api, z, model, k.value);
  if (!holds(k.wellFormed)) return MALFORMED[k.kind];
  switch (k.kind) {
    case 'bool':
      return holds(k.truth) ? 'true' : 'false';
    case 'ip': {
      const n = Number((model.eval(k.address, true) as unknown as { value(): bigint }).value());
      return [24, 16, 8, 0].map((shift) => (n >>> shift) & 0xff).join('.');
    }
    case 'number':
      return String(doubleLike((model.eval(k.value, true) as RatNum<'main'>).value(), k.thresholds));
  }
}

function counterexampleOf(api: Api, z: Z3, model: Model<'main'>, enc: Encoder): AuthorizationRequest {
  const context: Record<string, string> = {};
  for (const k of enc.keys.values()) if (z.isTrue(model.eval(k.present, true))) context[k.spelled] = keyText(api, z, model, k);
  return { principal: COUNTEREXAMPLE_PRINCIPAL, action: stringOf(api, z, model, enc.action), resource: stringOf(api, z, model, enc.resource), context };
}

// ---------------------------------------------------------------------------------------------
// The checker.
// ---------------------------------------------------------------------------------------------

/** The Z3 module is loaded once per process; its worker threads stop when the last checker closes. */
let loaded: { api: Promise<Api>; users: number } | undefined;

async function acquireApi(): Promise<Api> {
  loaded ??= {
    api: init().then((api) => {
      // One Z3 character = one UTF-16 code unit, so Z3 strings are exactly JS strings.
      api.setParam('encoding', 'bmp');
      return api;
    }),
    users: 0,
  };
  loaded.users++;
  return loaded.api;
}

async function releaseApi(api: Api): Promise<void> {
  if (loaded === undefined || --loaded.users > 0) return;
  loaded = undefined;
  await killThreads(api.em);
}

export async function createZ3Checker(options: { timeoutMs?: number } = {}): Promise<Z3Checker> {
  const api = await acquireApi();
  // One context for every check (z3-solver never frees a context); each check has its own
  // solver, released after it; terms are reference-counted and freed when collected.
  const z = new api.Context('main');
  const rx = new Regexes(z);
  let closed = false;

  const solve = async (enc: Encoder): Promise<Z3Verdict> => {
    const solver = new z.Solver();
    try {
      if (options.timeoutMs !== undefined) solver.set('timeout', options.timeoutMs);
      for (const f of enc.domain) solver.add((await z.simplify(f)) as Bool<'main'>);
      const result = await solver.check();
      if (result === 'unsat') return { verdict: 'contained' };
      if (result === 'unknown') return { verdict: 'unknown', reason: `z3: ${solver.reasonUnknown()}` };
      const model = solver.model();
      try {
        return { verdict: 'not-contained', counterexample: counterexampleOf(api, z, model, enc) };
      } finally {
        model.release();
      }
    } finally {
      solver.release();
    }
  };

  return {
    async contains(candidate, within) {
      if (closed) throw new Error('the Z3 checker is closed');
      let enc: Encoder;
      try {
        enc = new Encoder(z, rx, [candidate, within]);
        // A request the candidate allows and `within` does not.
        enc.domain.push(enc.allows(candidate), z.Not(enc.allows(within)));
      } catch (e) {
        if (e instanceof Unsupported) return { verdict: 'unknown', reason: e.message };
        throw e;
      }
      return solve(enc);
    },
    async close() {
      if (closed) return;
      closed = true;
      await releaseApi(api);
    },
  };
}
