/**
 * Hostile input: whatever the text, parsing and validating end with diagnostics, never a crash or
 * a hang (the test timeout is the bound), and nothing is evaluated from a broken document.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePolicySet, InvalidPolicyError, createAuthorizer } from './authorizer.js';
import { parseScenario } from './scenario.js';
import { validatePolicy } from './validator/validate.js';

const statement = (extra: object) => ({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', ...extra });
const doc = (...s: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: s });

describe('hostile input', () => {
  it('survives random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const ds = validatePolicy(text, { policyType: 'identity' });
        expect(Array.isArray(ds)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('survives random JSON values in every position', () => {
    const anyJson = fc.jsonValue({ maxDepth: 4 });
    fc.assert(
      fc.property(anyJson, anyJson, anyJson, anyJson, (action, resource, condition, principal) => {
        const text = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource, Condition: condition, Principal: principal }] });
        for (const policyType of ['identity', 'resource'] as const) {
          const ds = validatePolicy(text, { policyType });
          expect(ds.some((d) => d.severity === 'error') || ds.length >= 0).toBe(true);
        }
        const r = compilePolicySet({ identity: [text] });
        expect(r.authorizer !== undefined || r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses nesting bombs before parsing', () => {
    const bomb = '['.repeat(200_000) + ']'.repeat(200_000);
    const ds = validatePolicy(bomb, { policyType: 'identity' });
    expect(ds[0]?.message).toContain('nests deeper');
    const scenario = parseScenario(`{"request": ${'['.repeat(100_000)}}`);
    expect(scenario.ok).toBe(false);
  });

  it('refuses a 10 MB policy without reading it', () => {
    const huge = doc(statement({ Action: Array.from({ length: 700_000 }, (_, i) => `s3:Get${i}`) }));
    expect(huge.length).toBeGreaterThan(10_000_000);
    const ds = validatePolicy(huge, { policyType: 'identity' });
    expect(ds.map((d) => d.code)).toEqual(['policy/too-large']);
    expect(() => createAuthorizer({ identity: [huge] })).toThrow(InvalidPolicyError);
  });

  it('handles a scenario with huge arrays within its size limit', () => {
    const policy = { Version: '2012-10-17', Statement: [statement({ Resource: Array.from({ length: 200_000 }, (_, i) => `arn:aws:s3:::b/${i}`) })] };
    const text = JSON.stringify({ request: { principal: 'arn:aws:iam::111122223333:user/a', action: 's3:GetObject', resource: 'arn:aws:s3:::b/199999' }, policies: { identity: [policy] } });
    const r = parseScenario(text);
    expect(r.ok).toBe(true);
  });

  it('reports bad CIDRs, dates, numbers and ARNs as errors and refuses to compile them', () => {
    const bad = doc(
      statement({ Condition: { IpAddress: { 'aws:SourceIp': ['10.0.0.0/99', '1.2.3', '::g'] } } }),
      statement({ Condition: { DateLessThan: { 'aws:CurrentTime': ['2026-99-01', '1e99'] } } }),
      statement({ Condition: { NumericEquals: { 'aws:MultiFactorAuthAge': ['NaN', 'Infinity', ''] } } }),
      statement({ Resource: ['arn:', 'arn:aws', 'arn:aws:s3:::'] }),
    );
    const codes = validatePolicy(bad, { policyType: 'identity' }).map((d) => d.code);
    for (const c of ['policy/invalid-cidr', 'policy/invalid-date', 'policy/invalid-number', 'policy/invalid-arn']) expect(codes).toContain(c);
    expect(() => createAuthorizer({ identity: [bad] })).toThrow(/invalid policy set/);
  });

  it('refuses scenario requests of the wrong shape with paths', () => {
    const r = parseScenario('{"request": {"principal": 7, "action": "s3:GetObject", "context": {"k": {"nested": true}}}, "policies": {"identity": {}}}');
    expect(r.ok).toBe(false);
    const paths = r.diagnostics.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['request.principal', 'request', 'request.context.k']));
  });
});
