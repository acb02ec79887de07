/**
 * The fragment store contract: one suite every FragmentStore adapter must pass (the in-memory store
 * and the SQLite store run it; a PostgreSQL store will too). `open` must give an empty store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contentHash } from '../canonical.js';
import type { LifecycleAction } from '../lifecycle.js';
import type { FragmentContent, FragmentStatus } from '../model.js';
import { FRAGMENT_STATUSES } from '../model.js';
import {
  FragmentExistsError,
  FragmentNotFoundError,
  FragmentUnchangedError,
  InvalidTransitionError,
  StaleStatusError,
  StoreClosedError,
} from '../store-errors.js';
import type { FragmentStoreError } from '../store-errors.js';
import type { FragmentStore } from '../store-port.js';
import { author, dynamodbWriteTable, kmsDecrypt, reverseKeys, reviewer, s3DenyDelete, s3ReadBucket, s3ReadBucketV2 } from './fragment-fixtures.js';
import { describeSearchContract } from './store-contract-search.test-support.js';

/** How to reach each status from draft. */
export const PATH_TO: Readonly<Record<FragmentStatus, readonly LifecycleAction[]>> = {
  draft: [],
  'in-review': ['submit'],
  approved: ['submit', 'approve'],
  rejected: ['submit', 'reject'],
  deprecated: ['submit', 'approve', 'deprecate'],
  archived: ['archive'],
};

/** The lifecycle, written out: every allowed (status, action) and where it leads. */
const ALLOWED: Readonly<Record<FragmentStatus, Partial<Record<LifecycleAction, FragmentStatus>>>> = {
  draft: { submit: 'in-review', archive: 'archived' },
  'in-review': { approve: 'approved', reject: 'rejected' },
  approved: { deprecate: 'deprecated', archive: 'archived' },
  rejected: { submit: 'in-review', archive: 'archived' },
  deprecated: { archive: 'archived' },
  archived: {},
};
const ACTIONS: readonly LifecycleAction[] = ['submit', 'approve', 'reject', 'deprecate', 'archive'];

/** The error a promise rejects with (fails the test when it fulfils). */
export async function rejection(promise: Promise<unknown>): Promise<FragmentStoreError> {
  try {
    await promise;
  } catch (e) {
    return e as FragmentStoreError;
  }
  throw new Error('expected the call to fail');
}

