/**
 * Hand-written cases for the reference interpreter's conditions and policy variables
 * (docs/semantics.md, "Conditions" and "Policy variables"). Expected outcomes come from the
 * documented rules, not from running the code.
 */
import { describe, expect, it } from 'vitest';
import { A, ADMIN_SESSION, ALICE, decide, holds, missingOf, underCondition } from './reference-test-helpers.js';

describe('string operators', () => {
  it('StringEquals is exact and case-sensitive', () => {
    expect(holds({ StringEquals: { 'aws:PrincipalTag/team': 'red' } }, { 'aws:PrincipalTag/team': 'red' })).toBe(true);
    expect(holds({ StringEquals: { 'aws:PrincipalTag/team': 'red' } }, { 'aws:PrincipalTag/team': 'Red' })).toBe(false);
  });
  it('StringEqualsIgnoreCase folds case; StringNotEqualsIgnoreCase negates it', () => {
    expect(holds({ StringEqualsIgnoreCase: { 'aws:PrincipalTag/team': 'RED' } }, { 'aws:PrincipalTag/team': 'red' })).toBe(true);
    expect(holds({ StringNotEqualsIgnoreCase: { 'aws:PrincipalTag/team': 'RED' } }, { 'aws:PrincipalTag/team': 'red' })).toBe(false);
  });
  it('StringLike uses * and ?, case-sensitively; StringEquals treats them as characters', () => {
    expect(holds({ StringLike: { 's3:prefix': 'home/*' } }, { 's3:prefix': 'home/alice/' })).toBe(true);
    expect(holds({ StringLike: { 's3:prefix': 'te?m' } }, { 's3:prefix': 'team' })).toBe(true);
    expect(holds({ StringLike: { 's3:prefix': 'Home/*' } }, { 's3:prefix': 'home/alice/' })).toBe(false);
    expect(holds({ StringEquals: { 's3:prefix': 'home/*' } }, { 's3:prefix': 'home/alice/' })).toBe(false);
  });
  it('several values for one key are alternatives', () => {
    expect(holds({ StringEquals: { 'aws:PrincipalTag/team': ['blue', 'red'] } }, { 'aws:PrincipalTag/team': 'red' })).toBe(true);
  });
  it('a negated operator holds when the value equals none of the policy values', () => {
    expect(holds({ StringNotEquals: { 'aws:PrincipalTag/team': ['blue', 'red'] } }, { 'aws:PrincipalTag/team': 'green' })).toBe(true);
    expect(holds({ StringNotEquals: { 'aws:PrincipalTag/team': ['blue', 'red'] } }, { 'aws:PrincipalTag/team': 'red' })).toBe(false);
  });
  it('context key names are case-insensitive, tag part included', () => {
    expect(holds({ StringEquals: { 'AWS:PRINCIPALTAG/TEAM': 'red' } }, { 'aws:principaltag/team': 'red' })).toBe(true);
  });
});

