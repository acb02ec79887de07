/**
 * The unit-of-work contract (issue 8: a change and its audit record commit together or not at all),
 * run by SQLite and PostgreSQL. `open` gives an empty store whose audit appends throw for events
 * whose action is FAIL_ACTION (the store's test-only fault hook, ControlPlaneOptions.audit); `openTwin`
 * (where the database can be shared) a second handle on the same database, for concurrent writers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../../audit/index.js';
import { FragmentExistsError } from '../../fragments/index.js';
import type { ControlPlaneOptions } from '../control-plane.js';
import { ControlPlaneClosedError, ControlPlaneStoreFailureError, InvalidStoreArgumentError, TokenExistsError, UnitOfWorkMisuseError } from '../control-plane-errors.js';
import type { ControlPlaneStore } from '../control-plane-port.js';
import { auditEvent, failure, kmsFragment, token } from './control-plane-contract.test-support.js';

export interface UnitOfWorkHarness {
  open(options: ControlPlaneOptions): Promise<ControlPlaneStore>;
  openTwin?(options: ControlPlaneOptions): Promise<ControlPlaneStore>;
}

/** Audit events with this action make the store's append throw (inside its transaction). */
export const FAIL_ACTION = 'test:FailAppend';

export const failingAudit: ControlPlaneOptions = {
  guardUnitsOfWork: true,
  audit: {
    beforeAppend: (event) => {
      if (event.action === FAIL_ACTION) throw new Error('injected audit append failure');
    },
  },
};

const author = { by: 'user/alice', at: '2026-11-23T10:00:00Z' };
const boundary = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };

async function chainOf(store: ControlPlaneStore) {
  const records = await store.audit.read(0, 10_000);
  return { records, verdict: verifyChain(records) };
}

