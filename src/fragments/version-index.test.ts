import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actionPatternsIntersect } from './action-match.js';
import { dynamodbWriteTable, s3DenyDelete, s3FullAccess } from './testing/fragment-fixtures.js';
import { ANY_SERVICE, actionIndexEntries, actionService, normalizeContent, searchText } from './version-index.js';

describe('version index', () => {
  it('indexes each (Effect, pattern) once, lower-cased, with its service', () => {
    expect(actionIndexEntries(dynamodbWriteTable).map((e) => `${e.effect} ${e.service} ${e.pattern}`)).toEqual([
      'Allow dynamodb dynamodb:putitem',
      'Allow dynamodb dynamodb:updateitem',
      'Allow dynamodb dynamodb:deleteitem',
      'Allow dynamodb dynamodb:batchwriteitem',
    ]);
    expect(actionIndexEntries(s3DenyDelete).map((e) => e.effect)).toEqual(['Deny', 'Deny']);
    expect(actionIndexEntries({ ...s3FullAccess, statements: [{ Effect: 'allow', Action: 's3:*' }, { Action: 's3:*' }] })).toEqual([]);
  });

  it('gives a service only to patterns confined to one', () => {
    expect(['S3:Get*', 's3:*', 'dynamodb:?utItem'].map(actionService)).toEqual(['s3', 's3', 'dynamodb']);
    expect(['*', 's3*:Get', '?3:GetObject', '*:Decrypt', 's3', ''].map(actionService)).toEqual(Array(6).fill(ANY_SERVICE));
  });

  it('never separates patterns that intersect (the SQL prefilter is safe)', () => {
    const pattern = fc.string({ unit: fc.constantFrom('a', 'b', ':', '*', '?'), maxLength: 6 });
    fc.assert(
      fc.property(pattern, pattern, (a, b) => {
        const [sa, sb] = [actionService(a), actionService(b)];
        return !actionPatternsIntersect(a, b) || sa === ANY_SERVICE || sb === ANY_SERVICE || sa === sb;
      }),
      { numRuns: 10_000 },
    );
  });

  it('searches id, title and description, lower-cased and kept apart', () => {
    expect(searchText({ ...dynamodbWriteTable, title: 'Write ITEMS', description: 'One Table' })).toBe('dynamodb-write-table\u001fwrite items\u001fone table');
  });

  it('normalizes content through its canonical JSON', () => {
    const content = { ...dynamodbWriteTable, extra: undefined };
    const normalized = normalizeContent(content);
    expect(normalized).toEqual(dynamodbWriteTable);
    expect(normalized).not.toHaveProperty('extra');
    expect(normalized.tags).not.toBe(dynamodbWriteTable.tags);
    expect(Object.keys(normalized)).toEqual([...Object.keys(dynamodbWriteTable)].sort());
  });
});
