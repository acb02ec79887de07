/** The search part of the fragment store contract (run by describeFragmentStoreContract). */
import { beforeEach, describe, expect, it } from 'vitest';
import type { FragmentVersion } from '../model.js';
import { formatRef } from '../model.js';
import { InvalidQueryError } from '../store-errors.js';
import type { FragmentQuery, FragmentStore } from '../store-port.js';
import { author, dynamodbWriteTable, kmsDecrypt, reviewer, s3DenyDelete, s3FullAccess, s3ReadBucket, s3ReadBucketV2 } from './fragment-fixtures.js';

/**
 * The data set: s3-read-bucket@1 approved and @2 draft (adds s3:GetObjectVersion),
 * dynamodb-write-table@1 in review, kms-decrypt@1 approved, s3-full-access@1 draft (`s3:*`),
 * s3-deny-delete@1 approved (Deny only).
 */
export async function seedSearchFixtures(store: FragmentStore): Promise<void> {
  for (const c of [s3ReadBucket, dynamodbWriteTable, kmsDecrypt, s3FullAccess, s3DenyDelete]) await store.create(c, author);
  const approve = async (id: string) => {
    await store.transition({ id, version: 1 }, 'submit', author);
    await store.transition({ id, version: 1 }, 'approve', reviewer);
  };
  await approve(s3ReadBucket.id);
  await approve(kmsDecrypt.id);
  await approve(s3DenyDelete.id);
  await store.transition({ id: dynamodbWriteTable.id, version: 1 }, 'submit', author);
  await store.addVersion(s3ReadBucketV2, author);
}

const ALL_LATEST = ['dynamodb-write-table@1', 'kms-decrypt@1', 's3-deny-delete@1', 's3-full-access@1', 's3-read-bucket@2'];
const ALL_VERSIONS = ['dynamodb-write-table@1', 'kms-decrypt@1', 's3-deny-delete@1', 's3-full-access@1', 's3-read-bucket@1', 's3-read-bucket@2'];