export function describeFragmentStoreContract(name: string, open: () => Promise<FragmentStore>): void {
  describe(`${name}: fragment store contract`, () => {
    let store: FragmentStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });
    const ref1 = { id: s3ReadBucket.id, version: 1 };

    async function moveTo(status: FragmentStatus, ref = ref1): Promise<void> {
      for (const action of PATH_TO[status]) await store.transition(ref, action, reviewer);
    }

    describe('create, get, versions', () => {
      it('create stores version 1 as a draft named by the hash of its content', async () => {
        const v = await store.create(s3ReadBucket, author);
        expect(v).toEqual({
          id: 's3-read-bucket',
          version: 1,
          hash: contentHash(s3ReadBucket),
          status: 'draft',
          content: s3ReadBucket,
          createdAt: author.at,
          createdBy: author.by,
          history: [],
          actions: ['s3:listbucket', 's3:getobject', 's3:getobjecttagging'],
        });
        expect(v.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
      });

      it('get returns the stored version, and undefined for an unknown id or version', async () => {
        const created = await store.create(kmsDecrypt, author);
        expect(await store.get({ id: kmsDecrypt.id, version: 1 })).toEqual(created);
        expect(await store.get({ id: kmsDecrypt.id, version: 2 })).toBeUndefined();
        expect(await store.get({ id: 'no-such-fragment', version: 1 })).toBeUndefined();
      });

      it('versions lists every version oldest first, and nothing for an unknown id', async () => {
        await store.create(s3ReadBucket, author);
        await store.addVersion(s3ReadBucketV2, reviewer);
        const all = await store.versions(s3ReadBucket.id);
        expect(all.map((v) => [v.version, v.hash, v.createdBy])).toEqual([
          [1, contentHash(s3ReadBucket), author.by],
          [2, contentHash(s3ReadBucketV2), reviewer.by],
        ]);
        expect(all[1]?.content).toEqual(s3ReadBucketV2);
        expect(await store.versions('no-such-fragment')).toEqual([]);
      });

      it('create refuses an id that exists and keeps what is stored', async () => {
        await store.create(s3ReadBucket, author);
        const e = await rejection(store.create({ ...s3ReadBucketV2 }, reviewer));
        expect(e).toBeInstanceOf(FragmentExistsError);
        expect(e.code).toBe('fragment-store/exists');
        const all = await store.versions(s3ReadBucket.id);
        expect(all).toHaveLength(1);
        expect(all[0]?.content).toEqual(s3ReadBucket);
      });

      it('addVersion numbers versions 1, 2, 3 per id, each a draft created by its actor', async () => {
        await store.create(s3ReadBucket, author);
        await store.create(kmsDecrypt, author);
        const v2 = await store.addVersion(s3ReadBucketV2, reviewer);
        const v3 = await store.addVersion({ ...s3ReadBucketV2, risk: 25 }, author);
        expect([v2.version, v2.status, v2.createdAt, v3.version, v3.status]).toEqual([2, 'draft', reviewer.at, 3, 'draft']);
        expect(v3.hash).toBe(contentHash({ ...s3ReadBucketV2, risk: 25 }));
        expect((await store.versions(kmsDecrypt.id)).map((v) => v.version)).toEqual([1]);
      });

      it('addVersion of an unknown id fails with FragmentNotFoundError', async () => {
        const e = await rejection(store.addVersion(dynamodbWriteTable, author));
        expect(e).toBeInstanceOf(FragmentNotFoundError);
        expect(e.code).toBe('fragment-store/not-found');
        expect(await store.versions(dynamodbWriteTable.id)).toEqual([]);
      });

      it('addVersion refuses content identical to the latest version, whatever its key order', async () => {
        await store.create(s3ReadBucket, author);
        for (const same of [s3ReadBucket, reverseKeys(s3ReadBucket), { ...s3ReadBucket, extra: undefined } as FragmentContent]) {
          const e = await rejection(store.addVersion(same, reviewer));
          expect(e).toBeInstanceOf(FragmentUnchangedError);
          expect(e.code).toBe('fragment-store/unchanged');
          expect((e as FragmentUnchangedError).ref).toEqual(ref1);
        }
        expect(await store.versions(s3ReadBucket.id)).toHaveLength(1);
        // Then the numbering goes on from the latest stored version.
        expect((await store.addVersion(s3ReadBucketV2, reviewer)).version).toBe(2);
      });

      it('addVersion accepts content equal to an older version (a revert)', async () => {
        await store.create(s3ReadBucket, author);
        await store.addVersion(s3ReadBucketV2, author);
        const v3 = await store.addVersion(s3ReadBucket, author);
        expect([v3.version, v3.hash]).toEqual([3, contentHash(s3ReadBucket)]);
      });

      it('a new version starts as a draft whatever the status of the previous one', async () => {
        await store.create(s3ReadBucket, author);
        await moveTo('approved');
        expect((await store.addVersion(s3ReadBucketV2, author)).status).toBe('draft');
        expect((await store.get(ref1))?.status).toBe('approved');
      });

      it('actions are the lower-cased Action patterns of all statements, Deny too, without duplicates; NotAction is left out', async () => {
        const content: FragmentContent = {
          ...s3DenyDelete,
          id: 'mixed-actions',
          statements: [
            { Effect: 'Allow', Action: ['S3:GetObject', 's3:getobject', 'S3:List*'], Resource: '*' },
            { Effect: 'Deny', Action: 's3:Delete*', Resource: '*' },
            { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
            { Effect: 'Allow', Action: 'S3:LIST*', Resource: '*' },
          ],
        };
        expect((await store.create(content, author)).actions).toEqual(['s3:getobject', 's3:list*', 's3:delete*']);
      });
    });

    describe('lifecycle', () => {
      for (const status of FRAGMENT_STATUSES) {
        for (const action of ACTIONS) {
          const to = ALLOWED[status][action];
          it(to === undefined ? `refuses to ${action} a ${status} version` : `${action} moves a ${status} version to ${to}`, async () => {
            await store.create(s3ReadBucket, author);
            await moveTo(status);
            const before = await store.get(ref1);
            expect(before?.status).toBe(status);
            const actor = { by: 'carol@example.com', at: '2026-04-01T08:00:00.000Z' };
            if (to === undefined) {
              const e = await rejection(store.transition(ref1, action, actor));
              expect(e).toBeInstanceOf(InvalidTransitionError);
              expect(e.code).toBe('fragment-store/invalid-transition');
              expect(e.message).toContain(`cannot ${action} a version that is ${status}`);
              expect(await store.get(ref1)).toEqual(before);
            } else {
              const after = await store.transition(ref1, action, actor);
              expect(after.status).toBe(to);
              expect(after.history.at(-1)).toEqual({ from: status, to, at: actor.at, by: actor.by });
              expect(after.history).toHaveLength(PATH_TO[status].length + 1);
              expect(await store.get(ref1)).toEqual(after);
            }
          });
        }
      }

      it('a transition of an unknown id or version fails with FragmentNotFoundError', async () => {
        await store.create(s3ReadBucket, author);
        for (const ref of [{ id: 'no-such-fragment', version: 1 }, { id: s3ReadBucket.id, version: 2 }]) {
          const e = await rejection(store.transition(ref, 'submit', author));
          expect(e).toBeInstanceOf(FragmentNotFoundError);
          expect(e.code).toBe('fragment-store/not-found');
        }
      });

      it('optimistic concurrency: the expected status lets the change through, another one fails with StaleStatusError and changes nothing', async () => {
        await store.create(s3ReadBucket, author);
        await store.transition(ref1, 'submit', author, 'draft');
        const e = await rejection(store.transition(ref1, 'approve', reviewer, 'draft'));
        expect(e).toBeInstanceOf(StaleStatusError);
        expect(e.code).toBe('fragment-store/stale-status');
        expect(e).toMatchObject({ ref: ref1, expected: 'draft', actual: 'in-review' });
        const unchanged = await store.get(ref1);
        expect([unchanged?.status, unchanged?.history.length]).toEqual(['in-review', 1]);
        expect((await store.transition(ref1, 'approve', reviewer, 'in-review')).status).toBe('approved');
      });

      it('checks the expected status before the lifecycle', async () => {
        await store.create(s3ReadBucket, author);
        expect(await rejection(store.transition(ref1, 'approve', reviewer, 'in-review'))).toBeInstanceOf(StaleStatusError);
        expect(await rejection(store.transition(ref1, 'approve', reviewer, 'draft'))).toBeInstanceOf(InvalidTransitionError);
      });

      it('history records every change in order, with time, actor and comment', async () => {
        await store.create(s3ReadBucket, author);
        const steps: [LifecycleAction, string, string | undefined][] = [
          ['submit', 'alice', 'ready for review'],
          ['reject', 'bob', 'needs the TLS condition on ListBucket too'],
          ['submit', 'alice', undefined],
          ['approve', 'bob', 'ok'],
          ['deprecate', 'carol', 'superseded by v2'],
          ['archive', 'carol', undefined],
        ];
        let at = 0;
        for (const [action, by, comment] of steps) {
          await store.transition(ref1, action, { by, at: `2026-05-0${++at}T10:00:00.000Z`, ...(comment !== undefined && { comment }) });
        }
        const v = await store.get(ref1);
        expect(v?.status).toBe('archived');
        expect(v?.history).toEqual([
          { from: 'draft', to: 'in-review', at: '2026-05-01T10:00:00.000Z', by: 'alice', comment: 'ready for review' },
          { from: 'in-review', to: 'rejected', at: '2026-05-02T10:00:00.000Z', by: 'bob', comment: 'needs the TLS condition on ListBucket too' },
          { from: 'rejected', to: 'in-review', at: '2026-05-03T10:00:00.000Z', by: 'alice' },
          { from: 'in-review', to: 'approved', at: '2026-05-04T10:00:00.000Z', by: 'bob', comment: 'ok' },
          { from: 'approved', to: 'deprecated', at: '2026-05-05T10:00:00.000Z', by: 'carol', comment: 'superseded by v2' },
          { from: 'deprecated', to: 'archived', at: '2026-05-06T10:00:00.000Z', by: 'carol' },
        ]);
        expect(v?.history[2]).not.toHaveProperty('comment');
        expect((await store.versions(s3ReadBucket.id))[0]?.history).toEqual(v?.history);
      });

      it('a transition changes only the version it names', async () => {
        await store.create(s3ReadBucket, author);
        await store.addVersion(s3ReadBucketV2, author);
        await store.create(kmsDecrypt, author);
        await store.transition({ id: s3ReadBucket.id, version: 2 }, 'submit', author);
        const [v1, v2] = await store.versions(s3ReadBucket.id);
        expect([v1?.status, v1?.history.length, v2?.status]).toEqual(['draft', 0, 'in-review']);
        expect((await store.get({ id: kmsDecrypt.id, version: 1 }))?.status).toBe('draft');
      });
    });

    describe('isolation', () => {
      it('stored versions cannot be changed through returned objects', async () => {
        const created = await store.create(s3ReadBucket, author);
        const mutate = (v: unknown) => {
          const m = v as { status: string; actions: string[]; history: unknown[]; content: { tags: string[]; title: string; statements: Record<string, unknown>[]; parameters: Record<string, { pattern?: string }> } };
          m.status = 'approved';
          m.actions.push('iam:*');
          m.history.push({ from: 'draft', to: 'approved' });
          m.content.tags.push('admin');
          m.content.title = 'changed';
          (m.content.statements[0] as Record<string, unknown>)['Action'] = '*';
          (m.content.parameters['bucket'] as { pattern?: string }).pattern = '.*';
        };
        mutate(created);
        mutate(await store.get(ref1));
        mutate((await store.versions(s3ReadBucket.id))[0]);
        mutate((await store.search({})).items[0]);
        const stored = await store.get(ref1);
        expect(stored?.content).toEqual(s3ReadBucket);
        expect([stored?.status, stored?.history, stored?.actions]).toEqual(['draft', [], ['s3:listbucket', 's3:getobject', 's3:getobjecttagging']]);
        expect((await store.transition(ref1, 'submit', author)).history).toHaveLength(1);
      });

      it('stored versions do not share the content objects given to create and addVersion', async () => {
        const input = structuredClone(s3ReadBucket) as unknown as { tags: string[]; statements: Record<string, unknown>[] };
        await store.create(input as unknown as FragmentContent, author);
        input.tags.push('admin');
        (input.statements[1] as Record<string, unknown>)['Action'] = 's3:*';
        const stored = await store.get(ref1);
        expect(stored?.content).toEqual(s3ReadBucket);
        expect(stored?.hash).toBe(contentHash(s3ReadBucket));
      });
    });

    describe('concurrency', () => {
      it('of 20 parallel transitions of one version with the same expected status, exactly one wins; the others get StaleStatusError', async () => {
        await store.create(s3ReadBucket, author);
        const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.transition(ref1, 'submit', { by: `user-${i}`, at: author.at }, 'draft')));
        const won = results.filter((r) => r.status === 'fulfilled');
        expect(won).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(StaleStatusError);
        const v = await store.get(ref1);
        expect(v?.history).toHaveLength(1);
        expect(v?.history[0]?.by).toBe(won[0]?.status === 'fulfilled' ? won[0].value.history[0]?.by : undefined);
      });

      it('of 20 parallel approve/reject decisions without an expected status, exactly one wins; the others are refused', async () => {
        await store.create(s3ReadBucket, author);
        await store.transition(ref1, 'submit', author);
        const actions: LifecycleAction[] = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 'approve' : 'reject'));
        const results = await Promise.allSettled(actions.map((a, i) => store.transition(ref1, a, { by: `reviewer-${i}`, at: reviewer.at })));
        const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        expect(won).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason instanceof StaleStatusError || r.reason instanceof InvalidTransitionError).toBe(true);
        const v = await store.get(ref1);
        expect(v?.status).toBe(won[0]?.status);
        expect(v?.history).toHaveLength(2);
      });

      it('parallel addVersion calls get distinct consecutive version numbers', async () => {
        await store.create(s3ReadBucket, author);
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.addVersion({ ...s3ReadBucket, risk: 21 + i }, author)));
        expect(results.map((v) => v.version).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        const all = await store.versions(s3ReadBucket.id);
        expect(all.map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        for (const v of all) expect(v.hash).toBe(contentHash(v.content));
      });

      it('of parallel creates of one id, exactly one wins; the others get FragmentExistsError', async () => {
        const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.create({ ...kmsDecrypt, risk: i }, author)));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(FragmentExistsError);
        expect(await store.versions(kmsDecrypt.id)).toHaveLength(1);
      });
    });

    describe('close', () => {
      it('a closed store refuses every call with StoreClosedError; closing again is harmless', async () => {
        await store.create(s3ReadBucket, author);
        await store.close();
        await store.close();
        for (const call of [() => store.get(ref1), () => store.search({}), () => store.create(kmsDecrypt, author), () => store.transition(ref1, 'submit', author)]) {
          const e = await rejection(call());
          expect(e).toBeInstanceOf(StoreClosedError);
          expect(e.code).toBe('fragment-store/closed');
        }
      });
    });

    describeSearchContract(() => store);
  });
}
