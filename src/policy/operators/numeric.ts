/** Numeric condition operators over decimal numbers (integers and fractions). */
import { bad, ok, operator, type ConditionOperator } from './types.js';

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Parses a decimal number as IAM accepts it; undefined for anything else. */
export function parseNumber(raw: string): number | undefined {
  const s = raw.trim();
  if (!NUMBER.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

function numeric(name: string, negated: boolean, test: (r: number, p: number) => boolean): ConditionOperator {
  return operator<number, number>({
    name, family: 'Numeric', negated, wildcards: false, requestKind: 'number',
    parsePolicy: (v) => {
      const n = parseNumber(v.text);
      return n === undefined
        ? bad('policy/invalid-number', `\`${v.text}\` is not a number`, `${name} compares numbers such as \`10\` or \`2.5\`; wildcards are not allowed`)
        : ok(n);
    },
    parseRequest: parseNumber,
    test,
  });
}

export const NUMERIC_OPERATORS = [
  numeric('NumericEquals', false, (r, p) => r === p),
  numeric('NumericNotEquals', true, (r, p) => r === p),
  numeric('NumericLessThan', false, (r, p) => r < p),
  numeric('NumericLessThanEquals', false, (r, p) => r <= p),
  numeric('NumericGreaterThan', false, (r, p) => r > p),
  numeric('NumericGreaterThanEquals', false, (r, p) => r >= p),
];