export function describeSearchContract(current: () => FragmentStore): void {
  describe('search', () => {
    beforeEach(async () => {
      await seedSearchFixtures(current());
    });
    const refs = (items: readonly FragmentVersion[]) => items.map(formatRef);
    async function found(query: FragmentQuery): Promise<string[]> {
      const result = await current().search(query);
      if (query.limit === undefined && query.offset === undefined) expect(result.total).toBe(result.items.length);
      return refs(result.items);
    }

    it('without filters gives the newest version of every fragment, ordered by id, as full versions', async () => {
      const { items, total } = await current().search({});
      expect([refs(items), total]).toEqual([ALL_LATEST, 5]);
      expect(items[4]).toEqual(await current().get({ id: s3ReadBucket.id, version: 2 }));
      expect(items[1]?.history.map((h) => h.to)).toEqual(['in-review', 'approved']);
    });

    it('latestOnly: false gives every version, oldest first within an id', async () => {
      expect(await found({ latestOnly: false })).toEqual(ALL_VERSIONS);
    });

    it('by resource type (exact)', async () => {
      expect(await found({ resourceType: 's3:bucket' })).toEqual(['s3-full-access@1', 's3-read-bucket@2']);
      expect(await found({ resourceType: 'kms:key' })).toEqual(['kms-decrypt@1']);
      expect(await found({ resourceType: 'S3:BUCKET' })).toEqual([]);
    });

    it('by tags: all must be present', async () => {
      expect(await found({ tags: ['s3'] })).toEqual(['s3-deny-delete@1', 's3-full-access@1', 's3-read-bucket@2']);
      expect(await found({ tags: ['s3', 'read'] })).toEqual(['s3-full-access@1', 's3-read-bucket@2']);
      expect(await found({ tags: ['data', 'write'] })).toEqual(['dynamodb-write-table@1']);
      expect(await found({ tags: ['s3', 'no-such-tag'] })).toEqual([]);
      expect(await found({ tags: [] })).toEqual(ALL_LATEST);
    });

    it('by risk range (inclusive bounds)', async () => {
      expect(await found({ minRisk: 35 })).toEqual(['dynamodb-write-table@1', 'kms-decrypt@1', 's3-full-access@1']);
      expect(await found({ maxRisk: 20 })).toEqual(['s3-deny-delete@1', 's3-read-bucket@2']);
      expect(await found({ minRisk: 20, maxRisk: 40 })).toEqual(['kms-decrypt@1', 's3-read-bucket@2']);
      expect(await found({ minRisk: 50, maxRisk: 40 })).toEqual([]);
    });

    it('by status: the newest version per id that has one of the statuses', async () => {
      expect(await found({ status: ['approved'] })).toEqual(['kms-decrypt@1', 's3-deny-delete@1', 's3-read-bucket@1']);
      expect(await found({ status: ['draft'] })).toEqual(['s3-full-access@1', 's3-read-bucket@2']);
      expect(await found({ status: ['in-review', 'draft'] })).toEqual(['dynamodb-write-table@1', 's3-full-access@1', 's3-read-bucket@2']);
      expect(await found({ status: ['archived'] })).toEqual([]);
      expect(await found({ status: [] })).toEqual([]);
    });

    it('by text: a case-insensitive substring of id, title or description, with no wildcards of its own', async () => {
      expect(await found({ text: 'DECRYPT' })).toEqual(['kms-decrypt@1']);
      expect(await found({ text: 's3-read' })).toEqual(['s3-read-bucket@2']);
      expect(await found({ text: '(AND object version)' })).toEqual(['s3-read-bucket@2']);
      expect(await found({ text: '(and object version)', latestOnly: false })).toEqual(['s3-read-bucket@2']);
      expect(await found({ text: 'object version' })).toEqual(['s3-deny-delete@1', 's3-read-bucket@2']);
      expect(await found({ text: 'Break-Glass' })).toEqual(['s3-full-access@1']);
      expect(await found({ text: 'dynamodb_write' })).toEqual([]);
      expect(await found({ text: 'd%b' })).toEqual([]);
      expect(await found({ text: 'read every' })).toEqual(['s3-read-bucket@2']);
      expect(await found({ text: '' })).toEqual(ALL_LATEST);
    });

    it('by action: patterns that can match a common action, both ways, case-insensitive', async () => {
      expect(await found({ action: 's3:Get*' })).toEqual(['s3-full-access@1', 's3-read-bucket@2']);
      expect(await found({ action: 'S3:GETOBJECT' })).toEqual(['s3-full-access@1', 's3-read-bucket@2']);
      expect(await found({ action: 's3:Put*' })).toEqual(['s3-full-access@1']);
      expect(await found({ action: '*' })).toEqual(['dynamodb-write-table@1', 'kms-decrypt@1', 's3-full-access@1', 's3-read-bucket@2']);
      expect(await found({ action: 'dynamodb:?utItem' })).toEqual(['dynamodb-write-table@1']);
      expect(await found({ action: 'KMS:*crypt' })).toEqual(['kms-decrypt@1']);
      // Patterns, not the AWS catalog: `s3:Decrypt` is no real action, yet both `*:Decrypt` and `s3:*` match it.
      expect(await found({ action: '*:Decrypt' })).toEqual(['kms-decrypt@1', 's3-full-access@1']);
      expect(await found({ action: '*object' })).toEqual(['s3-full-access@1', 's3-read-bucket@2']);
      expect(await found({ action: 's?:*Tagging' })).toEqual(['s3-full-access@1', 's3-read-bucket@2']);
      expect(await found({ action: 'ec2:*' })).toEqual([]);
      expect(await found({ action: 'kms:DecryptX' })).toEqual([]);
    });

    it('by action with an effect: Deny statements only when asked for', async () => {
      expect(await found({ action: 's3:DeleteObject' })).toEqual(['s3-full-access@1']);
      expect(await found({ action: 's3:DeleteObject', effect: 'Deny' })).toEqual(['s3-deny-delete@1']);
      expect(await found({ action: '*', effect: 'Deny' })).toEqual(['s3-deny-delete@1']);
      expect(await found({ action: 's3:Get*', effect: 'Deny' })).toEqual([]);
      expect(await found({ effect: 'Deny' })).toEqual(ALL_LATEST);
    });

    it('by action across versions: latestOnly keeps the newest matching version', async () => {
      expect(await found({ action: 's3:GetObjectVersion' })).toEqual(['s3-full-access@1', 's3-read-bucket@2']);
      expect(await found({ action: 's3:ListBucket', latestOnly: false })).toEqual(['s3-full-access@1', 's3-read-bucket@1', 's3-read-bucket@2']);
      expect(await found({ action: 's3:ListBucket', status: ['approved'] })).toEqual(['s3-read-bucket@1']);
      expect(await found({ action: 's3:GetObjectVersion', status: ['approved'] })).toEqual([]);
    });

    it('combines filters', async () => {
      expect(await found({ tags: ['s3'], action: 's3:List*', status: ['approved', 'draft'], maxRisk: 50 })).toEqual(['s3-read-bucket@2']);
      expect(await found({ tags: ['s3'], action: 's3:List*', status: ['approved', 'draft'], maxRisk: 50, latestOnly: false })).toEqual(['s3-read-bucket@1', 's3-read-bucket@2']);
      expect(await found({ resourceType: 's3:bucket', text: 'administer', minRisk: 50, action: 's3:PutBucketPolicy' })).toEqual(['s3-full-access@1']);
      expect(await found({ resourceType: 's3:object', tags: ['guardrail'], effect: 'Deny', action: 's3:DeleteBucket', status: ['approved'] })).toEqual(['s3-deny-delete@1']);
      expect(await found({ resourceType: 'kms:key', tags: ['s3'] })).toEqual([]);
    });

    it('pages with limit and offset; total counts every match', async () => {
      const store = current();
      const pages = [];
      for (let offset = 0; offset < 8; offset += 2) pages.push(await store.search({ latestOnly: false, limit: 2, offset }));
      expect(pages.map((p) => p.total)).toEqual([6, 6, 6, 6]);
      expect(pages.map((p) => refs(p.items))).toEqual([ALL_VERSIONS.slice(0, 2), ALL_VERSIONS.slice(2, 4), ALL_VERSIONS.slice(4, 6), []]);
      expect(await store.search({ limit: 0 })).toEqual({ items: [], total: 5 });
      const rest = await store.search({ offset: 3 });
      expect([refs(rest.items), rest.total]).toEqual([ALL_LATEST.slice(3), 5]);
      const byAction = await store.search({ action: '*', limit: 2, offset: 1 });
      expect([refs(byAction.items), byAction.total]).toEqual([['kms-decrypt@1', 's3-full-access@1'], 4]);
      const filteredPage = await store.search({ tags: ['s3'], limit: 1, offset: 2 });
      expect([refs(filteredPage.items), filteredPage.total]).toEqual([['s3-read-bucket@2'], 3]);
    });

    it('refuses queries no store can run with InvalidQueryError', async () => {
      const bad: FragmentQuery[] = [
        { limit: -1 },
        { offset: 1.5 },
        { limit: Number.NaN },
        { minRisk: Number.NaN },
        { status: ['bogus' as never] },
        { effect: 'Maybe' as never },
        { action: 's3:'.padEnd(2000, 'x') },
      ];
      for (const q of bad) {
        const e = await current().search(q).then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(e, JSON.stringify(q)).toBeInstanceOf(InvalidQueryError);
        expect((e as InvalidQueryError).code).toBe('fragment-store/invalid-query');
      }
    });
  });
}
