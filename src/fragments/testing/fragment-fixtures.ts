/** Realistic fragment contents for store tests (shaped like catalog/fragments/*.json). */
import type { FragmentContent, ParameterSpec } from '../model.js';
import type { Actor } from '../store-port.js';

const REGION: ParameterSpec = {
  description: 'A commercial AWS Region code, such as us-east-1 or eu-central-1.',
  pattern: '^(?:us|eu|ap|sa|ca|me|af|il|mx)-(?:central|north|south|east|west|northeast|northwest|southeast|southwest)-[1-9]$',
  default: 'us-east-1',
};
const ACCOUNT: ParameterSpec = { description: 'The 12-digit id of the AWS account that owns the resource.', pattern: '^[0-9]{12}$' };
const BUCKET: ParameterSpec = { description: 'S3 bucket name (3-63 lower-case letters, digits, dots, hyphens).', pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' };

export const s3ReadBucket: FragmentContent = {
  id: 's3-read-bucket',
  title: 'Read every object of one S3 bucket',
  description: 'Lists the bucket and reads its objects and their tags over TLS. For services that consume a data set they do not produce.',
  resourceType: 's3:bucket',
  owner: 'storage-platform',
  tags: ['s3', 'read', 'data'],
  risk: 20,
  parameters: { bucket: BUCKET },
  requiredConditions: [{ name: 'tls', operator: 'Bool', key: 'aws:SecureTransport', values: ['true'] }],
  statements: [
    { Sid: 'ListBucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::${bucket}', Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
    {
      Sid: 'ReadObjects',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:GetObjectTagging'],
      Resource: 'arn:aws:s3:::${bucket}/*',
      Condition: { Bool: { 'aws:SecureTransport': 'true' } },
    },
  ],
  signature: { provides: ['s3:read'], requires: [], conflictsWith: [], riskBudget: 20 },
};

/** The next version of s3ReadBucket: also reads object versions. */
export const s3ReadBucketV2: FragmentContent = {
  ...s3ReadBucket,
  title: 'Read every object (and object version) of one S3 bucket',
  statements: [
    s3ReadBucket.statements[0] ?? {},
    { ...s3ReadBucket.statements[1], Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging'] },
  ],
};

export const dynamodbWriteTable: FragmentContent = {
  id: 'dynamodb-write-table',
  title: 'Write items of one DynamoDB table',
  description: 'Puts, updates and deletes items (singly and in batches) of one table in one Region. Does not read items back or change the table.',
  resourceType: 'dynamodb:table',
  owner: 'data-platform',
  tags: ['dynamodb', 'write', 'data'],
  risk: 45,
  parameters: { table: { description: 'DynamoDB table name (3-255 letters, digits, underscores, hyphens, dots).', pattern: '^[A-Za-z0-9_.-]{3,255}$' }, region: REGION, account: ACCOUNT },
  requiredConditions: [],
  statements: [
    {
      Sid: 'WriteItems',
      Effect: 'Allow',
      Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
      Resource: 'arn:aws:dynamodb:${region}:${account}:table/${table}',
    },
  ],
  signature: { provides: ['dynamodb:write'], requires: [], conflictsWith: [], riskBudget: 45 },
};

export const kmsDecrypt: FragmentContent = {
  id: 'kms-decrypt',
  title: 'Decrypt with one KMS key',
  description: 'Decrypts data keys and ciphertext with one customer-managed key, only through S3 in the same Region, so the key cannot be used directly.',
  resourceType: 'kms:key',
  owner: 'crypto-services',
  tags: ['kms', 'decrypt', 'crypto'],
  risk: 35,
  parameters: {
    keyId: { description: 'KMS key id (a key UUID), not an alias.', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' },
    region: REGION,
    account: ACCOUNT,
  },
  requiredConditions: [{ name: 'via-s3', operator: 'StringEquals', key: 'kms:ViaService' }],
  statements: [
    {
      Sid: 'DecryptThroughS3',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: 'arn:aws:kms:${region}:${account}:key/${keyId}',
      Condition: { StringEquals: { 'kms:ViaService': 's3.${region}.amazonaws.com' } },
    },
  ],
  signature: { provides: ['kms:decrypt'], requires: [], conflictsWith: ['tag:kms:key-admin'], exclusiveGroup: 'kms-key-duty', riskBudget: 35 },
};

export const s3FullAccess: FragmentContent = {
  id: 's3-full-access',
  title: 'Administer one S3 bucket',
  description: 'Every S3 action on one bucket and its objects, including deleting them and changing the bucket policy. Break-glass only.',
  resourceType: 's3:bucket',
  owner: 'storage-platform',
  tags: ['s3', 'read', 'write', 'admin'],
  risk: 80,
  parameters: { bucket: BUCKET },
  requiredConditions: [{ name: 'mfa', operator: 'Bool', key: 'aws:MultiFactorAuthPresent', values: ['true'] }],
  statements: [
    {
      Sid: 'Everything',
      Effect: 'Allow',
      Action: 's3:*',
      Resource: ['arn:aws:s3:::${bucket}', 'arn:aws:s3:::${bucket}/*'],
      Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
    },
  ],
  signature: { provides: ['s3:read', 's3:write', 's3:admin'], requires: [], conflictsWith: [], exclusiveGroup: 's3-bucket-duty', riskBudget: 80 },
};

/** A guardrail: only Deny statements. */
export const s3DenyDelete: FragmentContent = {
  id: 's3-deny-delete',
  title: 'Never delete objects or buckets',
  description: 'Denies deleting objects, object versions and buckets, whatever other fragments grant. Added to compositions for auditors.',
  resourceType: 's3:object',
  owner: 'security',
  tags: ['s3', 'guardrail'],
  risk: 5,
  parameters: {},
  requiredConditions: [],
  statements: [{ Sid: 'NoDeletes', Effect: 'Deny', Action: ['s3:DeleteObject*', 's3:DeleteBucket'], Resource: '*' }],
  signature: { provides: ['s3:no-delete'], requires: [], conflictsWith: [], riskBudget: 0 },
};

export const FIXTURES: readonly FragmentContent[] = [s3ReadBucket, dynamodbWriteTable, kmsDecrypt, s3FullAccess, s3DenyDelete];

export const author: Actor = { by: 'alice@example.com', at: '2026-03-02T09:15:00.000Z' };
export const reviewer: Actor = { by: 'bob@example.com', at: '2026-03-03T14:40:00.000Z' };

/** The same content with its keys (at every depth) in reverse order: same canonical JSON, same hash. */
export function reverseKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reverseKeys) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)])) as T;
}