describe('numeric, date, bool, binary', () => {
  it('Numeric compares numbers, accepting JSON numbers in the policy', () => {
    expect(holds({ NumericEquals: { 'aws:MultiFactorAuthAge': '3600.0' } }, { 'aws:MultiFactorAuthAge': '3600' })).toBe(true);
    expect(holds({ NumericLessThan: { 'aws:MultiFactorAuthAge': 300 } }, { 'aws:MultiFactorAuthAge': '12.5' })).toBe(true);
    expect(holds({ NumericGreaterThanEquals: { 'aws:MultiFactorAuthAge': '300' } }, { 'aws:MultiFactorAuthAge': '-1' })).toBe(false);
  });
  it('a request value that is not a number matches nothing (so NumericNotEquals holds)', () => {
    expect(holds({ NumericEquals: { 'aws:MultiFactorAuthAge': '300' } }, { 'aws:MultiFactorAuthAge': 'abc' })).toBe(false);
    expect(holds({ NumericNotEquals: { 'aws:MultiFactorAuthAge': '300' } }, { 'aws:MultiFactorAuthAge': 'abc' })).toBe(true);
  });
  it('Date compares instants: ISO 8601 with Z or an offset, and epoch seconds', () => {
    const at = { 'aws:CurrentTime': '2026-03-01T12:00:00Z' };
    expect(holds({ DateEquals: { 'aws:CurrentTime': 1772366400 } }, at)).toBe(true);
    expect(holds({ DateEquals: { 'aws:CurrentTime': '2026-03-01T13:00:00+01:00' } }, at)).toBe(true);
    expect(holds({ DateEquals: { 'aws:CurrentTime': '2026-03-01T12:00:00Z' } }, { 'aws:CurrentTime': '1772366400' })).toBe(true);
    expect(holds({ DateGreaterThan: { 'aws:CurrentTime': '2026-01-01' } }, at)).toBe(true);
    expect(holds({ DateLessThan: { 'aws:CurrentTime': '2026-01-01' } }, at)).toBe(false);
  });
  it('an unparsable or impossible date matches nothing', () => {
    expect(holds({ DateLessThan: { 'aws:CurrentTime': '2030-01-01' } }, { 'aws:CurrentTime': 'yesterday' })).toBe(false);
    expect(holds({ DateLessThan: { 'aws:CurrentTime': '2030-01-01' } }, { 'aws:CurrentTime': '2026-02-30T00:00:00Z' })).toBe(false);
    expect(holds({ DateNotEquals: { 'aws:CurrentTime': 'bad' } }, { 'aws:CurrentTime': '2026-03-01T12:00:00Z' })).toBe(true);
  });
  it('Bool is case-insensitive and accepts a JSON boolean; other words match nothing', () => {
    expect(holds({ Bool: { 'aws:MultiFactorAuthPresent': true } }, { 'aws:MultiFactorAuthPresent': 'TRUE' })).toBe(true);
    expect(holds({ Bool: { 'aws:MultiFactorAuthPresent': 'false' } }, { 'aws:MultiFactorAuthPresent': 'true' })).toBe(false);
    expect(holds({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } }, { 'aws:MultiFactorAuthPresent': 'maybe' })).toBe(false);
  });
  it('BinaryEquals compares decoded bytes', () => {
    expect(holds({ BinaryEquals: { 'kms:CiphertextBlob': 'QUJD' } }, { 'kms:CiphertextBlob': 'QUJD' })).toBe(true);
    expect(holds({ BinaryEquals: { 'kms:CiphertextBlob': 'QUJD' } }, { 'kms:CiphertextBlob': 'QUJE' })).toBe(false);
    // "QR==" has non-zero padding bits but decodes to the same single byte as "QQ==".
    expect(holds({ BinaryEquals: { 'kms:CiphertextBlob': 'QQ==' } }, { 'kms:CiphertextBlob': 'QR==' })).toBe(true);
    expect(holds({ BinaryEquals: { 'kms:CiphertextBlob': 'QUJD' } }, { 'kms:CiphertextBlob': '!!' })).toBe(false);
  });
});

