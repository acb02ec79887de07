/**
 * One request value against one (resolved) policy value, for each *positive* condition operator
 * (semantics.md, "Conditions" table). Negated operators are derived from these in
 * reference-conditions.ts. A value that does not parse as the operator's type matches nothing.
 */
import ipaddr from 'ipaddr.js';
import type { Token } from './reference-glob.js';
import { arnOrGlobMatches, globMatches, splitArn, tokensToText } from './reference-glob.js';

export type PositiveOperator =
  | 'StringEquals' | 'StringEqualsIgnoreCase' | 'StringLike'
  | 'NumericEquals' | 'NumericLessThan' | 'NumericLessThanEquals' | 'NumericGreaterThan' | 'NumericGreaterThanEquals'
  | 'DateEquals' | 'DateLessThan' | 'DateLessThanEquals' | 'DateGreaterThan' | 'DateGreaterThanEquals'
  | 'Bool' | 'BinaryEquals' | 'IpAddress' | 'ArnEquals' | 'ArnLike';

/** Decimal numbers only: optional sign, digits with an optional fraction (no exponent, no blanks). */
export function parseNumber(text: string): number | undefined {
  return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : undefined;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * An instant in milliseconds: ISO 8601 extended format (`2026-03-01`, `2026-03-01T12:00Z`,
 * `2026-03-01T12:00:00.5+02:00`; no offset means UTC) or integer epoch seconds.
 */
export function parseDate(text: string): number | undefined {
  if (/^[+-]?\d+$/.test(text)) return Number(text) * 1000;
  const m = ISO.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? '0')) as [number, number, number, number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  // Reject what Date would silently roll over (February 30th, 25:00, ...).
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000;
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  return date.getTime() + fraction - offsetMinutes * 60_000;
}

/** Strict, padded base64 to bytes. */
function parseBase64(text: string): Buffer | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

interface IpRange {
  readonly kind: 'ipv4' | 'ipv6';
  readonly bytes: number[];
  readonly prefix: number;
}

/** An address (`/32` or `/128`) or a CIDR; IPv4 only in four-part decimal form. */
function parseIp(text: string, allowCidr: boolean): IpRange | undefined {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? undefined : text.slice(slash + 1);
  if (prefixText !== undefined && (!allowCidr || !/^\d{1,3}$/.test(prefixText))) return undefined;
  let kind: 'ipv4' | 'ipv6';
  if (ipaddr.IPv4.isValidFourPartDecimal(address)) kind = 'ipv4';
  else if (!address.includes('%') && ipaddr.IPv6.isValid(address)) kind = 'ipv6';
  else return undefined;
  const bits = kind === 'ipv4' ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return undefined;
  return { kind, bytes: ipaddr.parse(address).toByteArray(), prefix };
}

/** Same address family (a v4 range never holds a v6 address, nor the reverse) and the same leading bits. */
function ipInRange(address: IpRange, range: IpRange): boolean {
  if (address.kind !== range.kind) return false;
  for (let bit = 0; bit < range.prefix; bit++) {
    const mask = 0x80 >> (bit % 8);
    if ((address.bytes[bit >> 3]! & mask) !== (range.bytes[bit >> 3]! & mask)) return false;
  }
  return true;
}

function compare(op: string, a: number, b: number): boolean {
  if (op.endsWith('GreaterThanEquals')) return a >= b;
  if (op.endsWith('GreaterThan')) return a > b;
  if (op.endsWith('LessThanEquals')) return a <= b;
  if (op.endsWith('LessThan')) return a < b;
  return a === b;
}

/** Whether the request value `actual` matches the policy value `policy` under `op`. */
export function positiveMatch(op: PositiveOperator, actual: string, policy: readonly Token[]): boolean {
  const text = tokensToText(policy);
  switch (op) {
    case 'StringEquals':
      return actual === text;
    case 'StringEqualsIgnoreCase':
      return actual.toLowerCase() === text.toLowerCase();
    case 'StringLike':
      return globMatches(policy, actual);
    case 'Bool': {
      const want = text.toLowerCase();
      return (want === 'true' || want === 'false') && actual.toLowerCase() === want;
    }
    case 'BinaryEquals': {
      const a = parseBase64(actual);
      const p = parseBase64(text);
      return a !== undefined && p !== undefined && a.equals(p);
    }
    case 'IpAddress': {
      const address = parseIp(actual, false);
      const range = parseIp(text, true);
      return address !== undefined && range !== undefined && ipInRange(address, range);
    }
    case 'ArnEquals':
    case 'ArnLike':
      // Same field-by-field comparison as Resource; the request value must be an ARN.
      return splitArn(actual) !== undefined && arnOrGlobMatches(policy, actual);
    default: {
      const parse = op.startsWith('Numeric') ? parseNumber : parseDate;
      const a = parse(actual);
      const p = parse(text);
      return a !== undefined && p !== undefined && compare(op, a, p);
    }
  }
}
