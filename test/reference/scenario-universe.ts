/**
 * The small finite universe the random scenarios are drawn from: few enough principals, actions,
 * resources and context values that patterns and conditions match often, yet every rule of
 * docs/semantics.md has something to bite on. Plain data so that an analysis test can enumerate it.
 *
 * Left out on purpose, because semantics.md does not settle them (see the report that came with
 * this file): `ForAnyValue:...IfExists` on a missing key, `Null` with a set operator or IfExists,
 * non-ARN values under Arn operators, one-element lists for keys used as variables, a role ARN or
 * a service principal with an explicit resourceAccount as caller, boundaries or session policies
 * for the root user, Allow with NotPrincipal, and context values for derived keys.
 */
import type { ContextValue } from '../../src/policy/request.js';

export const ACCOUNT_A = '111122223333';
export const ACCOUNT_B = '444455556666';

const ROLE_ADMIN = `arn:aws:iam::${ACCOUNT_A}:role/Admin`;
const ROLE_DEPLOY = `arn:aws:iam::${ACCOUNT_A}:role/ops/Deploy`;
const ROLE_READER = `arn:aws:iam::${ACCOUNT_B}:role/Reader`;
const ALICE = `arn:aws:iam::${ACCOUNT_A}:user/alice`;
const BOB = `arn:aws:iam::${ACCOUNT_A}:user/dev/bob`;
const CAROL = `arn:aws:iam::${ACCOUNT_B}:user/carol`;
const ADMIN_SESSION = `arn:aws:sts::${ACCOUNT_A}:assumed-role/Admin/s1`;
const DAVE = `arn:aws:sts::${ACCOUNT_B}:federated-user/dave`;
const LAMBDA = 'lambda.amazonaws.com';

export type ValueFamily = 'string' | 'numeric' | 'date' | 'bool' | 'binary' | 'ip' | 'arn' | 'null';

export interface ContextKeySpec {
  /** Spellings a request may use for the key (names are case-insensitive). */
  readonly spellings: readonly string[];
  /** Values the request may carry when the key is present (an empty list is drawn separately). */
  readonly values: readonly ContextValue[];
}

export interface OperatorFamily {
  readonly operators: readonly string[];
  /** Keys the operator is used with (as spelled in policies). */
  readonly keys: readonly string[];
  /** Policy values; numbers and booleans stay JSON scalars, as IAM accepts them. */
  readonly values: readonly (string | number | boolean)[];
}

