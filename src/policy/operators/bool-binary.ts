/** Bool (case-insensitive `true`/`false`) and BinaryEquals (base64-encoded bytes). */
import { bad, ok, operator } from './types.js';

const lower = (raw: string): string => raw.toLowerCase();

export const BOOL_OPERATOR = operator<string, string>({
  name: 'Bool', family: 'Bool', negated: false, wildcards: false, requestKind: 'string-lower',
  parsePolicy: (v) => {
    const s = v.text.toLowerCase();
    return s === 'true' || s === 'false'
      ? ok(s)
      : bad('policy/invalid-bool', `\`${v.text}\` is not a boolean`, 'Bool takes `true` or `false`');
  },
  parseRequest: lower,
  test: (r, p) => r === p,
});

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The decoded bytes as a binary string, or undefined when not base64. */
export function decodeBase64(raw: string): string | undefined {
  const s = raw.trim();
  if (!BASE64.test(s)) return undefined;
  return atob(s);
}

export const BINARY_OPERATOR = operator<string, string>({
  name: 'BinaryEquals', family: 'Binary', negated: false, wildcards: false, requestKind: 'base64',
  parsePolicy: (v) => {
    const bytes = decodeBase64(v.text);
    return bytes === undefined
      ? bad('policy/invalid-base64', `\`${v.text}\` is not base64`, 'BinaryEquals compares base64-encoded bytes, e.g. `QmluYXJ5VmFsdWU=`')
      : ok(bytes);
  },
  parseRequest: decodeBase64,
  test: (r, p) => r === p,
});
