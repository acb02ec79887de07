/**
 * Search at scale and against the reference: 10,000 fragments in SQLite answer tag, resource-type
 * and action queries exactly as a plain JS filter over the generated contents does; and on a random
 * data set the SQLite store and the in-memory store return the same page for random queries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionPatternsIntersect, formatRef } from '../fragments/index.js';
import type { FragmentContent, FragmentQuery, FragmentStore } from '../fragments/index.js';
import { author, dynamodbWriteTable, kmsDecrypt, s3ReadBucket } from '../fragments/testing/fragment-fixtures.js';
import { openSqliteFragmentStore } from './index.js';
import { describeSearchAgreement, generateFragment, rng } from './testing/search-agreement.test-support.js';

const BASES = [s3ReadBucket, dynamodbWriteTable, kmsDecrypt];
const generate = (i: number, random: () => number) => generateFragment(i, random, BASES);

function grants(content: FragmentContent, action: string, effect = 'Allow'): boolean {
  return content.statements.some((s) => s['Effect'] === effect && (s['Action'] as string[]).some((p) => actionPatternsIntersect(p, action)));
}

describe('SQLite search with 10,000 fragments', () => {
  const random = rng(20260302);
  const contents = Array.from({ length: 10_000 }, (_, i) => generate(i, random));
  let store: FragmentStore;
  beforeAll(async () => {
    store = await openSqliteFragmentStore(':memory:');
    for (const c of contents) await store.create(c, author);
  });
  afterAll(async () => {
    await store.close();
  });
  const expected = (keep: (c: FragmentContent) => boolean) => contents.filter(keep).map((c) => `${c.id}@1`);
  async function found(query: FragmentQuery): Promise<{ refs: string[]; total: number }> {
    const { items, total } = await store.search(query);
    return { refs: items.map(formatRef), total };
  }

  it('by tag', async () => {
    for (const tags of [['pii'], ['pii', 'admin'], ['guardrail', 'crypto', 'ops']]) {
      const want = expected((c) => tags.every((t) => c.tags.includes(t)));
      expect(want.length).toBeGreaterThan(0);
      expect(await found({ tags })).toEqual({ refs: want, total: want.length });
    }
  });

  it('by resource type', async () => {
    for (const resourceType of ['kms:key', 'iam:role']) {
      const want = expected((c) => c.resourceType === resourceType);
      expect(await found({ resourceType })).toEqual({ refs: want, total: want.length });
    }
  });

  it('by action, with wildcards on both sides, and by Deny', async () => {
    for (const [action, effect] of [['s3:GetObject', 'Allow'], ['KMS:Decrypt', 'Allow'], ['sqs:*', 'Allow'], ['*:DescribeTable', 'Allow'], ['iam:PassRole', 'Allow'], ['s3:Delete*', 'Deny']] as const) {
      const want = expected((c) => grants(c, action, effect));
      expect(want.length).toBeGreaterThan(0);
      expect(await found({ action, effect })).toEqual({ refs: want, total: want.length });
    }
  });

  it('combined and paged', async () => {
    const want = expected((c) => c.tags.includes('data') && c.risk >= 30 && grants(c, 'dynamodb:PutItem'));
    const query = { tags: ['data'], minRisk: 30, action: 'dynamodb:PutItem' };
    expect(await found(query)).toEqual({ refs: want, total: want.length });
    expect(await found({ ...query, limit: 25, offset: 40 })).toEqual({ refs: want.slice(40, 65), total: want.length });
    const byTag = expected((c) => c.tags.includes('ops'));
    expect(await found({ tags: ['ops'], limit: 100, offset: 500 })).toEqual({ refs: byTag.slice(500, 600), total: byTag.length });
  });
});

describeSearchAgreement('SQLite', () => openSqliteFragmentStore(':memory:'), BASES, author);