export function describeUnitOfWorkContract(name: string, harness: UnitOfWorkHarness): void {
  describe(`${name}: a change and its audit record as one unit of work`, () => {
    let store: ControlPlaneStore;
    beforeEach(async () => {
      store = await harness.open(failingAudit);
    });
    afterEach(async () => {
      await store.close();
    });

    it('commits the changes of every sub-store and their audit records together', async () => {
      const result = await store.transaction(async (tx) => {
        const v = await tx.fragments.create(kmsFragment('kms-one'), author);
        await tx.tokens.addToken(token('tk_one'));
        const b = await tx.policies.putBoundary('team-a', boundary, author);
        // Reads inside the unit see its own uncommitted writes.
        expect((await tx.fragments.get({ id: 'kms-one', version: 1 }))?.hash).toBe(v.hash);
        await tx.audit.append(auditEvent(1, { resource: 'trn:tessera:fragment/kms-one@1' }));
        await tx.audit.append(auditEvent(2, { resource: `trn:tessera:boundary/${b.id}` }));
        return v.hash;
      });
      expect((await store.fragments.get({ id: 'kms-one', version: 1 }))?.hash).toBe(result);
      expect(await store.tokens.getToken('tk_one')).toMatchObject({ id: 'tk_one' });
      expect(await store.policies.getBoundary('team-a')).toMatchObject({ version: 1 });
      const { records, verdict } = await chainOf(store);
      expect(records.map((r) => r.resource)).toEqual(['trn:tessera:fragment/kms-one@1', 'trn:tessera:boundary/team-a']);
      expect(verdict.ok).toBe(true);
    });

    it('rolls the changes back when the audit append fails, and the chain still verifies', async () => {
      await store.transaction(async (tx) => {
        await tx.tokens.addToken(token('tk_before'));
        await tx.audit.append(auditEvent(1));
      });
      const e = await failure(
        store.transaction(async (tx) => {
          await tx.fragments.create(kmsFragment('kms-lost'), author);
          await tx.tokens.addToken(token('tk_lost'));
          await tx.policies.putBoundary('team-lost', boundary, author);
          await tx.audit.append(auditEvent(2, { action: FAIL_ACTION }));
        }),
      );
      expect(e).toBeInstanceOf(ControlPlaneStoreFailureError);
      expect(String((e as Error).message)).toContain('injected audit append failure');
      expect(await store.fragments.get({ id: 'kms-lost', version: 1 })).toBeUndefined();
      expect(await store.tokens.getToken('tk_lost')).toBeUndefined();
      expect(await store.policies.getBoundary('team-lost')).toBeUndefined();
      const { records, verdict } = await chainOf(store);
      expect(records).toHaveLength(1);
      expect(verdict.ok).toBe(true);
      // The store is usable afterwards and the chain continues from the last committed record.
      await store.transaction(async (tx) => {
        await tx.fragments.create(kmsFragment('kms-after'), author);
        await tx.audit.append(auditEvent(3));
      });
      const after = await chainOf(store);
      expect(after.records.map((r) => r.seq)).toEqual([1, 2]);
      expect(after.verdict.ok).toBe(true);
    });

    it('rolls the change back when the audit event is refused as bad input, with the store\'s own error', async () => {
      const e = await failure(
        store.transaction(async (tx) => {
          await tx.fragments.create(kmsFragment('kms-bad-event'), author);
          await tx.audit.append(auditEvent(1, { outcome: 'maybe' as 'changed' }));
        }),
      );
      expect(e).toBeInstanceOf(InvalidStoreArgumentError);
      expect(await store.fragments.get({ id: 'kms-bad-event', version: 1 })).toBeUndefined();
      expect(await store.audit.head()).toBeUndefined();
    });

    it('writes no audit record when the change fails, and rethrows the change\'s error unchanged', async () => {
      await store.tokens.addToken(token('tk_taken'));
      await store.fragments.create(kmsFragment('kms-taken'), author);
      const tokenError = await failure(
        store.transaction(async (tx) => {
          await tx.fragments.create(kmsFragment('kms-partial'), author);
          await tx.tokens.addToken(token('tk_taken'));
          await tx.audit.append(auditEvent(1));
        }),
      );
      expect(tokenError).toBeInstanceOf(TokenExistsError);
      const fragmentError = await failure(
        store.transaction(async (tx) => {
          await tx.fragments.create(kmsFragment('kms-taken'), author);
          await tx.audit.append(auditEvent(2));
        }),
      );
      expect(fragmentError).toBeInstanceOf(FragmentExistsError);
      // The first write of the failed unit is gone with it.
      expect(await store.fragments.get({ id: 'kms-partial', version: 1 })).toBeUndefined();
      const { records, verdict } = await chainOf(store);
      expect(records).toHaveLength(0);
      expect(verdict.ok).toBe(true);
    });

    it('refuses the store\'s own methods and a nested unit of work inside a unit of work, at once and without changing anything', async () => {
      const outer = await failure(store.transaction(async (tx) => {
        await tx.tokens.addToken(token('tk-inside'));
        // The store itself, not `tx`: it would wait for this unit's own transaction.
        await store.tokens.getToken('tk-inside');
      }));
      expect(outer).toBeInstanceOf(UnitOfWorkMisuseError);
      expect((outer as Error).message).toContain('use the `tx` stores');
      const nested = await failure(store.transaction(() => store.transaction(() => Promise.resolve(1))));
      expect(nested).toBeInstanceOf(UnitOfWorkMisuseError);
      expect(await store.tokens.getToken('tk-inside')).toBeUndefined();
      // Concurrent units of work of other callers are not affected, and the store works afterwards.
      expect(await Promise.all([1, 2].map((i) => store.transaction(async (tx) => tx.tokens.addToken(token(`tk-${i}`)))))).toHaveLength(2);
      expect((await store.tokens.listTokens()).map((t) => t.id).sort()).toEqual(['tk-1', 'tk-2']);
    });

    it('refuses a unit of work on a closed store', async () => {
      await store.close();
      const e = await failure(store.transaction(() => Promise.resolve(1)));
      expect(e).toBeInstanceOf(ControlPlaneClosedError);
    });

    it('keeps 20 concurrent audited changes (from two handles where the database is shared) whole and chained', async () => {
      const twin = harness.openTwin === undefined ? store : await harness.openTwin(failingAudit);
      try {
        const handles = [store, twin];
        const changes = Array.from({ length: 20 }, (_, i) =>
          (handles[i % 2] as ControlPlaneStore).transaction(async (tx) => {
            await tx.fragments.create(kmsFragment(`kms-par-${i}`), author);
            await tx.tokens.addToken(token(`tk_par_${i}`));
            await tx.audit.append(auditEvent(i, { resource: `trn:tessera:fragment/kms-par-${i}@1` }));
          }),
        );
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('20 concurrent units of work did not finish in 20 s (deadlock?)')), 20_000);
        });
        try {
          await Promise.race([Promise.all(changes), deadline]);
        } finally {
          clearTimeout(timer);
        }
        const { records, verdict } = await chainOf(store);
        expect(verdict.ok).toBe(true);
        expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        expect(new Set(records.map((r) => r.resource)).size).toBe(20);
        expect((await store.tokens.listTokens()).filter((t) => t.id.startsWith('tk_par_'))).toHaveLength(20);
        expect((await store.fragments.search({})).total).toBe(20);
      } finally {
        if (twin !== store) await twin.close();
      }
    }, 30_000);
  });
}
