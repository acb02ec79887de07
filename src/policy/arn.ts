/**
 * ARNs: `arn:partition:service:region:account-id:resource`, where the resource field takes the rest
 * of the string, colons included. IAM matches ARN patterns field by field: a wildcard in one of the
 * first five fields never reaches into the next.
 */
import { compileGlob, globCovers, globRegexSource, hasWildcard, normalizeTokens, STAR, type Glob, type GlobToken } from './glob.js';

export interface Arn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

/** Splits an ARN into its six fields, or undefined when it does not have them. */
export function parseArn(text: string): Arn | undefined {
  if (!text.startsWith('arn:')) return undefined;
  const parts: string[] = [];
  let start = 0;
  for (let n = 0; n < 5; n++) {
    const colon = text.indexOf(':', start);
    if (colon < 0) return undefined;
    parts.push(text.slice(start, colon));
    start = colon + 1;
  }
  const [, partition = '', service = '', region = '', account = ''] = parts;
  return { partition, service, region, account, resource: text.slice(start) };
}

const PARTITION = /^aws(-[a-z]+(-[a-z]+)*)?$/;

/** Why an ARN (possibly with wildcards) is malformed, or undefined when it is well formed. */
export function arnProblem(text: string): string | undefined {
  if (text === '*') return undefined;
  const arn = parseArn(text);
  if (arn === undefined) return 'an ARN has six fields, `arn:partition:service:region:account:resource`';
  if (arn.partition !== '*' && !arn.partition.includes('*') && !PARTITION.test(arn.partition)) {
    return `\`${arn.partition}\` is not an AWS partition (aws, aws-cn, aws-us-gov, ...)`;
  }
  if (arn.service === '') return 'the service field is empty';
  if (arn.resource === '') return 'the resource field is empty';
  if (!/^[0-9]{12}$|^$|^aws$|[*?$]/.test(arn.account)) return `account \`${arn.account}\` is not a 12-digit account id`;
  return undefined;
}

/** The account id of an ARN, or of a bare 12-digit account id. */
export function accountOf(text: string): string | undefined {
  if (/^[0-9]{12}$/.test(text)) return text;
  const arn = parseArn(text);
  return arn === undefined || arn.account === '' ? undefined : arn.account;
}

/**
 * Compiles a resource/ARN pattern (as glob tokens). `*` alone matches anything. A pattern with six
 * fields matches field by field; anything else (which the validator reports) as a plain glob.
 */
export function compileArnPattern(tokens: readonly GlobToken[]): Glob {
  const t = normalizeTokens(tokens);
  if (t.length === 1 && t[0] === STAR) return compileGlob(t);
  const fields = splitFields(t);
  if (fields === undefined) return compileGlob(t);
  const head = fields.slice(0, 5);
  const last = fields[5] ?? [];
  if (!head.some(hasWildcard) && !hasWildcard(last)) {
    const whole = [...head, last].map((f) => f.join('')).join(':');
    return { test: (s) => s === whole, literal: whole };
  }
  // One anchored regular expression: `[^:]*` keeps wildcards of the first five fields inside them.
  const source = head.map((f) => globRegexSource(f, '[^:]*', '[^:]')).join(':') + ':' + globRegexSource(last);
  const re = new RegExp(`^${source}$`);
  return { test: (s) => re.test(s) };
}

/**
 * Whether every resource the `inner` pattern matches is matched by `outer`, field by field (a
 * whole-string comparison would let a wildcard cross a colon). Sound, not complete.
 */
export function arnPatternCovers(outer: readonly GlobToken[], inner: readonly GlobToken[]): boolean {
  const o = normalizeTokens(outer);
  if (o.length === 1 && o[0] === STAR) return true;
  const of = splitFields(o);
  const inf = splitFields(normalizeTokens(inner));
  if (of === undefined || inf === undefined) return globCovers(o, inner) && !hasWildcard(inner);
  return of.every((f, i) => globCovers(f, inf[i] ?? []));
}

/** Splits tokens at the first five literal colons into six fields, or undefined if fewer. */
function splitFields(tokens: readonly GlobToken[]): GlobToken[][] | undefined {
  const fields: GlobToken[][] = [[]];
  for (const t of tokens) {
    if (typeof t !== 'string' || fields.length === 6) {
      fields[fields.length - 1]?.push(t);
      continue;
    }
    let rest = t;
    while (fields.length < 6) {
      const colon = rest.indexOf(':');
      if (colon < 0) break;
      const before = rest.slice(0, colon);
      if (before !== '') fields[fields.length - 1]?.push(before);
      fields.push([]);
      rest = rest.slice(colon + 1);
    }
    if (rest !== '') fields[fields.length - 1]?.push(rest);
  }
  if (fields.length < 6) return undefined;
  const first = fields[0];
  if (first === undefined || first.length !== 1 || first[0] !== 'arn') return undefined;
  return fields;
}
