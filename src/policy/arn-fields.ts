/**
 * Field-wise ARN matching without regular expressions, for Resource patterns on the hot path.
 *
 * V8 keeps a compiled regular expression per pattern; with thousands of distinct patterns their
 * code no longer stays in cache and each test costs ~0.65 µs instead of ~0.05 µs (measured on
 * Node 20). Most Resource patterns are simple per field — `*`, a literal, or a literal followed by
 * `*` — so they compile to string comparisons against the request's fields, split once per
 * request. Other shapes return undefined and use the regex matcher (arn.ts).
 */
import { normalizeTokens, STAR, type GlobToken } from './glob.js';

/** One field test: `*`, an exact value, or a literal prefix followed by `*`. */
export type FieldTest = { readonly kind: 'any' } | { readonly kind: 'exact'; readonly value: string } | { readonly kind: 'prefix'; readonly value: string };

export interface FieldPattern {
  /** Partition, service, region, account. */
  readonly head: readonly [FieldTest, FieldTest, FieldTest, FieldTest];
  /** The resource field (the rest of the ARN). */
  readonly resource: FieldTest;
}

export function fieldMatches(t: FieldTest, value: string): boolean {
  return t.kind === 'any' || (t.kind === 'exact' ? value === t.value : value.length >= t.value.length && value.startsWith(t.value));
}

/** Does a request ARN, split into its six fields, match the pattern? */
export function fieldPatternMatches(p: FieldPattern, fields: readonly string[]): boolean {
  const [partition, service, region, account] = p.head;
  return (
    fieldMatches(partition, fields[1] as string) &&
    fieldMatches(service, fields[2] as string) &&
    fieldMatches(region, fields[3] as string) &&
    fieldMatches(account, fields[4] as string) &&
    fieldMatches(p.resource, fields[5] as string)
  );
}

/**
 * The ARN head of a request or pattern as one comparable signature: partition, region and account,
 * with `*` in the slots a pattern leaves open. `variant` says which slots are open (bit 1 region,
 * bit 2 account, bit 4 partition), so a request computes the signature of each variant in use.
 */
export function headSignature(partition: string, region: string, account: string, variant: number): string {
  return `${variant & 4 ? '*' : partition}\u0001${variant & 1 ? '*' : region}\u0001${variant & 2 ? '*' : account}`;
}

/**
 * A pattern's head as a signature variant, when each of partition, region and account is exact or
 * `*`; undefined when one is a prefix (`us-*`), which needs the field-wise test.
 */
export function patternHead(p: FieldPattern): { variant: number; signature: string } | undefined {
  const [partition, , region, account] = p.head;
  if (partition.kind === 'prefix' || region.kind === 'prefix' || account.kind === 'prefix') return undefined;
  const variant = (region.kind === 'any' ? 1 : 0) | (account.kind === 'any' ? 2 : 0) | (partition.kind === 'any' ? 4 : 0);
  const value = (t: FieldTest) => (t.kind === 'exact' ? t.value : '*');
  return { variant, signature: headSignature(value(partition), value(region), value(account), variant) };
}

function fieldTest(tokens: readonly GlobToken[]): FieldTest | undefined {
  const t = normalizeTokens(tokens);
  if (t.length === 0) return { kind: 'exact', value: '' };
  if (t.length === 1) return t[0] === STAR ? { kind: 'any' } : typeof t[0] === 'string' ? { kind: 'exact', value: t[0] } : undefined;
  if (t.length === 2 && typeof t[0] === 'string' && t[1] === STAR) return { kind: 'prefix', value: t[0] };
  return undefined;
}

/** The field pattern of an ARN pattern's tokens, or undefined when a field needs a regex. */
export function compileFieldPattern(tokens: readonly GlobToken[]): FieldPattern | undefined {
  const fields: GlobToken[][] = [[]];
  for (const t of normalizeTokens(tokens)) {
    if (typeof t !== 'string' || fields.length === 6) {
      fields[fields.length - 1]?.push(t);
      continue;
    }
    let rest = t;
    while (fields.length < 6) {
      const colon = rest.indexOf(':');
      if (colon < 0) break;
      if (colon > 0) fields[fields.length - 1]?.push(rest.slice(0, colon));
      fields.push([]);
      rest = rest.slice(colon + 1);
    }
    if (rest !== '') fields[fields.length - 1]?.push(rest);
  }
  if (fields.length !== 6 || fields[0]?.length !== 1 || fields[0][0] !== 'arn') return undefined;
  const tests = fields.slice(1).map(fieldTest);
  const [partition, service, region, account, resource] = tests;
  // A `*` inside a head field would be `[^:]*`; `any` is exactly that when the field is `*` alone.
  if (partition === undefined || service === undefined || region === undefined || account === undefined || resource === undefined) return undefined;
  return { head: [partition, service, region, account], resource };
}

/** Splits a request ARN into its six fields (the sixth keeps its colons); undefined if not an ARN. */
export function splitArn(resource: string): string[] | undefined {
  if (!resource.startsWith('arn:')) return undefined;
  const c1 = resource.indexOf(':', 4);
  const c2 = c1 < 0 ? -1 : resource.indexOf(':', c1 + 1);
  const c3 = c2 < 0 ? -1 : resource.indexOf(':', c2 + 1);
  const c4 = c3 < 0 ? -1 : resource.indexOf(':', c3 + 1);
  if (c4 < 0) return undefined;
  return ['arn', resource.slice(4, c1), resource.slice(c1 + 1, c2), resource.slice(c2 + 1, c3), resource.slice(c3 + 1, c4), resource.slice(c4 + 1)];
}
