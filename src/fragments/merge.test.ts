import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAuthorizer } from '../policy/index.js';
import { mergeStatements, splitIntoPolicies } from './merge.js';

const ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:ListBucket', 'sqs:SendMessage'];
const RESOURCES = ['arn:aws:s3:::a/*', 'arn:aws:s3:::b/*', 'arn:aws:s3:::a', 'arn:aws:sqs:us-east-1:111122223333:q'];
const CONDITIONS = [undefined, { Bool: { 'aws:SecureTransport': 'true' } }, { StringEquals: { 'aws:PrincipalTag/team': 'x' } }];
const REQUEST_RESOURCES = ['arn:aws:s3:::a/k', 'arn:aws:s3:::b/k', 'arn:aws:s3:::a', 'arn:aws:sqs:us-east-1:111122223333:q'];
const CONTEXTS: Record<string, string>[] = [{}, { 'aws:SecureTransport': 'true' }, { 'aws:SecureTransport': 'true', 'aws:PrincipalTag/team': 'x' }];

const statement = fc.record({
  Effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
  Action: fc.subarray(ACTIONS, { minLength: 1 }),
  Resource: fc.subarray(RESOURCES, { minLength: 1 }),
  Condition: fc.constantFrom(...CONDITIONS),
}).map(({ Condition, ...s }) => (Condition === undefined ? s : { ...s, Condition }));

const doc = (Statement: unknown[]) => ({ Version: '2012-10-17', Statement });

describe('mergeStatements', () => {
  it('drops duplicates and merges statements differing only in Action, then Resource', () => {
    const merged = mergeStatements([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::a/*' },
      { Sid: 'Again', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::a/*'] },
      { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::a/*' },
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::b/*' },
    ]);
    expect(merged).toEqual([{ Sid: 'Tessera1', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: ['arn:aws:s3:::a/*', 'arn:aws:s3:::b/*'] }]);
  });

  it('leaves NotAction/NotResource and differing conditions apart', () => {
    const merged = mergeStatements([
      { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
      { Effect: 'Allow', NotAction: 's3:*', Resource: '*' },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
      { Effect: 'Allow', Action: 's3:PutObject', Resource: '*' },
    ]);
    expect(merged).toHaveLength(4);
  });

  it('never changes a decision (property, against the authorizer)', () => {
    fc.assert(fc.property(fc.array(statement, { minLength: 1, maxLength: 8 }), (statements) => {
      const merged = mergeStatements(statements);
      expect(merged.length).toBeLessThanOrEqual(statements.length);
      const before = createAuthorizer({ identity: [doc(statements)] });
      const after = createAuthorizer({ identity: [doc(merged)] });
      for (const action of ACTIONS) for (const resource of REQUEST_RESOURCES) for (const context of CONTEXTS) {
        const request = { principal: 'arn:aws:iam::111122223333:user/u', action, resource, context };
        expect(after.authorize(request).decision).toBe(before.authorize(request).decision);
      }
    }), { numRuns: 300 });
  });
});

describe('splitIntoPolicies', () => {
  it('keeps every document within the size limit and every statement exactly once', () => {
    const statements = Array.from({ length: 60 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::bucket-number-${i}/some/longer/prefix/*` }));
    const docs = splitIntoPolicies(statements, 2048);
    expect(docs).toBeDefined();
    expect(docs!.length).toBeGreaterThan(1);
    for (const d of docs!) expect(JSON.stringify(doc(d)).length).toBeLessThanOrEqual(2048);
    expect(docs!.flat()).toEqual(statements);
  });

  it('reports a statement that cannot fit at all', () => {
    expect(splitIntoPolicies([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'x'.repeat(300) }], 100)).toBeUndefined();
  });
});
