/**
 * A statement's `Condition` block (semantics.md, "Conditions"): operators AND, keys AND, values OR.
 *
 * Evaluation order, which decides which keys count as consulted: operators in the JSON order of
 * the Condition object, keys in JSON order within an operator; evaluation stops at the first key
 * that is false. For every key evaluated, the key itself is reported missing when the request
 * lacks it (except under `Null`), and every unresolvable variable in any of its values is reported.
 */
import type { Token } from './reference-glob.js';
import { tokensToText } from './reference-glob.js';
import type { PositiveOperator } from './reference-operators.js';
import { positiveMatch } from './reference-operators.js';
import type { ContextLookup } from './reference-request.js';
import { resolveText } from './reference-variables.js';

const NEGATIONS: Readonly<Record<string, PositiveOperator>> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
  NumericNotEquals: 'NumericEquals',
  DateNotEquals: 'DateEquals',
  NotIpAddress: 'IpAddress',
  ArnNotEquals: 'ArnEquals',
  ArnNotLike: 'ArnLike',
};

const POSITIVES: ReadonlySet<string> = new Set<PositiveOperator>([
  'StringEquals', 'StringEqualsIgnoreCase', 'StringLike',
  'NumericEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals',
  'DateEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals',
  'Bool', 'BinaryEquals', 'IpAddress', 'ArnEquals', 'ArnLike',
]);

export interface ParsedOperator {
  readonly set?: 'ForAnyValue' | 'ForAllValues';
  readonly ifExists: boolean;
  /** `Null`, or the positive operator (with `negated` for the `...Not...` forms). */
  readonly base: PositiveOperator | 'Null';
  readonly negated: boolean;
}

/** Parses `[ForAnyValue:|ForAllValues:]Name[IfExists]` (exact case); undefined for an unknown operator. */
export function parseOperator(name: string): ParsedOperator | undefined {
  const setMatch = /^(ForAnyValue|ForAllValues):/.exec(name);
  const set = setMatch?.[1] as ParsedOperator['set'];
  let rest = setMatch === null ? name : name.slice(setMatch[0].length);
  const ifExists = rest.endsWith('IfExists');
  if (ifExists) rest = rest.slice(0, -'IfExists'.length);
  if (rest === 'Null') return { set, ifExists, base: 'Null', negated: false };
  if (POSITIVES.has(rest)) return { set, ifExists, base: rest as PositiveOperator, negated: false };
  const positive = NEGATIONS[rest];
  return positive === undefined ? undefined : { set, ifExists, base: positive, negated: true };
}

/** Scalars become strings (IAM accepts `true` and `10`); undefined when a value is not a scalar. */
export function conditionValues(raw: unknown): string[] | undefined {
  const list: unknown[] = Array.isArray(raw) ? raw : [raw];
  const out: string[] = [];
  for (const v of list) {
    if (typeof v === 'string') out.push(v);
    else if (typeof v === 'number' || typeof v === 'boolean') out.push(String(v));
    else return undefined;
  }
  return out;
}

/** `Null`: `true` asks "is the key missing", `false` "is it present"; set operators and IfExists are ignored. */
function nullHolds(present: boolean, policyValues: readonly (Token[] | undefined)[]): boolean {
  return policyValues.some((tokens) => {
    const want = tokens === undefined ? undefined : tokensToText(tokens).toLowerCase();
    return (want === 'true' && !present) || (want === 'false' && present);
  });
}

function keyHolds(op: ParsedOperator, actual: readonly string[] | undefined, policyValues: readonly (Token[] | undefined)[]): boolean {
  if (op.base === 'Null') return nullHolds(actual !== undefined, policyValues);
  if (actual === undefined) {
    // The set operators settle a missing key themselves (ForAnyValue ignores IfExists, as AWS does).
    if (op.set === 'ForAllValues') return true;
    if (op.set === 'ForAnyValue') return false;
    return op.ifExists || op.negated;
  }
  const base = op.base;
  // An unresolvable policy value (undefined) matches no request value.
  const anyMatch = (value: string): boolean => policyValues.some((p) => p !== undefined && positiveMatch(base, value, p));
  // The per-value test: the positive operator, or its negation for one request value.
  const single = (value: string): boolean => (op.negated ? !anyMatch(value) : anyMatch(value));
  if (op.set === 'ForAllValues') return actual.every(single);
  if (op.set === 'ForAnyValue') return actual.some(single);
  // No set operator: positive holds when some value matches; negated when no value matches.
  return op.negated ? actual.every(single) : actual.some(single);
}

export interface ConditionOutcome {
  readonly holds: boolean;
  /** Missing keys consulted, in evaluation order, as spelled in the policy. */
  readonly missing: string[];
}

/** Evaluates a (validated) Condition object; see the file comment for the order and reporting. */
export function evaluateConditions(condition: Readonly<Record<string, unknown>>, variablesEnabled: boolean, lookup: ContextLookup): ConditionOutcome {
  const missing: string[] = [];
  for (const [name, block] of Object.entries(condition)) {
    const op = parseOperator(name);
    if (op === undefined || typeof block !== 'object' || block === null) return { holds: false, missing };
    for (const [key, raw] of Object.entries(block as Record<string, unknown>)) {
      const present = lookup(key);
      if (present === undefined && op.base !== 'Null') missing.push(key);
      const policyValues = (conditionValues(raw) ?? []).map((text) => {
        // AWS substitutes variables only in String and ARN condition values.
        const resolved = resolveText(text, variablesEnabled && /^(String|Arn)/.test(op.base), lookup);
        missing.push(...resolved.missing);
        return resolved.tokens;
      });
      if (!keyHolds(op, present?.values, policyValues)) return { holds: false, missing };
    }
  }
  return { holds: true, missing };
}
