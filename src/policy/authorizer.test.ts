import { describe, expect, it } from 'vitest';
import { compilePolicySet, createAuthorizer, InvalidPolicyError } from './authorizer.js';
import { explain } from './explain.js';

const alice = 'arn:aws:iam::111122223333:user/alice';
const read = { Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::reports/*' }] };

describe('compiled authorizer', () => {
  it('decides with the deciding statement and its source location', () => {
    const text = JSON.stringify(read, null, 2);
    const a = createAuthorizer({ identity: [text] });
    const d = a.authorize({ principal: alice, action: 'S3:GETOBJECT', resource: 'arn:aws:s3:::reports/q3.csv' });
    expect(d.decision).toBe('Allow');
    expect(d.decidingStatements).toEqual([expect.objectContaining({ policyName: 'identity[0]', sid: 'Read', statementIndex: 0, location: expect.objectContaining({ line: 4, source: 'identity[0]' }) })]);
    expect(d.crossAccount).toBe(false);
  });

  it('updates one policy without touching the others, and drops cached plans', () => {
    const a = createAuthorizer({ identity: [read], boundary: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } });
    const req = { principal: alice, action: 's3:GetObject', resource: 'arn:aws:s3:::reports/q3.csv' };
    expect(a.authorize(req).decision).toBe('Allow');
    const before = a.policies.find((p) => p.name === 'identity[0]');
    expect(a.updatePolicy('boundary', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }] })).toEqual([]);
    expect(a.policies.find((p) => p.name === 'identity[0]')).toBe(before);
    const d = a.authorize(req);
    expect(d.decision).toBe('ImplicitDeny');
    expect(d.implicitDeny?.policyType).toBe('boundary');
  });

  it('keeps the old policy when an update has errors', () => {
    const a = createAuthorizer({ identity: [read] });
    const ds = a.updatePolicy('identity[0]', '{"Version": "2012-10-17", "Statement": {"Effect": "Maybe"}}');
    expect(ds.some((d) => d.severity === 'error')).toBe(true);
    expect(a.authorize({ principal: alice, action: 's3:GetObject', resource: 'arn:aws:s3:::reports/x' }).decision).toBe('Allow');
    expect(() => a.updatePolicy('identity[7]', read)).toThrow(/no policy named/);
  });

  it('refuses an invalid set with diagnostics naming the policy', () => {
    try {
      createAuthorizer({ identity: [read, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': 'nope' } } }] }] });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidPolicyError);
      expect((e as InvalidPolicyError).diagnostics[0]).toMatchObject({ code: 'policy/invalid-cidr', policy: 'identity[1]' });
    }
    expect(compilePolicySet({ identity: ['{'] }).authorizer).toBeUndefined();
  });

  it('reports context keys that were consulted but missing', () => {
    const a = createAuthorizer({
      identity: [{ Version: '2012-10-17', Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEqualsIfExists: { 'tessera:NetworkZone': 'corporate' }, Bool: { 'tessera:DeviceManaged': 'true' } } },
      ] }],
    });
    const d = a.authorize({ principal: alice, action: 's3:GetObject', resource: 'arn:aws:s3:::x' });
    expect(d.decision).toBe('ImplicitDeny');
    expect(d.missingContextKeys).toEqual(['tessera:DeviceManaged', 'tessera:NetworkZone']);
  });

  it('answers many different actions through the bounded plan cache', () => {
    const a = createAuthorizer({ identity: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }] });
    for (let i = 0; i < 25_000; i++) expect(a.authorize({ principal: alice, action: `s3:Action${i}`, resource: '*' }).decision).toBe('Allow');
    expect(a.authorize({ principal: alice, action: 'ec2:RunInstances', resource: '*' }).decision).toBe('ImplicitDeny');
  });

  it('explains every statement, and agrees with authorize', () => {
    const a = createAuthorizer({ identity: [read, { Version: '2012-10-17', Statement: [{ Sid: 'NoSecrets', Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::reports/secret/*' }] }] });
    const req = { principal: alice, action: 's3:GetObject', resource: 'arn:aws:s3:::reports/secret/x' };
    const e = explain(a, req);
    expect(e.decision).toEqual(a.authorize(req));
    expect(e.decision.decision).toBe('ExplicitDeny');
    expect(e.steps[0]).toMatchObject({ step: 'explicit-deny', outcome: 'deny' });
    expect(e.statements.map((s) => [s.ref.sid, s.applies])).toEqual([['Read', true], ['NoSecrets', true]]);
  });
});
