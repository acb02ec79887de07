/**
 * The control-plane store contract: one suite that the SQLite (file and :memory:) and PostgreSQL
 * stores pass. `open` must give an empty store; `openTwin` (where the database can be shared) a
 * second handle on the database the last `open` gave, for appenders on separate connections;
 * `execute` runs SQL on that database behind the store's back, for the tamper tests.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashRecord, verifyChain } from '../../audit/index.js';
import type { AuditEventInput, AuditRecord } from '../../audit/index.js';
import { StoreClosedError } from '../../fragments/index.js';
import type { FragmentContent } from '../../fragments/index.js';
import {
  ControlPlaneClosedError,
  ControlPlaneStoreFailureError,
  DeploymentNotFoundError,
  InvalidStoreArgumentError,
  StaleImageError,
  TokenExistsError,
} from '../control-plane-errors.js';
import type { ApiTokenRecord, ControlPlaneStore, DeploymentRecord } from '../control-plane-port.js';

export interface ControlPlaneHarness {
  open(): Promise<ControlPlaneStore>;
  openTwin?(): Promise<ControlPlaneStore>;
  execute?(statement: string): Promise<void>;
}

const SECRET = 'scrypt$16384$8$1$c2FsdA==$aGFzaA==';
export const token = (id: string, over: Partial<ApiTokenRecord> = {}): ApiTokenRecord => ({
  id,
  principal: 'user/alice',
  role: 'central-admin',
  team: null,
  secretHash: SECRET,
  createdAt: '2026-11-23T10:00:00Z',
  createdBy: 'user/root',
  revokedAt: null,
  ...over,
});

export const auditEvent = (i: number, over: Partial<AuditEventInput> = {}): AuditEventInput => ({
  at: `2026-11-23T10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`,
  actor: 'user/alice',
  action: 'tessera:ApproveFragment',
  resource: `trn:tessera:fragment/f-${i}@1`,
  outcome: 'changed',
  detail: { i, z: [1, { y: 'ü', x: null }] },
  ...over,
});

const deployment = (id: string, over: Partial<DeploymentRecord> = {}): DeploymentRecord => ({
  id,
  app: { name: id, exposure: 'internet', packages: ['nginx'] },
  environment: { zone: 'dmz' },
  imageDigest: null,
  planDigest: null,
  riskTier: null,
  updatedAt: '2026-11-23T10:00:00Z',
  ...over,
});

/** A small fragment (the fragment store has its own contract; these suites only show it shares the handle and its transactions). */
export const kmsFragment = (id: string): FragmentContent => ({
  id,
  title: 'Decrypt with one KMS key',
  description: 'Decrypts with a single key.',
  resourceType: 'kms:key',
  owner: 'security',
  tags: ['kms'],
  risk: 30,
  parameters: {},
  requiredConditions: [],
  statements: [{ Sid: 'Decrypt', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }],
  signature: { provides: ['kms:decrypt'], requires: [], conflictsWith: [], riskBudget: 30 },
});
const fragment = kmsFragment('kms-decrypt-one-key');
const author = { by: 'user/alice', at: '2026-11-23T10:00:00Z' };

const digest = (c: string) => `sha256:${c.repeat(64)}`;

/** The error a call fails with; the test fails when it succeeds. */
export async function failure(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected the call to fail');
}

