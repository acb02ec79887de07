/** String condition operators: exact, case-folded, and wildcard (`*`, `?`) comparisons. */
import { compileGlob, type Glob } from '../glob.js';
import { ok, operator } from './types.js';

const identity = (raw: string): string => raw;
const lower = (raw: string): string => raw.toLowerCase();

function equals(name: string, negated: boolean) {
  return operator<string, string>({
    name, family: 'String', negated, wildcards: false, requestKind: 'string',
    parsePolicy: (v) => ok(v.text),
    parseRequest: identity,
    test: (r, p) => r === p,
  });
}

function equalsIgnoreCase(name: string, negated: boolean) {
  return operator<string, string>({
    name, family: 'String', negated, wildcards: false, requestKind: 'string-lower',
    parsePolicy: (v) => ok(v.text.toLowerCase()),
    parseRequest: lower,
    test: (r, p) => r === p,
  });
}

function like(name: string, negated: boolean) {
  return operator<Glob, string>({
    name, family: 'String', negated, wildcards: true, requestKind: 'string',
    parsePolicy: (v) => ok(compileGlob(v.tokens)),
    parseRequest: identity,
    test: (r, p) => p.test(r),
  });
}

export const STRING_OPERATORS = [
  equals('StringEquals', false),
  equals('StringNotEquals', true),
  equalsIgnoreCase('StringEqualsIgnoreCase', false),
  equalsIgnoreCase('StringNotEqualsIgnoreCase', true),
  like('StringLike', false),
  like('StringNotLike', true),
];
