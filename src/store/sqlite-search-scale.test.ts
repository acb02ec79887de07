/**
 * Search at scale and against the reference: 10,000 fragments in SQLite answer tag, resource-type
 * and action queries exactly as a plain JS filter over the generated contents does; and on a random
 * data set the SQLite store and the in-memory store return the same page for random queries.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionPatternsIntersect, createMemoryFragmentStore, formatRef } from '../fragments/index.js';
import type { FragmentContent, FragmentQuery, FragmentStatus, FragmentStore, LifecycleAction } from '../fragments/index.js';
import { author, dynamodbWriteTable, kmsDecrypt, s3ReadBucket } from '../fragments/testing/fragment-fixtures.js';
import { openSqliteFragmentStore } from './index.js';

/** mulberry32: a small seeded generator, so the data set is the same on every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RESOURCE_TYPES = ['s3:bucket', 's3:object', 'dynamodb:table', 'kms:key', 'sqs:queue', 'lambda:function', 'logs:log-group', 'iam:role'];
const TAGS = ['read', 'write', 'admin', 'pii', 'data', 'crypto', 'guardrail', 'debugging', 'ops', 'billing'];
const ACTIONS = [
  's3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:Get*', 's3:*', 's3:DeleteObject*',
  'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:*Item', 'dynamodb:Query',
  'kms:Decrypt', 'kms:Encrypt', 'kms:*', 'sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:*Message',
  'lambda:InvokeFunction', 'logs:Get*', 'iam:PassRole', 'iam:Get*', '*', 's?s:*', '*:Describe*',
];
const BASES = [s3ReadBucket, dynamodbWriteTable, kmsDecrypt];

function generate(i: number, random: () => number): FragmentContent {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const some = <T>(list: readonly T[], max: number): T[] => [...new Set(Array.from({ length: 1 + Math.floor(random() * max) }, () => pick(list)))];
  const base = BASES[i % BASES.length] as FragmentContent;
  return {
    ...base,
    id: `fragment-${String(i).padStart(5, '0')}`,
    title: `${pick(['Read', 'Write', 'Administer', 'Decrypt'])} ${pick(['orders', 'invoices', 'telemetry'])} number ${i}`,
    resourceType: pick(RESOURCE_TYPES),
    tags: some(TAGS, 3),
    risk: Math.floor(random() * 101),
    statements: Array.from({ length: 1 + Math.floor(random() * 2) }, (_, s) => ({
      Sid: `S${s}`,
      Effect: random() < 0.85 ? 'Allow' : 'Deny',
      Action: some(ACTIONS, 3),
      Resource: '*',
    })),
  };
}

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

describe('SQLite and in-memory stores agree', () => {
  const random = rng(7);
  const stores: FragmentStore[] = [];
  beforeAll(async () => {
    stores.push(createMemoryFragmentStore(), await openSqliteFragmentStore(':memory:'));
    const paths: LifecycleAction[][] = [[], ['submit'], ['submit', 'approve'], ['submit', 'reject'], ['submit', 'approve', 'deprecate'], ['archive']];
    for (let i = 0; i < 150; i++) {
      const versions = [generate(i, random), ...Array.from({ length: Math.floor(random() * 3) }, () => ({ ...generate(i, random) }))];
      const statusPaths = versions.map(() => paths[Math.floor(random() * paths.length)] as LifecycleAction[]);
      for (const store of stores) {
        for (const [v, content] of versions.entries()) {
          if (v === 0) await store.create(content, author);
          else await store.addVersion(content, author);
          for (const action of statusPaths[v] ?? []) await store.transition({ id: content.id, version: v + 1 }, action, author);
        }
      }
    }
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
  });

  it('on random queries', async () => {
    const statuses: FragmentStatus[] = ['draft', 'in-review', 'approved', 'rejected', 'deprecated', 'archived'];
    const keys = ['resourceType', 'action', 'effect', 'tags', 'minRisk', 'maxRisk', 'status', 'text', 'latestOnly', 'limit', 'offset'] as const;
    const values = fc.record({
      resourceType: fc.constantFrom(...RESOURCE_TYPES),
      action: fc.oneof(fc.constantFrom(...ACTIONS), fc.string({ unit: fc.constantFrom('s', '3', 'q', ':', 'G', 'e', 't', '*', '?'), maxLength: 8 })),
      effect: fc.constantFrom('Allow' as const, 'Deny' as const),
      tags: fc.subarray(TAGS, { maxLength: 2 }),
      minRisk: fc.integer({ min: 0, max: 100 }),
      maxRisk: fc.integer({ min: 0, max: 100 }),
      status: fc.subarray(statuses),
      text: fc.constantFrom('ORDERS', 'number 1', 'read', 'x', 'decrypt', 'fragment-0001', '_', '%'),
      latestOnly: fc.boolean(),
      limit: fc.integer({ min: 0, max: 30 }),
      offset: fc.integer({ min: 0, max: 40 }),
    });
    // A few filters at a time, so that many queries match something.
    const query: fc.Arbitrary<FragmentQuery> = fc
      .tuple(values, fc.subarray([...keys], { maxLength: 4 }))
      .map(([all, chosen]) => Object.fromEntries(chosen.map((k) => [k, all[k]])) as FragmentQuery);
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const [memory, sqlite] = await Promise.all(stores.map((s) => s.search(q)));
        expect(sqlite).toEqual(memory);
        if ((memory?.items.length ?? 0) > 0) nonEmpty++;
      }),
      { numRuns: 500 },
    );
    expect(nonEmpty).toBeGreaterThan(50); // the queries are not all trivially empty
  });
});
