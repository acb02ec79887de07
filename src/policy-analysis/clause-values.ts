/**
 * The per-value predicate of a condition clause as a value set: the request values that the
 * *positive* form of its operator matches against any of the clause's policy values. Negation,
 * IfExists, set operators and missing keys are applied on top (key-constraint.ts).
 */
import { conditionOperator, decodeBase64, globText, parseDate, parseIpRange, parseNumber, tokenizeGlob, type ConditionClause, type GlobToken } from '../policy/index.js';
import { DOUBLES, IntervalSet } from './intervals.js';
import { StringSet } from './string-set.js';
import { V4, V6, noValues, unionValues, type ValueKind, type ValueSet } from './value-set.js';

/** The value kind an operator family reads, or undefined for Null (any kind). */
export function kindOf(clause: ConditionClause): ValueKind | undefined {
  const family = conditionOperator(clause.baseOperator)?.family;
  switch (family) {
    case 'String':
    case 'Arn':
      return 'string';
    case 'Numeric':
      return 'number';
    case 'Date':
      return 'date';
    case 'Ip':
      return 'ip';
    case 'Bool':
      return 'bool';
    case 'Binary':
      return 'binary';
    default:
      return undefined;
  }
}

/**
 * The positive per-value predicate; `undefined` when a value does not parse (the compiler rejects
 * those). `resolved` gives, per value, its tokens after policy-variable substitution (String and
 * ARN operators only), or undefined for a value that cannot be resolved and so matches nothing.
 */
export function positiveValues(clause: ConditionClause, resolved?: readonly (readonly GlobToken[] | undefined)[]): ValueSet | undefined {
  const op = conditionOperator(clause.baseOperator);
  const kind = kindOf(clause);
  if (op === undefined || kind === undefined) return undefined;
  let out = noValues(kind);
  for (let i = 0; i < clause.values.length; i++) {
    const raw = (clause.values[i] as { value: string }).value;
    const tokens = resolved === undefined ? tokenizeGlob(raw) : resolved[i];
    if (tokens === undefined) continue; // an unresolvable variable: this value matches nothing
    const one = kind === 'string' ? stringValue(clause.baseOperator, tokens) : valueFor(clause.baseOperator, kind, raw);
    if (one === undefined) return undefined;
    out = unionValues(out, one);
  }
  return out;
}

function stringValue(operator: string, tokens: readonly GlobToken[]): ValueSet {
  const name = operator.replace('Not', '');
  const text = globText(tokens);
  if (name === 'StringEquals') return { kind: 'string', strings: StringSet.literal('any', text) };
  if (name === 'StringEqualsIgnoreCase') return { kind: 'string', strings: StringSet.ignoreCase(text, `${JSON.stringify(text)} in any case`) };
  if (name === 'StringLike') return { kind: 'string', strings: StringSet.glob('any', tokens, `like ${JSON.stringify(text)}`) };
  // ArnEquals and ArnLike compare alike: field by field, with wildcards.
  return { kind: 'string', strings: StringSet.arn(tokens, `ARN like ${JSON.stringify(text)}`) };
}

function valueFor(operator: string, kind: ValueKind, raw: string): ValueSet | undefined {
  switch (kind) {
    case 'string':
      return stringValue(operator, tokenizeGlob(raw));
    case 'number':
    case 'date': {
      const n = kind === 'number' ? parseNumber(raw) : parseDate(raw);
      if (n === undefined) return undefined;
      const x = n === 0 ? 0 : n;
      const name = operator.replace(/^(Numeric|Date)/, '');
      const [lo, hi] =
        name === 'Equals' || name === 'NotEquals'
          ? [x, x]
          : name === 'LessThan'
            ? [DOUBLES.min, DOUBLES.prev(x)]
            : name === 'LessThanEquals'
              ? [DOUBLES.min, x]
              : name === 'GreaterThan'
                ? [DOUBLES.next(x), DOUBLES.max]
                : [x, DOUBLES.max];
      return { kind, numbers: IntervalSet.of(DOUBLES, lo, hi), other: false };
    }
    case 'ip': {
      const r = parseIpRange(raw);
      if (r === undefined) return undefined;
      const bits = r.v6 ? 128 : 32;
      let base = 0n;
      for (const w of r.words) base = (base << 32n) | BigInt(w);
      const host = (1n << BigInt(bits - r.prefix)) - 1n;
      const lo = base & ~host & ((1n << BigInt(bits)) - 1n);
      const range = { lo, hi: lo | host };
      return r.v6
        ? { kind, v4: IntervalSet.none(V4), v6: IntervalSet.of(V6, range.lo, range.hi), other: false }
        : { kind, v4: IntervalSet.of(V4, range.lo, range.hi), v6: IntervalSet.none(V6), other: false };
    }
    case 'bool': {
      const t = raw.toLowerCase();
      return t === 'true' || t === 'false' ? { kind, tokens: { include: true, tokens: new Set([t]) } } : undefined;
    }
    case 'binary': {
      const bytes = decodeBase64(raw);
      return bytes === undefined ? undefined : { kind, tokens: { include: true, tokens: new Set([bytes]) } };
    }
  }
}
