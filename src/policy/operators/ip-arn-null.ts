/** IpAddress/NotIpAddress, the ARN operators, and Null. */
import { arnProblem, compileArnPattern, parseArn } from '../arn.js';
import type { Glob } from '../glob.js';
import { parseIpAddress, parseIpRange, rangeContains, type IpAddress, type IpRange } from '../ip.js';
import { bad, ok, operator } from './types.js';

function ip(name: string, negated: boolean) {
  return operator<IpRange, IpAddress>({
    name, family: 'Ip', negated, wildcards: false, requestKind: 'ip',
    parsePolicy: (v) => {
      const r = parseIpRange(v.text);
      return r === undefined
        ? bad('policy/invalid-cidr', `\`${v.text}\` is not an IP address or CIDR range`, 'write an IPv4 or IPv6 address or range such as `203.0.113.0/24` or `2001:db8::/32`')
        : ok(r);
    },
    parseRequest: parseIpAddress,
    test: (r, p) => rangeContains(p, r),
  });
}

function arn(name: string, negated: boolean) {
  return operator<Glob, string>({
    name, family: 'Arn', negated, wildcards: true, requestKind: 'arn',
    parsePolicy: (v) => {
      const problem = arnProblem(v.text);
      return problem !== undefined && v.text !== '*'
        ? bad('policy/invalid-arn', `\`${v.text}\` is not an ARN: ${problem}`, `${name} compares ARNs field by field; write \`arn:partition:service:region:account:resource\` with \`*\` or \`?\` wildcards`)
        : ok(compileArnPattern(v.tokens));
    },
    parseRequest: (raw) => (parseArn(raw) === undefined ? undefined : raw),
    test: (r, p) => p.test(r),
  });
}

export const IP_OPERATORS = [ip('IpAddress', false), ip('NotIpAddress', true)];

export const ARN_OPERATORS = [arn('ArnEquals', false), arn('ArnLike', false), arn('ArnNotEquals', true), arn('ArnNotLike', true)];

/** Null: `true` asks that the key be missing, `false` that it be present. Evaluated specially. */
export const NULL_OPERATOR = operator<boolean, string>({
  name: 'Null', family: 'Null', negated: false, wildcards: false, requestKind: 'string',
  parsePolicy: (v) => {
    const s = v.text.toLowerCase();
    return s === 'true' || s === 'false'
      ? ok(s === 'true')
      : bad('policy/invalid-bool', `\`${v.text}\` is not \`true\` or \`false\``, 'Null takes `true` (the key must be missing) or `false` (the key must be present)');
  },
  parseRequest: (raw) => raw,
  test: () => false,
});