export const finiteUniverse = {
  accounts: [ACCOUNT_A, ACCOUNT_B],
  /** Request principals: users (one with a path), role sessions, root users, a federated user, a service, a service-linked role. */
  principals: [
    ALICE, BOB, ADMIN_SESSION, `arn:aws:sts::${ACCOUNT_A}:assumed-role/Deploy/ci`, `arn:aws:iam::${ACCOUNT_A}:root`,
    `arn:aws:sts::${ACCOUNT_B}:assumed-role/Reader/x`, CAROL, DAVE, LAMBDA,
    `arn:aws:sts::${ACCOUNT_A}:assumed-role/AWSServiceRoleForSupport/sess`, `arn:aws:iam::${ACCOUNT_B}:root`,
  ],
  /** `undefined` = defaults to the principal's account. */
  resourceAccounts: [undefined, ACCOUNT_A, ACCOUNT_B],
  actions: ['s3:GetObject', 's3:PutObject', 's3:ListBucket', 'sqs:SendMessage', 'sqs:ReceiveMessage', 'kms:Decrypt', 'S3:getobject', 'SQS:sendmessage'],
  actionPatterns: ['*', 's3:*', 's3:Get*', 'S3:getobject', 'sqs:*Message', 's3:?etObject', 'kms:Decrypt', 'sqs:SendMessage', '*:*', 's3:Put*', 's3:List*', 'KMS:*', 'sqs:Receive?essage'],
  resources: [
    'arn:aws:s3:::reports/2026/q3.csv', 'arn:aws:s3:::reports/2026/q4.csv', 'arn:aws:s3:::home/alice/notes.txt', 'arn:aws:s3:::home/bob/x.txt',
    'arn:aws:s3:::reports', `arn:aws:sqs:us-east-1:${ACCOUNT_A}:queue-a`, `arn:aws:sqs:eu-west-1:${ACCOUNT_B}:queue-b`,
    `arn:aws:kms:us-east-1:${ACCOUNT_A}:key/abc-123`, `arn:aws:logs:us-east-1:${ACCOUNT_A}:log-group:app`, '*',
  ],
  resourcePatterns: [
    '*', '*', 'arn:aws:s3:::reports/*', 'arn:aws:s3:::reports/2026/q?.csv', 'arn:aws:s3:::reports', 'arn:aws:s3:::home/${aws:username}/*',
    "arn:aws:s3:::home/${aws:username, 'alice'}/*", `arn:aws:sqs:*:${ACCOUNT_A}:*`, 'arn:aws:sqs:us-*:*:queue-?', 'arn:aws:kms:us-east-1:${aws:PrincipalAccount}:key/*',
    'arn:aws:s3:::*', 'arn:aws:s3:::reports/${aws:PrincipalTag/team}/*', 'arn:aws:s3:::home/${*}', 'arn:aws:s3:*:*:*', 'arn:aws:s3:::REPORTS/*',
    'arn:aws:sqs:*:*:queue-a', 'arn:aws:logs:*:*:log-group:app', 'arn:aws:logs:*:*:log-group:*', 'arn:*:*:*:*:*', 'arn:aws:s3:::home/${aws:TagKeys}/*',
  ],
  contextKeys: [
    { spellings: ['aws:SourceIp', 'aws:sourceip'], values: ['10.1.2.3', '192.168.0.5', '2001:db8::5', '::ffff:10.1.2.3', 'not-an-ip'] },
    { spellings: ['aws:CurrentTime'], values: ['2026-03-01T12:00:00Z', '2026-03-01T14:00:00+02:00', '1772366400', '2025-12-31T23:59:59Z', 'yesterday'] },
    { spellings: ['aws:MultiFactorAuthPresent'], values: ['true', 'false', 'TRUE', 'maybe'] },
    { spellings: ['aws:MultiFactorAuthAge'], values: ['300', '3600', '12.5', 'abc', '-1'] },
    { spellings: ['aws:SourceArn'], values: [`arn:aws:sqs:us-east-1:${ACCOUNT_A}:queue-a`, 'arn:aws:s3:::reports', `arn:aws:logs:us-east-1:${ACCOUNT_A}:log-group:app`, 'not-an-arn'] },
    { spellings: ['aws:PrincipalTag/team', 'AWS:principaltag/TEAM'], values: ['red', 'blue', 'Red', 'a*b'] },
    { spellings: ['s3:prefix'], values: ['home/alice/', 'reports/', ['reports/', 'home/'], ['home/alice/']] },
    { spellings: ['aws:TagKeys'], values: [['env', 'team'], ['env', 'owner', 'cost'], ['Env', 'team']] },
    { spellings: ['aws:CalledVia'], values: [['athena.amazonaws.com'], ['athena.amazonaws.com', 'glue.amazonaws.com']] },
    { spellings: ['kms:CiphertextBlob'], values: ['QUJD', 'QUJE', 'QQ==', 'QR==', '!!'] },
  ] satisfies readonly ContextKeySpec[],
  operatorFamilies: {
    string: {
      operators: ['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike'],
      keys: ['aws:PrincipalTag/team', 'aws:principaltag/Team', 's3:prefix', 'aws:username', 'aws:PrincipalType', 'aws:TagKeys', 'aws:CalledVia', 'aws:PrincipalAccount', 'aws:ResourceAccount', 'aws:PrincipalArn'],
      values: [
        'red', 'RED', 'r*', 'home/*', 'home/${aws:username}/', '${aws:PrincipalTag/team}', 'alice', 'env', 'te?m', 'User', 'AssumedRole', ACCOUNT_A,
        '${aws:PrincipalAccount}', "${aws:username, 'nobody'}", 'a${*}b', '${aws:TagKeys}', 'athena.amazonaws.com', '*', 'reports/', ROLE_ADMIN, 'a*b',
      ],
    },
    numeric: {
      operators: ['NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals'],
      keys: ['aws:MultiFactorAuthAge'],
      values: ['300', '3600.0', '1000', '-5', 300, '12.5'],
    },
    date: {
      operators: ['DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals'],
      keys: ['aws:CurrentTime'],
      values: ['2026-03-01T12:00:00Z', '2026-01-01', 1772366400, '2026-03-01T13:00:00+01:00', '2026-03-01T12:00:00.000Z'],
    },
    bool: { operators: ['Bool'], keys: ['aws:MultiFactorAuthPresent', 'aws:PrincipalIsAWSService'], values: ['true', 'false', true, 'True'] },
    binary: { operators: ['BinaryEquals'], keys: ['kms:CiphertextBlob'], values: ['QUJD', 'QQ==', 'QR=='] },
    ip: { operators: ['IpAddress', 'NotIpAddress'], keys: ['aws:SourceIp'], values: ['10.0.0.0/8', '10.1.2.3', '192.168.0.0/16', '2001:db8::/32', '10.1.2.3/32', '0.0.0.0/0'] },
    arn: {
      operators: ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike'],
      keys: ['aws:SourceArn', 'aws:PrincipalArn'],
      values: [
        `arn:aws:sqs:*:${ACCOUNT_A}:*`, `arn:aws:iam::${ACCOUNT_A}:role/*`, 'arn:aws:s3:::reports', 'arn:aws:iam::*:user/*',
        'arn:aws:logs:*:*:log-group:app', 'arn:aws:iam::${aws:PrincipalAccount}:*', `arn:aws:logs:us-east-1:${ACCOUNT_A}:log-group:*`, ROLE_ADMIN,
      ],
    },
    null: {
      operators: ['Null'],
      keys: ['aws:SourceIp', 'aws:PrincipalTag/team', 'aws:TagKeys', 'aws:username', 's3:prefix', 'aws:CurrentTime'],
      values: ['true', 'false'],
    },
  } satisfies Readonly<Record<ValueFamily, OperatorFamily>>,
  /** `Principal` elements for resource-based policies. */
  principalElements: [
    '*', { AWS: '*' }, { AWS: ACCOUNT_A }, { AWS: `arn:aws:iam::${ACCOUNT_A}:root` }, { AWS: ACCOUNT_B }, { AWS: ALICE },
    { AWS: [CAROL, ROLE_READER] }, { AWS: ROLE_ADMIN }, { AWS: ROLE_DEPLOY }, { AWS: ADMIN_SESSION }, { Service: LAMBDA },
    { AWS: DAVE }, { AWS: [`arn:aws:iam::${ACCOUNT_A}:root`, BOB] }, { AWS: `arn:aws:iam::${ACCOUNT_B}:root` },
  ] as const,
  /** `NotPrincipal` elements, used with Deny only. */
  notPrincipalElements: [
    { AWS: [ADMIN_SESSION, ROLE_ADMIN, ACCOUNT_A] }, { AWS: [ROLE_ADMIN, ACCOUNT_A] }, { AWS: ALICE }, { AWS: [ALICE, `arn:aws:iam::${ACCOUNT_A}:root`] },
    { AWS: ACCOUNT_B }, { Service: LAMBDA }, { AWS: '*' }, { AWS: [ROLE_DEPLOY, ACCOUNT_A] },
  ] as const,
  versions: ['2012-10-17', '2012-10-17', '2012-10-17', '2008-10-17', undefined],
} as const;

export type FiniteUniverse = typeof finiteUniverse;
