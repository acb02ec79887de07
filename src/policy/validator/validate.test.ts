import { beforeAll, describe, expect, it } from 'vitest';
import { testCatalog } from '../../../test/support/catalog.js';
import { POLICY_CHECKS, type PolicyDiagnosticCode } from '../diagnostics.js';
import type { PolicyType } from '../request.js';
import type { ServiceCatalog } from '../service-catalog.js';
import { validatePolicy } from './validate.js';

let catalog: ServiceCatalog;
beforeAll(async () => {
  catalog = await testCatalog();
});

const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);
const allow = (extra: object = {}) => ({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*', ...extra });

interface Case {
  readonly code: PolicyDiagnosticCode;
  readonly policy: string | object;
  readonly type?: PolicyType;
  /** The 1-based line the finding must point at, when the location is the point. */
  readonly line?: number;
}

/** One triggering document per check. A test below makes sure every registered check is here. */
const CASES: readonly Case[] = [
  { code: 'policy/json-syntax', policy: '{"Version": "2012-10-17", "Statement": [}', line: 1 },
  { code: 'policy/duplicate-key', policy: '{\n"Version": "2012-10-17",\n"Statement": [],\n"Statement": []\n}', line: 4 },
  { code: 'policy/document-not-object', policy: '[1, 2]' },
  { code: 'policy/unknown-element', policy: '{"Version": "2012-10-17", "Statements": []}' },
  { code: 'policy/missing-statement', policy: '{"Version": "2012-10-17"}' },
  { code: 'policy/empty-statement', policy: '{"Version": "2012-10-17", "Statement": []}' },
  { code: 'policy/invalid-type', policy: doc(allow({ Action: 42 })) },
  { code: 'policy/missing-effect', policy: doc({ Action: 's3:GetObject', Resource: '*' }) },
  { code: 'policy/invalid-effect', policy: doc(allow({ Effect: 'allow' })) },
  { code: 'policy/missing-action', policy: doc({ Effect: 'Allow', Resource: '*' }) },
  { code: 'policy/action-and-not-action', policy: doc(allow({ NotAction: 's3:PutObject' })) },
  { code: 'policy/missing-resource', policy: doc({ Effect: 'Allow', Action: 's3:GetObject' }) },
  { code: 'policy/resource-and-not-resource', policy: doc(allow({ NotResource: 'arn:aws:s3:::other/*' })) },
  { code: 'policy/principal-and-not-principal', type: 'resource', policy: doc(allow({ Principal: '*', NotPrincipal: { AWS: '111122223333' } })) },
  { code: 'policy/principal-not-allowed', policy: doc(allow({ Principal: { AWS: '111122223333' } })) },
  { code: 'policy/missing-principal', type: 'resource', policy: doc(allow()) },
  { code: 'policy/rcp-principal', type: 'rcp', policy: doc({ Effect: 'Deny', Principal: { AWS: '111122223333' }, Action: 's3:*', Resource: '*' }) },
  { code: 'policy/empty-list', policy: doc(allow({ Action: [] })) },
  { code: 'policy/empty-value', policy: doc(allow({ Resource: ['arn:aws:s3:::bucket/*', ' '] })) },
  { code: 'policy/invalid-version', policy: '{"Version": "2012-10-18", "Statement": []}' },
  { code: 'policy/invalid-sid', policy: doc(allow({ Sid: 'read reports!' })) },
  { code: 'policy/duplicate-sid', policy: doc(allow({ Sid: 'Read' }), allow({ Sid: 'Read', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::bucket' })) },
  { code: 'policy/invalid-action', policy: doc(allow({ Action: 's3GetObject' })) },
  { code: 'policy/unknown-operator', policy: doc(allow({ Condition: { StringEqual: { 'aws:PrincipalTag/team': 'a' } } })) },
  { code: 'policy/condition-values-empty', policy: doc(allow({ Condition: { StringEquals: { 'aws:PrincipalTag/team': [] } } })) },
  { code: 'policy/invalid-principal', type: 'resource', policy: doc(allow({ Principal: { AWS: 'alice' } })) },
  { code: 'policy/principal-wildcard', type: 'resource', policy: doc(allow({ Principal: { AWS: 'arn:aws:iam::111122223333:role/*' } })) },
  { code: 'policy/too-large', policy: ' '.repeat(1_000_001) },
  { code: 'policy/invalid-arn', policy: doc(allow({ Resource: 'arn:aws:s3' })) },
  { code: 'policy/invalid-cidr', policy: doc(allow({ Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.300/8' } } })) },
  { code: 'policy/invalid-date', policy: doc(allow({ Condition: { DateLessThan: { 'aws:CurrentTime': '2026-02-30T00:00:00Z' } } })) },
  { code: 'policy/invalid-number', policy: doc(allow({ Condition: { NumericLessThan: { 's3:max-keys': 'ten' } } })) },
  { code: 'policy/invalid-bool', policy: doc(allow({ Condition: { Bool: { 'aws:SecureTransport': 'yes' } } })) },
  { code: 'policy/invalid-base64', policy: doc(allow({ Condition: { BinaryEquals: { 'aws:PrincipalTag/blob': 'not base64!' } } })) },
  { code: 'policy/invalid-variable', policy: doc(allow({ Resource: 'arn:aws:s3:::bucket/${aws:username' })) },
  { code: 'policy/null-with-modifier', policy: doc(allow({ Condition: { NullIfExists: { 'aws:TokenIssueTime': 'true' } } })) },
  { code: 'policy/unknown-service', policy: doc(allow({ Action: 's4:GetObject' })) },
  { code: 'policy/unknown-action', policy: doc(allow({ Action: 's3:GetObjekt' })) },
  { code: 'policy/action-pattern-matches-nothing', policy: doc(allow({ Action: 's3:Gett*' })) },
  { code: 'policy/unknown-condition-key', policy: doc(allow({ Condition: { StringEquals: { 'aws:SourceIpAddress': '10.0.0.1' } } })) },
  { code: 'policy/resource-type-mismatch', policy: doc(allow({ Resource: 'arn:aws:s3:::bucket' })) },
  { code: 'policy/operator-type-mismatch', policy: doc(allow({ Condition: { NumericEquals: { 'aws:SourceIp': '10' } } })) },
  { code: 'policy/set-operator-on-single-value-key', policy: doc(allow({ Condition: { 'ForAnyValue:StringEquals': { 'aws:PrincipalAccount': '111122223333' } } })) },
  { code: 'policy/multivalued-key-without-set-operator', policy: doc(allow({ Action: 'ec2:CreateTags', Resource: '*', Condition: { StringEquals: { 'aws:TagKeys': 'env' } } })) },
  { code: 'policy/ifexists-on-always-present-key', policy: doc(allow({ Condition: { DateLessThanIfExists: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } } })) },
  { code: 'policy/unknown-variable', policy: doc(allow({ Resource: 'arn:aws:s3:::bucket/${aws:usrname}/*' })) },
  { code: 'policy/variable-in-unsupported-operator', policy: doc(allow({ Condition: { NumericLessThan: { 's3:max-keys': '${aws:PrincipalTag/limit}' } } })) },
  { code: 'policy/missing-version', policy: JSON.stringify({ Statement: [allow()] }) },
  { code: 'policy/variables-need-version', policy: JSON.stringify({ Version: '2008-10-17', Statement: [allow({ Resource: 'arn:aws:s3:::bucket/${aws:username}/*' })] }) },
  { code: 'policy/old-version', policy: JSON.stringify({ Version: '2008-10-17', Statement: [allow()] }) },
  { code: 'policy/allow-not-action', policy: doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }) },
  { code: 'policy/allow-not-resource', policy: doc({ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' }) },
  { code: 'policy/allow-for-all-values', policy: doc(allow({ Action: 'ec2:CreateTags', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] } } })) },
  { code: 'policy/public-principal', type: 'resource', policy: doc(allow({ Principal: '*' })) },
  { code: 'policy/pass-role-star', policy: doc({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }) },
  { code: 'policy/mfa-bool-without-ifexists', policy: doc({ Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }) },
  { code: 'policy/wildcard-resource-for-scoped-action', policy: doc(allow({ Resource: '*' })) },
  { code: 'policy/wildcard-in-string-equals', policy: doc(allow({ Condition: { StringEquals: { 'aws:PrincipalTag/team': 'fin*' } } })) },
  { code: 'policy/like-without-wildcard', policy: doc(allow({ Condition: { StringLike: { 'aws:PrincipalTag/team': 'finance' } } })) },
  { code: 'policy/redundant-action', policy: doc(allow({ Action: ['s3:Get*', 's3:GetObject'] })) },
  { code: 'policy/redundant-resource', policy: doc(allow({ Resource: ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/reports/*'] })) },
  { code: 'policy/redundant-statement', policy: doc(allow({ Sid: 'Broad', Action: 's3:Get*' }), allow({ Sid: 'Narrow' })) },
  { code: 'policy/shadowed-statement', policy: doc(allow({ Sid: 'Read' }), { Sid: 'NoBucket', Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::bucket/*' }) },
  { code: 'policy/policy-size', type: 'session', policy: doc(...Array.from({ length: 40 }, (_, i) => allow({ Sid: `S${i}`, Resource: `arn:aws:s3:::bucket-number-${i}/*` }))) },
];

describe('validator', () => {
  it('has a triggering case for every registered policy check', () => {
    const covered = new Set(CASES.map((c) => c.code));
    const missing = Object.keys(POLICY_CHECKS).filter((c) => c.startsWith('policy/') && !covered.has(c as PolicyDiagnosticCode));
    expect(missing).toEqual([]);
    expect(covered.size).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES)('$code', ({ code, policy, type, line }) => {
    const ds = validatePolicy(typeof policy === 'string' ? policy : JSON.stringify(policy), { policyType: type ?? 'identity', catalog, source: 'p.json' });
    const hit = ds.find((d) => d.code === code);
    expect(hit, `expected ${code} in ${JSON.stringify(ds.map((d) => d.code))}`).toBeDefined();
    expect(hit?.severity).toBe(POLICY_CHECKS[code].severity);
    expect(hit?.message.length).toBeGreaterThan(5);
    expect(hit?.help.length).toBeGreaterThan(5);
    if (line !== undefined) expect(hit?.loc?.line).toBe(line);
  });

  it('finds nothing in a well-written policy', () => {
    const good = doc(
      { Sid: 'ReadReports', Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::reports/${aws:PrincipalTag/team}/*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' }, Bool: { 'aws:SecureTransport': 'true' } } },
      { Sid: 'ListReports', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::reports', Condition: { StringLike: { 's3:prefix': '${aws:PrincipalTag/team}/*' } } },
      { Sid: 'TagOnlyKnownKeys', Effect: 'Deny', Action: 'ec2:CreateTags', Resource: '*', Condition: { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['env', 'team'] } } },
    );
    expect(validatePolicy(good, { policyType: 'identity', catalog })).toEqual([]);
  });

  it('points at the offending value with file, line and column', () => {
    const text = '{\n  "Version": "2012-10-17",\n  "Statement": {\n    "Effect": "Allow",\n    "Action": "s3:GetObjekt",\n    "Resource": "arn:aws:s3:::b/*"\n  }\n}';
    const d = validatePolicy(text, { policyType: 'identity', catalog, source: 'x.json' }).find((x) => x.code === 'policy/unknown-action');
    expect(d?.loc).toMatchObject({ source: 'x.json', line: 5, column: 15 });
    expect(d?.help).toContain('GetObject');
    expect(d?.path).toBe('Statement.Action[0]'.replace('Statement.', 'Statement[0].'));
  });

  it('accepts the single-object and list forms alike', () => {
    const single = '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}';
    const list = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::b/*"]}]}';
    expect(validatePolicy(single, { policyType: 'identity', catalog })).toEqual([]);
    expect(validatePolicy(list, { policyType: 'identity', catalog })).toEqual([]);
  });

  it('does not report what is not there', () => {
    const codes = (p: string, type: PolicyType = 'identity') => validatePolicy(p, { policyType: type, catalog }).map((d) => d.code);
    expect(codes(doc(allow({ Condition: { StringLike: { 'aws:PrincipalTag/team': 'fin*' } } })))).not.toContain('policy/like-without-wildcard');
    expect(codes(doc(allow({ Action: 'ecs:RunTask', Resource: '*', Condition: { ArnEquals: { 'ecs:cluster': 'arn:aws:ecs:us-east-1:111122223333:cluster/prod' } } })))).not.toContain('policy/like-without-wildcard');
    expect(codes(doc({ Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }))).not.toContain('policy/mfa-bool-without-ifexists');
    expect(codes(doc(allow({ Action: 'ec2:CreateTags', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env'] }, Null: { 'aws:TagKeys': 'false' } } })))).not.toContain('policy/allow-for-all-values');
    expect(codes(doc(allow({ Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } })), 'resource')).not.toContain('policy/public-principal');
    expect(codes(doc({ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }))).not.toContain('policy/wildcard-resource-for-scoped-action');
    // ARN wildcards do not cross fields: `arn:aws:s3:::*` does not cover an EC2 ARN.
    expect(codes(doc(allow({ Action: ['s3:GetObject', 'ec2:DescribeInstances'], Resource: ['arn:aws:s3:::*', 'arn:aws:ec2:us-east-1:111122223333:instance/i-1'] })))).not.toContain('policy/redundant-resource');
  });

  it('skips catalog checks without a catalog', () => {
    const ds = validatePolicy(doc(allow({ Action: 's3:GetObjekt' })), { policyType: 'identity' });
    expect(ds.map((d) => d.code)).not.toContain('policy/unknown-action');
  });
});
