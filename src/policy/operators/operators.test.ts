import { describe, expect, it } from 'vitest';
import { tokenizeGlob } from '../glob.js';
import { parseDate } from './date.js';
import { parseNumber } from './numeric.js';
import { CONDITION_OPERATORS, conditionOperator, parseOperatorName } from './registry.js';

/** Parses a policy value and compares a request value with the operator's positive test. */
function positive(name: string, policy: string, request: string): boolean {
  const op = conditionOperator(name);
  if (op === undefined) throw new Error(name);
  const p = op.parsePolicy({ text: policy, tokens: tokenizeGlob(policy) });
  if (!p.ok) throw new Error(p.message);
  const r = op.parseRequest(request);
  return r !== undefined && op.test(r, p.value);
}

describe('condition operators', () => {
  it('registers all 27 documented operators, each once', () => {
    const names = CONDITION_OPERATORS.map((o) => o.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(27);
  });

  it('splits set operators and IfExists', () => {
    expect(parseOperatorName('ForAnyValue:StringLikeIfExists')).toEqual({ base: 'StringLike', setOperator: 'ForAnyValue', ifExists: true });
    expect(parseOperatorName('Null')).toEqual({ base: 'Null', ifExists: false });
  });

  it('compares strings exactly, case-folded or with wildcards', () => {
    expect(positive('StringEquals', 'Finance', 'finance')).toBe(false);
    expect(positive('StringEqualsIgnoreCase', 'Finance', 'FINANCE')).toBe(true);
    expect(positive('StringLike', 'fin*', 'finance')).toBe(true);
    expect(positive('StringLike', 'f?n', 'fan')).toBe(true);
    expect(positive('StringEquals', 'fin*', 'finance')).toBe(false);
    expect(positive('StringEquals', 'fin*', 'fin*')).toBe(true);
  });

  it('compares numbers numerically', () => {
    expect(positive('NumericEquals', '10', '10.0')).toBe(true);
    expect(positive('NumericLessThan', '10', '9.99')).toBe(true);
    expect(positive('NumericGreaterThanEquals', '-1.5', '-1.5')).toBe(true);
    expect(positive('NumericEquals', '10', 'ten')).toBe(false);
    expect(parseNumber('1e3')).toBe(1000);
    expect(parseNumber('0x10')).toBeUndefined();
    expect(parseNumber('')).toBeUndefined();
  });

  it('reads dates as ISO 8601 (with offsets) or epoch seconds', () => {
    expect(parseDate('2026-01-01T00:00:00Z')).toBe(Date.UTC(2026, 0, 1));
    expect(parseDate('2026-01-01T01:00:00+01:00')).toBe(Date.UTC(2026, 0, 1));
    expect(parseDate('2026-01-01')).toBe(Date.UTC(2026, 0, 1));
    expect(parseDate('1767225600')).toBe(Date.UTC(2026, 0, 1));
    expect(parseDate('2026-02-29')).toBeUndefined();
    expect(parseDate('2026-13-01')).toBeUndefined();
    expect(parseDate('yesterday')).toBeUndefined();
    expect(positive('DateLessThan', '2026-06-01T00:00:00Z', '2026-05-31T23:59:59Z')).toBe(true);
    expect(positive('DateGreaterThan', '1767225600', '2026-01-01T00:00:01Z')).toBe(true);
  });

  it('matches IPv4 and IPv6 ranges, never across families', () => {
    expect(positive('IpAddress', '203.0.113.0/24', '203.0.113.77')).toBe(true);
    expect(positive('IpAddress', '203.0.113.0/24', '203.0.114.1')).toBe(false);
    expect(positive('IpAddress', '203.0.113.9', '203.0.113.9')).toBe(true);
    expect(positive('IpAddress', '0.0.0.0/0', '8.8.8.8')).toBe(true);
    expect(positive('IpAddress', '2001:db8::/32', '2001:DB8:1234::1')).toBe(true);
    expect(positive('IpAddress', '2001:db8::/33', '2001:db8:8000::1')).toBe(false);
    expect(positive('IpAddress', '0.0.0.0/0', '2001:db8::1')).toBe(false);
    expect(positive('IpAddress', '::/0', '10.0.0.1')).toBe(false);
    expect(positive('IpAddress', '10.0.0.0/8', '10.1')).toBe(false); // not a four-part address
  });

  it('compares ARNs field by field and booleans and binary values', () => {
    expect(positive('ArnLike', 'arn:aws:iam::*:role/admin-*', 'arn:aws:iam::111122223333:role/admin-x')).toBe(true);
    expect(positive('ArnEquals', 'arn:aws:iam::*:role/admin-*', 'arn:aws:iam::111122223333:role/admin-x')).toBe(true);
    expect(positive('ArnLike', 'arn:aws:iam::*:role/x', 'not-an-arn')).toBe(false);
    expect(positive('Bool', 'true', 'TRUE')).toBe(true);
    expect(positive('BinaryEquals', 'QmluYXJ5', 'QmluYXJ5')).toBe(true);
    expect(positive('BinaryEquals', 'QmluYXJ5', 'QmluYXJ6')).toBe(false);
  });

  it('rejects malformed policy values with a diagnostic code', () => {
    const bad = (name: string, v: string) => {
      const r = conditionOperator(name)?.parsePolicy({ text: v, tokens: [v] });
      return r?.ok === false ? r.code : 'ok';
    };
    expect(bad('IpAddress', '10.0.0.0/33')).toBe('policy/invalid-cidr');
    expect(bad('IpAddress', '2001:db8::/129')).toBe('policy/invalid-cidr');
    expect(bad('NumericEquals', '1,000')).toBe('policy/invalid-number');
    expect(bad('DateEquals', 'tomorrow')).toBe('policy/invalid-date');
    expect(bad('Bool', 'yes')).toBe('policy/invalid-bool');
    expect(bad('BinaryEquals', '!!')).toBe('policy/invalid-base64');
    expect(bad('ArnLike', 'arn:aws')).toBe('policy/invalid-arn');
    expect(bad('StringEquals', 'anything')).toBe('ok');
  });
});

describe('request value parsers agree with their slow references', () => {
  it('IPv4 and IPv6 parsing agrees with ipaddr.js', async () => {
    const fc = (await import('fast-check')).default;
    const ipaddr = (await import('ipaddr.js')).default;
    const { parseIpAddress } = await import('../ip.js');
    const hex = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));
    const v6 = fc.tuple(fc.array(hex, { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 }), fc.boolean()).map(([g, a, b, v4tail]) => {
      const lo = Math.min(a, b), hi = Math.max(a, b);
      const parts = [...g];
      if (v4tail) parts.splice(6, 2, `${parseInt(parts[6] ?? '0', 16) & 255}.1.2.${parseInt(parts[7] ?? '0', 16) & 255}`);
      if (hi > lo) return [...parts.slice(0, lo), '', ...parts.slice(hi)].join(':').replace(/^:(?!:)/, '::').replace(/(?<!:):$/, '::');
      return parts.join(':');
    });
    const v4 = fc.tuple(fc.nat(300), fc.nat(300), fc.nat(300), fc.nat(300)).map((o) => o.join('.'));
    const junk = fc.string({ unit: fc.constantFrom('1', 'a', 'f', ':', '.', 'g', '0', ' '), maxLength: 20 });
    fc.assert(
      fc.property(fc.oneof(v6, v4, junk), (text) => {
        const ours = parseIpAddress(text);
        const s = text.trim();
        const theirs = ipaddr.IPv4.isValidFourPartDecimal(s) ? ipaddr.IPv4.parse(s).toByteArray() : s.includes(':') && ipaddr.IPv6.isValid(s) ? ipaddr.IPv6.parse(s).toByteArray() : undefined;
        if (theirs === undefined) return ours === undefined;
        const words = [];
        for (let i = 0; i < theirs.length; i += 4) words.push((((theirs[i] ?? 0) << 24) | ((theirs[i + 1] ?? 0) << 16) | ((theirs[i + 2] ?? 0) << 8) | (theirs[i + 3] ?? 0)) >>> 0);
        return ours !== undefined && JSON.stringify(ours.words) === JSON.stringify(words) && ours.v6 === (theirs.length === 16);
      }),
      { numRuns: 20_000 },
    );
  });

  it('the ISO 8601 fast path agrees with the general date parser', async () => {
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2199-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        const text = d.toISOString().replace(/\.\d{3}Z$/, 'Z');
        return parseDate(text) === Math.floor(d.getTime() / 1000) * 1000 && parseDate(` ${text}`) === parseDate(text);
      }),
      { numRuns: 5000 },
    );
    expect(parseDate('2024-02-29T12:00:00Z')).toBe(Date.UTC(2024, 1, 29, 12));
    expect(parseDate('2023-02-29T12:00:00Z')).toBeUndefined();
  });
});