describe('IP and ARN operators', () => {
  it('IpAddress checks v4 and v6 ranges and single addresses', () => {
    expect(holds({ IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { 'aws:SourceIp': '10.1.2.3' })).toBe(true);
    expect(holds({ IpAddress: { 'aws:SourceIp': '10.1.2.3' } }, { 'aws:SourceIp': '10.1.2.3' })).toBe(true);
    expect(holds({ IpAddress: { 'aws:SourceIp': '192.168.0.0/16' } }, { 'aws:SourceIp': '10.1.2.3' })).toBe(false);
    expect(holds({ IpAddress: { 'aws:SourceIp': '2001:db8::/32' } }, { 'aws:SourceIp': '2001:db8::5' })).toBe(true);
  });
  it('a v4 range never holds a v6 address, not even an IPv4-mapped one', () => {
    expect(holds({ IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, { 'aws:SourceIp': '::ffff:10.1.2.3' })).toBe(false);
    expect(holds({ NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { 'aws:SourceIp': '::ffff:10.1.2.3' })).toBe(true);
  });
  it('an address that does not parse matches no range', () => {
    expect(holds({ IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, { 'aws:SourceIp': 'not-an-ip' })).toBe(false);
    expect(holds({ NotIpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, { 'aws:SourceIp': 'not-an-ip' })).toBe(true);
  });
  it('ArnLike and ArnEquals compare field by field with wildcards that stay in their field', () => {
    const ctx = { 'aws:SourceArn': `arn:aws:sqs:us-east-1:${A}:queue-a` };
    expect(holds({ ArnLike: { 'aws:SourceArn': `arn:aws:sqs:*:${A}:*` } }, ctx)).toBe(true);
    expect(holds({ ArnEquals: { 'aws:SourceArn': 'arn:aws:sqs:us-east-?:*:queue-a' } }, ctx)).toBe(true);
    expect(holds({ ArnLike: { 'aws:SourceArn': 'arn:aws:sqs:*:queue-a' } }, { 'aws:SourceArn': `arn:aws:logs:us-east-1:${A}:log-group:app` })).toBe(false);
    expect(holds({ ArnLike: { 'aws:SourceArn': 'arn:aws:logs:*:log-group:app' } }, { 'aws:SourceArn': `arn:aws:logs:us-east-1:${A}:log-group:app` })).toBe(false);
    expect(holds({ ArnLike: { 'aws:SourceArn': `arn:aws:logs:us-east-1:${A}:log-group:*` } }, { 'aws:SourceArn': `arn:aws:logs:us-east-1:${A}:log-group:app` })).toBe(true);
  });
  it('a request value that is not an ARN matches nothing; ArnNotLike negates', () => {
    expect(holds({ ArnLike: { 'aws:SourceArn': 'arn:*:*:*:*:*' } }, { 'aws:SourceArn': 'not-an-arn' })).toBe(false);
    expect(holds({ ArnNotLike: { 'aws:SourceArn': `arn:aws:iam::${A}:role/*` } }, { 'aws:SourceArn': 'arn:aws:s3:::reports' })).toBe(true);
  });
});

describe('missing keys, IfExists, Null and set operators', () => {
  it('a missing key makes a positive operator false and a negated one true, and is reported either way', () => {
    const positive = underCondition({ StringEquals: { 'aws:PrincipalTag/team': 'red' } });
    expect(positive.decision).toBe('ImplicitDeny');
    expect(missingOf(positive)).toEqual(['aws:principaltag/team']);
    const negated = underCondition({ StringNotEquals: { 'aws:PrincipalTag/team': 'red' } });
    expect(negated.decision).toBe('Allow');
    expect(missingOf(negated)).toEqual(['aws:principaltag/team']);
  });
  it('IfExists: a missing key holds (and is reported); a present key is compared', () => {
    const missing = underCondition({ StringEqualsIfExists: { 'aws:PrincipalTag/team': 'red' } });
    expect(missing.decision).toBe('Allow');
    expect(missingOf(missing)).toEqual(['aws:principaltag/team']);
    expect(holds({ StringEqualsIfExists: { 'aws:PrincipalTag/team': 'red' } }, { 'aws:PrincipalTag/team': 'blue' })).toBe(false);
  });
  it('an empty list is a missing key', () => {
    expect(holds({ Null: { 'aws:TagKeys': 'true' } }, { 'aws:TagKeys': [] })).toBe(true);
    expect(holds({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'env' } }, { 'aws:TagKeys': [] })).toBe(false);
    expect(holds({ 'ForAllValues:StringEquals': { 'aws:TagKeys': 'env' } }, { 'aws:TagKeys': [] })).toBe(true);
  });
  it('Null tests presence and never reports the key missing', () => {
    const d = underCondition({ Null: { 'aws:SourceIp': 'true' } });
    expect(d.decision).toBe('Allow');
    expect(d.missingContextKeys).toEqual([]);
    expect(holds({ Null: { 'aws:SourceIp': 'false' } }, { 'aws:SourceIp': '10.1.2.3' })).toBe(true);
    expect(holds({ Null: { 'aws:SourceIp': 'false' } })).toBe(false);
  });
  it('a multi-valued key without set operator: positive when any value matches, negated when none does', () => {
    const ctx = { 'aws:TagKeys': ['env', 'team'] };
    expect(holds({ StringEquals: { 'aws:TagKeys': 'team' } }, ctx)).toBe(true);
    expect(holds({ StringNotEquals: { 'aws:TagKeys': 'team' } }, ctx)).toBe(false);
    expect(holds({ StringNotEquals: { 'aws:TagKeys': 'owner' } }, ctx)).toBe(true);
  });
  it('ForAnyValue needs one request value to satisfy the operator; missing is false', () => {
    expect(holds({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team', 'x'] } }, { 'aws:TagKeys': ['env', 'team'] })).toBe(true);
    expect(holds({ 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': 'env' } }, { 'aws:TagKeys': ['env', 'team'] })).toBe(true);
    expect(holds({ 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': 'env' } }, { 'aws:TagKeys': ['env'] })).toBe(false);
    expect(missingOf(underCondition({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'env' } }))).toEqual(['aws:tagkeys']);
  });
  it('ForAllValues needs every request value to satisfy the operator; missing is true but reported', () => {
    expect(holds({ 'ForAllValues:StringLike': { 'aws:TagKeys': ['env', 'te*'] } }, { 'aws:TagKeys': ['env', 'team'] })).toBe(true);
    expect(holds({ 'ForAllValues:StringEquals': { 'aws:TagKeys': 'env' } }, { 'aws:TagKeys': ['env', 'team'] })).toBe(false);
    expect(holds({ 'ForAllValues:StringNotEquals': { 'aws:TagKeys': 'owner' } }, { 'aws:TagKeys': ['env', 'team'] })).toBe(true);
    const missing = underCondition({ 'ForAllValues:StringEquals': { 'aws:TagKeys': 'env' } });
    expect(missing.decision).toBe('Allow');
    expect(missingOf(missing)).toEqual(['aws:tagkeys']);
  });
  it('ForAnyValue ignores IfExists on a missing key (as AWS does)', () => {
    expect(holds({ 'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': 'env' } })).toBe(false);
  });
  it('operators AND, keys AND; evaluation stops at the first false key, so later keys are not reported', () => {
    const condition = { StringEquals: { 'aws:PrincipalTag/team': 'red', 'aws:PrincipalTag/env': 'prod' }, Bool: { 'aws:SecureTransport': 'true' } };
    expect(holds(condition, { 'aws:PrincipalTag/team': 'red', 'aws:PrincipalTag/env': 'prod', 'aws:SecureTransport': 'true' })).toBe(true);
    const stopped = underCondition(condition, { 'aws:PrincipalTag/team': 'blue' });
    expect(stopped.decision).toBe('ImplicitDeny');
    expect(stopped.missingContextKeys).toEqual([]);
    const firstMissing = underCondition(condition);
    expect(firstMissing.missingContextKeys).toEqual(['aws:PrincipalTag/team']);
  });
});

describe('derived context keys', () => {
  it('aws:PrincipalArn of a session is the role ARN; aws:username exists for users only', () => {
    expect(holds({ ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${A}:role/Admin` } }, {}, ADMIN_SESSION)).toBe(true);
    expect(holds({ StringEquals: { 'aws:username': 'alice' } })).toBe(true);
    expect(missingOf(underCondition({ StringEquals: { 'aws:username': 'alice' } }, {}, ADMIN_SESSION))).toEqual(['aws:username']);
  });
  it('aws:PrincipalType, aws:PrincipalAccount, aws:ResourceAccount and aws:PrincipalIsAWSService', () => {
    expect(holds({ StringEquals: { 'aws:PrincipalType': 'AssumedRole', 'aws:PrincipalAccount': A } }, {}, ADMIN_SESSION)).toBe(true);
    expect(holds({ StringEquals: { 'aws:PrincipalType': 'Account' } }, {}, `arn:aws:iam::${A}:root`)).toBe(true);
    expect(holds({ StringEquals: { 'aws:ResourceAccount': A }, Bool: { 'aws:PrincipalIsAWSService': 'false' } })).toBe(true);
  });
  it('a context value overrides the derived one', () => {
    expect(holds({ StringEquals: { 'aws:username': 'mallory' } }, { 'aws:UserName': 'mallory' })).toBe(true);
  });
});

describe('policy variables', () => {
  const home = (version?: string, pattern = 'arn:aws:s3:::home/${aws:username}/*'): Record<string, unknown> => ({
    ...(version === undefined ? {} : { Version: version }),
    Statement: [{ Effect: 'Allow', Action: '*', Resource: pattern }],
  });
  it('are substituted under 2012-10-17', () => {
    expect(decide({ resource: 'arn:aws:s3:::home/alice/x' }, { identity: [home('2012-10-17')] }).decision).toBe('Allow');
    expect(decide({ resource: 'arn:aws:s3:::home/bob/x' }, { identity: [home('2012-10-17')] }).decision).toBe('ImplicitDeny');
  });
  it('are literal text under 2008-10-17 or without Version, and nothing is reported', () => {
    const d = decide({ resource: 'arn:aws:s3:::home/alice/x' }, { identity: [home('2008-10-17'), home()] });
    expect(d.decision).toBe('ImplicitDeny');
    expect(d.missingContextKeys).toEqual([]);
    expect(decide({ resource: 'arn:aws:s3:::home/${aws:username}/x' }, { identity: [home()] }).decision).toBe('Allow');
  });
  it('an unresolvable variable matches nothing and its key is reported', () => {
    const d = decide({ principal: ADMIN_SESSION, resource: 'arn:aws:s3:::home/Admin/x' }, { identity: [home('2012-10-17')] });
    expect(d.decision).toBe('ImplicitDeny');
    expect(d.missingContextKeys).toEqual(['aws:username']);
  });
  it("a default is used when the key is missing, and the key is then not reported", () => {
    const d = decide({ principal: ADMIN_SESSION, resource: 'arn:aws:s3:::home/guest/x' }, { identity: [home('2012-10-17', "arn:aws:s3:::home/${aws:username, 'guest'}/*")] });
    expect(d.decision).toBe('Allow');
    expect(d.missingContextKeys).toEqual([]);
  });
  it('substituted text is literal: wildcards in a value do not act as wildcards', () => {
    const policy = { identity: [home('2012-10-17', 'arn:aws:s3:::t/${aws:PrincipalTag/team}/*')] };
    const context = { 'aws:PrincipalTag/team': 'a*b' };
    expect(decide({ resource: 'arn:aws:s3:::t/a*b/x', context }, policy).decision).toBe('Allow');
    expect(decide({ resource: 'arn:aws:s3:::t/aXb/x', context }, policy).decision).toBe('ImplicitDeny');
  });
  it('${*} is a literal asterisk', () => {
    expect(holds({ StringLike: { 's3:prefix': 'a${*}b' } }, { 's3:prefix': 'a*b' })).toBe(true);
    expect(holds({ StringLike: { 's3:prefix': 'a${*}b' } }, { 's3:prefix': 'aXb' })).toBe(false);
  });
  it('a multi-valued key cannot be a variable; it is reported missing', () => {
    const d = underCondition({ StringEquals: { 's3:prefix': '${aws:TagKeys}' } }, { 's3:prefix': 'env', 'aws:TagKeys': ['env', 'team'] });
    expect(d.decision).toBe('ImplicitDeny');
    expect(missingOf(d)).toEqual(['aws:tagkeys']);
  });
  it('in a condition value, the resolved variable is compared to the request', () => {
    expect(holds({ StringEquals: { 's3:prefix': 'home/${aws:username}/' } }, { 's3:prefix': 'home/alice/' }, ALICE)).toBe(true);
  });
  it('NotResource with an unresolvable pattern: the pattern matches nothing, so NotResource applies', () => {
    const policy = { identity: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::home/${aws:username}/*' }] }] };
    const d = decide({ principal: ADMIN_SESSION, resource: 'arn:aws:s3:::home/Admin/x' }, policy);
    expect(d.decision).toBe('Allow');
    expect(d.missingContextKeys).toEqual(['aws:username']);
  });
});