export function describeControlPlaneContract(name: string, harness: ControlPlaneHarness): void {
  describe(`${name}: control-plane store contract`, () => {
    let store: ControlPlaneStore;
    beforeEach(async () => {
      store = await harness.open();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('tokens', () => {
      it('stores a token and reads it back; an unknown id is undefined', async () => {
        const t = token('tk_1', { role: 'delegated-admin', team: 'payments' });
        await store.tokens.addToken(t);
        expect(await store.tokens.getToken('tk_1')).toEqual(t);
        expect(await store.tokens.getToken('tk_2')).toBeUndefined();
      });

      it('refuses an id that is taken with TokenExistsError', async () => {
        await store.tokens.addToken(token('tk_1'));
        const e = await failure(store.tokens.addToken(token('tk_1', { principal: 'user/bob' })));
        expect(e).toBeInstanceOf(TokenExistsError);
        expect(e.code).toBe('control-plane-store/token-exists');
        expect((await store.tokens.getToken('tk_1'))?.principal).toBe('user/alice');
      });

      it('lists by createdAt, then id compared byte-wise', async () => {
        await store.tokens.addToken(token('tk_c', { createdAt: '2026-11-23T09:00:00Z' }));
        await store.tokens.addToken(token('tk_b'));
        await store.tokens.addToken(token('tk-z'));
        await store.tokens.addToken(token('TK_a'));
        expect((await store.tokens.listTokens()).map((t) => t.id)).toEqual(['tk_c', 'TK_a', 'tk-z', 'tk_b']);
      });

      it('revokes once: true, then false; false for an unknown id', async () => {
        await store.tokens.addToken(token('tk_1'));
        expect(await store.tokens.revokeToken('tk_1', '2026-11-23T11:00:00Z')).toBe(true);
        expect(await store.tokens.revokeToken('tk_1', '2026-11-23T12:00:00Z')).toBe(false);
        expect(await store.tokens.revokeToken('tk_9', '2026-11-23T12:00:00Z')).toBe(false);
        expect((await store.tokens.getToken('tk_1'))?.revokedAt).toBe('2026-11-23T11:00:00Z');
      });

      it('enforces its constraints: a team exactly for delegated admins, a known role, an scrypt hash', async () => {
        for (const bad of [
          token('tk_1', { role: 'delegated-admin', team: null }),
          token('tk_2', { role: 'auditor', team: 'payments' }),
          token('tk_3', { role: 'root' as ApiTokenRecord['role'] }),
          token('tk_4', { secretHash: 'plaintext' }),
        ]) {
          expect(await failure(store.tokens.addToken(bad)), bad.id).toBeInstanceOf(ControlPlaneStoreFailureError);
        }
        expect(await store.tokens.listTokens()).toEqual([]);
      });
    });

    describe('audit log', () => {
      it('is empty at first', async () => {
        expect(await store.audit.head()).toBeUndefined();
        expect(await store.audit.read(0, 10)).toEqual([]);
      });

      it('chains each record to the one before, from 64 zeros', async () => {
        const appended: AuditRecord[] = [];
        for (let i = 1; i <= 5; i++) appended.push(await store.audit.append(auditEvent(i)));
        expect(appended.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
        expect(appended[0]?.prevHash).toBe(GENESIS_HASH);
        for (const [i, r] of appended.entries()) {
          expect(r.hash).toBe(hashRecord(r));
          if (i > 0) expect(r.prevHash).toBe(appended[i - 1]?.hash);
        }
        expect(await store.audit.read(0, 100)).toEqual(appended);
        expect(await store.audit.head()).toEqual(appended[4]);
        expect(verifyChain(await store.audit.read(0, 100)).ok).toBe(true);
      });

      it('reads after a seq, oldest first, at most limit', async () => {
        for (let i = 1; i <= 6; i++) await store.audit.append(auditEvent(i));
        expect((await store.audit.read(2, 3)).map((r) => r.seq)).toEqual([3, 4, 5]);
        expect((await store.audit.read(5, 10)).map((r) => r.seq)).toEqual([6]);
        expect(await store.audit.read(6, 10)).toEqual([]);
        expect(await store.audit.read(0, 0)).toEqual([]);
        expect(await failure(store.audit.read(-1, 10))).toBeInstanceOf(InvalidStoreArgumentError);
        expect(await failure(store.audit.read(0, -1))).toBeInstanceOf(InvalidStoreArgumentError);
      });

      it('keeps detail as JSON (nested, unicode, null) and the record it returned', async () => {
        const detail = { b: [1, 2.5, { c: null, 'd é': '✓' }], a: true, n: -0.125 };
        const r = await store.audit.append(auditEvent(1, { detail, outcome: 'denied' }));
        const [read] = await store.audit.read(0, 1);
        expect(read).toEqual(r);
        expect(read?.detail).toEqual(detail);
        expect((await store.audit.append(auditEvent(2, { detail: 'just text' }))).detail).toBe('just text');
      });

      it('refuses an unknown outcome', async () => {
        const e = await failure(store.audit.append(auditEvent(1, { outcome: 'maybe' as AuditEventInput['outcome'] })));
        expect(e).toBeInstanceOf(InvalidStoreArgumentError);
        expect(await store.audit.head()).toBeUndefined();
      });

      it('forms one chain from 50 parallel appends', async () => {
        const records = await Promise.all(Array.from({ length: 50 }, (_, i) => store.audit.append(auditEvent(i + 1))));
        expect(records.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        const log = await store.audit.read(0, 100);
        expect(verifyChain(log)).toMatchObject({ ok: true, records: 50 });
      });

      it('appends a batch in order as one chain, continuing the log, and returns its records', async () => {
        await store.audit.append(auditEvent(1));
        const batch = await store.audit.appendMany(Array.from({ length: 120 }, (_, i) => auditEvent(i + 2)));
        expect(batch.map((r) => r.seq)).toEqual(Array.from({ length: 120 }, (_, i) => i + 2));
        const log = await store.audit.read(0, 500);
        expect(log).toEqual([log[0], ...batch]);
        expect(verifyChain(log)).toMatchObject({ ok: true, records: 121 });
        expect(await store.audit.appendMany([])).toEqual([]);
      });

      it('writes none of a batch with one bad record, or one over the batch limit', async () => {
        await store.audit.append(auditEvent(1));
        const bad = await failure(store.audit.appendMany([auditEvent(2), auditEvent(3, { outcome: 'maybe' as AuditEventInput['outcome'] })]));
        expect(bad).toBeInstanceOf(InvalidStoreArgumentError);
        const huge = await failure(store.audit.appendMany(Array.from({ length: 501 }, (_, i) => auditEvent(i + 2))));
        expect(huge).toBeInstanceOf(InvalidStoreArgumentError);
        expect((await store.audit.head())?.seq).toBe(1);
      });

      it('forms one chain from parallel batches and single appends', async () => {
        const work = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? store.audit.appendMany([auditEvent(i), auditEvent(i)]) : store.audit.append(auditEvent(i))));
        await Promise.all(work);
        const log = await store.audit.read(0, 100);
        expect(verifyChain(log)).toMatchObject({ ok: true, records: 30 });
      });

      if (harness.openTwin !== undefined) {
        const openTwin = harness.openTwin;
        it('forms one chain from 50 parallel appends through two stores on one database', async () => {
          const twin = await openTwin();
          try {
            const records = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? store : twin).audit.append(auditEvent(i + 1, { actor: `user/${i % 2}` }))));
            expect(records.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
            const log = await twin.audit.read(0, 100);
            expect(verifyChain(log)).toMatchObject({ ok: true, records: 50, problems: [] });
            expect(log.filter((r) => r.actor === 'user/1')).toHaveLength(25);
          } finally {
            await twin.close();
          }
        });
      }

      if (harness.execute !== undefined) {
        const execute = harness.execute;
        const seeded = async (n: number) => {
          for (let i = 1; i <= n; i++) await store.audit.append(auditEvent(i));
        };
        const problems = async () => verifyChain(await store.audit.read(0, 1000)).problems.map((p) => [p.code, p.seq]);

        it('verification finds a row edited with SQL', async () => {
          await seeded(6);
          await execute("update audit_log set actor = 'user/mallory' where seq = 3");
          expect(await problems()).toEqual([['audit/edited', 3]]);
        });

        it('verification finds a row deleted with SQL', async () => {
          await seeded(6);
          await execute('delete from audit_log where seq = 4');
          expect(await problems()).toEqual([['audit/removed', 4]]);
        });

        it('verification finds rows swapped with SQL', async () => {
          await seeded(6);
          await execute('update audit_log set seq = 1000 where seq = 2');
          await execute('update audit_log set seq = 2 where seq = 3');
          await execute('update audit_log set seq = 3 where seq = 1000');
          const [first] = verifyChain(await store.audit.read(0, 1000)).problems;
          expect(first).toMatchObject({ code: 'audit/reordered', seq: 2 });
        });
      }
    });

    describe('deployments', () => {
      it('stores a deployment and reads it back; lists by id', async () => {
        await store.deployments.putDeployment(deployment('web'));
        await store.deployments.putDeployment(deployment('api', { imageDigest: digest('a'), planDigest: digest('p'), riskTier: 'high' }));
        expect(await store.deployments.getDeployment('web')).toEqual(deployment('web'));
        expect(await store.deployments.getDeployment('nope')).toBeUndefined();
        expect((await store.deployments.listDeployments()).map((d) => [d.id, d.imageDigest])).toEqual([['api', digest('a')], ['web', null]]);
      });

      it('keeps the build summary beside the deployment, through re-registration; none for an unknown one', async () => {
        await store.deployments.putDeployment(deployment('web'));
        expect(await store.deployments.getBuildSummary('web')).toBeUndefined();
        const summary = { tier: 'high', policyDigest: digest('p'), packages: [{ name: 'dash', version: '0.5.12-2' }], vulnerabilities: [] };
        await store.deployments.putBuildSummary('web', summary);
        expect(await store.deployments.getBuildSummary('web')).toEqual(summary);
        await store.deployments.putDeployment(deployment('web', { app: { name: 'web', v: 2 } }));
        expect(await store.deployments.getBuildSummary('web')).toEqual(summary);
        await store.deployments.putBuildSummary('web', { ...summary, tier: 'low' });
        expect(await store.deployments.getBuildSummary('web')).toMatchObject({ tier: 'low' });
        expect(await store.deployments.getBuildSummary('nope')).toBeUndefined();
        const e = await store.deployments.putBuildSummary('nope', summary).then(() => undefined, (x: unknown) => x);
        expect(e).toMatchObject({ code: 'control-plane-store/deployment-not-found' });
      });

      it('replacing the app and environment keeps the image, plan, tier and lineage', async () => {
        await store.deployments.putDeployment(deployment('web'));
        await store.deployments.recordImage({ deploymentId: 'web', fromDigest: null, toDigest: digest('a'), planDigest: digest('p'), reasons: [], riskTier: 'low', at: '2026-11-23T11:00:00Z' });
        await store.deployments.putDeployment(deployment('web', { app: { name: 'web', v: 2 }, imageDigest: null, updatedAt: '2026-11-23T12:00:00Z' }));
        expect(await store.deployments.getDeployment('web')).toEqual(
          deployment('web', { app: { name: 'web', v: 2 }, imageDigest: digest('a'), planDigest: digest('p'), riskTier: 'low', updatedAt: '2026-11-23T12:00:00Z' }),
        );
        expect(await store.deployments.lineage('web')).toHaveLength(1);
      });

      it('records rebuilds in order and moves the deployment to each new image', async () => {
        await store.deployments.putDeployment(deployment('web'));
        const reasons = [{ kind: 'kev', cve: 'CVE-2024-1234', package: 'openssl' }];
        const first = await store.deployments.recordImage({ deploymentId: 'web', fromDigest: null, toDigest: digest('a'), planDigest: digest('p'), reasons: [], riskTier: 'low', at: '2026-11-23T11:00:00Z' });
        const second = await store.deployments.recordImage({ deploymentId: 'web', fromDigest: digest('a'), toDigest: digest('b'), planDigest: digest('q'), reasons, riskTier: 'high', at: '2026-11-23T12:00:00Z' });
        expect([first.seq, second.seq]).toEqual([1, 2]);
        expect(second).toEqual({ deploymentId: 'web', seq: 2, fromDigest: digest('a'), toDigest: digest('b'), planDigest: digest('q'), reasons, at: '2026-11-23T12:00:00Z' });
        expect(await store.deployments.lineage('web')).toEqual([first, second]);
        expect(await store.deployments.getDeployment('web')).toMatchObject({ imageDigest: digest('b'), planDigest: digest('q'), riskTier: 'high', updatedAt: '2026-11-23T12:00:00Z' });
        expect(await store.deployments.lineage('other')).toEqual([]);
      });

      it('refuses a rebuild from a digest the deployment no longer runs, and one of an unknown deployment', async () => {
        await store.deployments.putDeployment(deployment('web', { imageDigest: digest('a') }));
        const stale = await failure(store.deployments.recordImage({ deploymentId: 'web', fromDigest: null, toDigest: digest('b'), planDigest: digest('p'), reasons: [], riskTier: 'low', at: 't' }));
        expect(stale).toBeInstanceOf(StaleImageError);
        expect(stale.code).toBe('control-plane-store/stale-image');
        expect((stale as StaleImageError).actual).toBe(digest('a'));
        const missing = await failure(store.deployments.recordImage({ deploymentId: 'nope', fromDigest: null, toDigest: digest('b'), planDigest: digest('p'), reasons: [], riskTier: 'low', at: 't' }));
        expect(missing).toBeInstanceOf(DeploymentNotFoundError);
        expect(await store.deployments.lineage('web')).toEqual([]);
      });

      it('of parallel rebuilds from the same image, exactly one wins', async () => {
        await store.deployments.putDeployment(deployment('web', { imageDigest: digest('a') }));
        const results = await Promise.allSettled(
          ['b', 'c', 'd', 'e'].map((c) => store.deployments.recordImage({ deploymentId: 'web', fromDigest: digest('a'), toDigest: digest(c), planDigest: digest('p'), reasons: [], riskTier: 'low', at: 't' })),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof StaleImageError)).toBe(true);
        expect(await store.deployments.lineage('web')).toHaveLength(1);
      });
    });

    describe('one handle', () => {
      it('holds the fragment store beside the rest', async () => {
        await store.fragments.create(fragment, author);
        await store.audit.append(auditEvent(1, { resource: `trn:tessera:fragment/${fragment.id}@1` }));
        expect((await store.fragments.get({ id: fragment.id, version: 1 }))?.status).toBe('draft');
      });

      it('closes everything once; later calls fail with the closed errors', async () => {
        await store.close();
        await store.close();
        expect(await failure(store.tokens.listTokens())).toBeInstanceOf(ControlPlaneClosedError);
        expect(await failure(store.audit.head())).toBeInstanceOf(ControlPlaneClosedError);
        expect(await failure(store.deployments.listDeployments())).toBeInstanceOf(ControlPlaneClosedError);
        expect(await failure(store.fragments.search({}))).toBeInstanceOf(StoreClosedError);
      });
    });
  });
}
