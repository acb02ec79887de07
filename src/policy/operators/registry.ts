/** The one list of condition operators, and the parsing of operator names. */
import type { SetOperator } from '../ast.js';
import { BINARY_OPERATOR, BOOL_OPERATOR } from './bool-binary.js';
import { DATE_OPERATORS } from './date.js';
import { ARN_OPERATORS, IP_OPERATORS, NULL_OPERATOR } from './ip-arn-null.js';
import { NUMERIC_OPERATORS } from './numeric.js';
import { STRING_OPERATORS } from './string.js';
import type { ConditionOperator } from './types.js';

export const CONDITION_OPERATORS: readonly ConditionOperator[] = [
  ...STRING_OPERATORS,
  ...NUMERIC_OPERATORS,
  ...DATE_OPERATORS,
  BOOL_OPERATOR,
  BINARY_OPERATOR,
  ...IP_OPERATORS,
  ...ARN_OPERATORS,
  NULL_OPERATOR,
];

const BY_NAME = new Map(CONDITION_OPERATORS.map((op) => [op.name, op]));

export function conditionOperator(name: string): ConditionOperator | undefined {
  return BY_NAME.get(name);
}

export interface ParsedOperatorName {
  readonly base: string;
  readonly setOperator?: SetOperator;
  readonly ifExists: boolean;
}

/** Splits `ForAnyValue:StringLikeIfExists` into its parts (the base is not checked here). */
export function parseOperatorName(name: string): ParsedOperatorName {
  let rest = name;
  let setOperator: SetOperator | undefined;
  for (const prefix of ['ForAllValues:', 'ForAnyValue:'] as const) {
    if (rest.startsWith(prefix)) {
      setOperator = prefix === 'ForAllValues:' ? 'ForAllValues' : 'ForAnyValue';
      rest = rest.slice(prefix.length);
    }
  }
  const ifExists = rest.endsWith('IfExists') && rest !== 'IfExists';
  if (ifExists) rest = rest.slice(0, -'IfExists'.length);
  return setOperator === undefined ? { base: rest, ifExists } : { base: rest, setOperator, ifExists };
}
