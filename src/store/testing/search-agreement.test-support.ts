/**
 * Search against the reference: a seeded data set of fragments with several versions and statuses,
 * written to a store under test and to the in-memory store, then random queries (fast-check) that
 * must give the same page and total from both. The SQLite and PostgreSQL tests run it.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryFragmentStore } from '../../fragments/index.js';
import type { Actor, FragmentContent, FragmentQuery, FragmentStatus, FragmentStore, LifecycleAction } from '../../fragments/index.js';

/** mulberry32: a small seeded generator, so the data set is the same on every run. */
export function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const RESOURCE_TYPES = ['s3:bucket', 's3:object', 'dynamodb:table', 'kms:key', 'sqs:queue', 'lambda:function', 'logs:log-group', 'iam:role'];
export const TAGS = ['read', 'write', 'admin', 'pii', 'data', 'crypto', 'guardrail', 'debugging', 'ops', 'billing'];
export const ACTIONS = [
  's3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:Get*', 's3:*', 's3:DeleteObject*',
  'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:*Item', 'dynamodb:Query',
  'kms:Decrypt', 'kms:Encrypt', 'kms:*', 'sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:*Message',
  'lambda:InvokeFunction', 'logs:Get*', 'iam:PassRole', 'iam:Get*', '*', 's?s:*', '*:Describe*',
];

/** Fragment `i` of the data set, shaped like one of `bases` (realistic fixtures). */
export function generateFragment(i: number, random: () => number, bases: readonly FragmentContent[]): FragmentContent {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const some = <T>(list: readonly T[], max: number): T[] => [...new Set(Array.from({ length: 1 + Math.floor(random() * max) }, () => pick(list)))];
  const base = bases[i % bases.length] as FragmentContent;
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

export function describeSearchAgreement(name: string, open: () => Promise<FragmentStore>, bases: readonly FragmentContent[], author: Actor, options: { fragments?: number; runs?: number } = {}): void {
  describe(`${name} and the in-memory store agree`, () => {
    const random = rng(7);
    const stores: FragmentStore[] = [];
    beforeAll(async () => {
      stores.push(createMemoryFragmentStore(), await open());
      const paths: LifecycleAction[][] = [[], ['submit'], ['submit', 'approve'], ['submit', 'reject'], ['submit', 'approve', 'deprecate'], ['archive']];
      for (let i = 0; i < (options.fragments ?? 150); i++) {
        const versions = [generateFragment(i, random, bases), ...Array.from({ length: Math.floor(random() * 3) }, () => ({ ...generateFragment(i, random, bases) }))];
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
          const [memory, tested] = await Promise.all(stores.map((s) => s.search(q)));
          expect(tested).toEqual(memory);
          if ((memory?.items.length ?? 0) > 0) nonEmpty++;
        }),
        { numRuns: options.runs ?? 500 },
      );
      expect(nonEmpty).toBeGreaterThan((options.runs ?? 500) / 10); // the queries are not all trivially empty
    });
  });
}
