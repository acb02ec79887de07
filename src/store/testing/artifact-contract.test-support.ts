/**
 * The artifact store contract (app profiles, environments, risk profiles, plans, images): one
 * suite that the SQLite (file and :memory:) and PostgreSQL control planes pass. `open` must give an
 * empty store; `openTwin` (where the database can be shared) a second handle on the same database,
 * so that concurrent writers race on separate connections.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ArtifactMismatchError,
  ControlPlaneClosedError,
  DeploymentNotFoundError,
  InvalidStoreArgumentError,
  PlanNotFoundError,
  RiskProfileNotFoundError,
  StaleRevisionError,
} from '../control-plane-errors.js';
import type { ImageRecord, NewRiskProfile, PlanRecord } from '../artifact-port.js';
import type { ControlPlaneStore } from '../control-plane-port.js';
import { failure } from './control-plane-contract.test-support.js';

export interface ArtifactHarness {
  open(): Promise<ControlPlaneStore>;
  openTwin?(): Promise<ControlPlaneStore>;
}

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const alice = { by: 'user/alice', at: '2026-11-23T10:00:00Z' };
const bob = { by: 'user/bob', at: '2026-11-23T11:00:00Z' };
const appDoc = { name: 'checkout', function: 'payments', criticality: 'high', packages: ['nginx', 'openssl'], data: { classes: ['pii'], note: 'é ✓', n: null } };

const risk = (over: Partial<NewRiskProfile> = {}): NewRiskProfile => ({
  deploymentId: 'web',
  at: '2026-11-23T10:00:00Z',
  tier: 'high',
  score: 61.5,
  profile: { engine: 'tessera-risk', tier: 'high', score: 61.5, intel: { kev: '2026.11.23', epss: null }, factors: [{ id: 'exposure', weight: 0.25 }] },
  inputsDigest: digest('1'),
  ...over,
});

const plan = (c: string, over: Partial<PlanRecord> = {}): PlanRecord => ({
  digest: digest(c),
  plan: { app: 'web', digest: digest(c), packages: [{ name: 'dash', version: '0.5.12-2', layer: 'base' }], risk: { tier: 'high' } },
  createdAt: '2026-11-23T10:00:00Z',
  deploymentId: null,
  riskProfileSeq: null,
  ...over,
});

const image = (c: string, planDigest: string, over: Partial<ImageRecord> = {}): ImageRecord => ({
  digest: digest(c),
  planDigest,
  layers: [{ digest: digest('a'), size: 1000 }, { digest: digest('b'), size: 2_500_000_000 }],
  totalSize: 2_500_001_000,
  documents: [{ kind: 'cyclonedx', mediaType: 'application/vnd.cyclonedx+json', digest: digest('c'), referrer: digest('d') }],
  createdAt: '2026-11-23T10:05:00Z',
  ...over,
});

export function describeArtifactContract(name: string, harness: ArtifactHarness): void {
  describe(`${name}: artifact store contract`, () => {
    let store: ControlPlaneStore;
    beforeEach(async () => {
      store = await harness.open();
      await store.deployments.putDeployment({ id: 'web', app: {}, environment: {}, imageDigest: null, planDigest: null, riskTier: null, updatedAt: alice.at });
    });
    afterEach(async () => {
      await store.close();
    });

    describe('app profiles and environments', () => {
      it('numbers each put as the next revision; reads the latest or a given one', async () => {
        const r1 = await store.artifacts.putDocument('app', 'checkout', appDoc, alice);
        const r2 = await store.artifacts.putDocument('app', 'checkout', appDoc, bob);
        const r3 = await store.artifacts.putDocument('app', 'checkout', { ...appDoc, criticality: 'low' }, bob);
        expect([r1.revision, r2.revision, r3.revision]).toEqual([1, 2, 3]);
        expect(r1).toEqual({ kind: 'app', name: 'checkout', revision: 1, document: appDoc, createdAt: alice.at, createdBy: alice.by });
        expect(await store.artifacts.getDocument('app', 'checkout')).toEqual(r3);
        expect(await store.artifacts.getDocument('app', 'checkout', 1)).toEqual(r1);
        expect(await store.artifacts.getDocument('app', 'checkout', 4)).toBeUndefined();
        expect(await store.artifacts.getDocument('app', 'nope')).toBeUndefined();
      });

      it('keeps apps and environments apart, and lists each kind by name', async () => {
        await store.artifacts.putDocument('environment', 'prod', { exposure: 'internet' }, alice);
        await store.artifacts.putDocument('app', 'prod', appDoc, alice);
        await store.artifacts.putDocument('app', 'b-app', appDoc, alice);
        await store.artifacts.putDocument('app', 'b-app', appDoc, bob);
        expect(await store.artifacts.listDocuments('app')).toEqual([
          { kind: 'app', name: 'b-app', latestRevision: 2, updatedAt: bob.at, updatedBy: bob.by },
          { kind: 'app', name: 'prod', latestRevision: 1, updatedAt: alice.at, updatedBy: alice.by },
        ]);
        expect((await store.artifacts.getDocument('environment', 'prod'))?.document).toEqual({ exposure: 'internet' });
        expect((await store.artifacts.listDocuments('environment')).map((d) => d.name)).toEqual(['prod']);
      });

      it('checks an expected revision in the same transaction; a stale one writes nothing', async () => {
        expect((await store.artifacts.putDocument('app', 'checkout', appDoc, alice, null)).revision).toBe(1);
        const again = await failure(store.artifacts.putDocument('app', 'checkout', appDoc, alice, null));
        expect(again).toBeInstanceOf(StaleRevisionError);
        expect(again.code).toBe('control-plane-store/stale-revision');
        expect((await store.artifacts.putDocument('app', 'checkout', { v: 2 }, bob, 1)).revision).toBe(2);
        expect(await failure(store.artifacts.putDocument('app', 'checkout', { v: 3 }, bob, 1))).toMatchObject({ expected: 1, actual: 2 });
        expect(await failure(store.artifacts.putDocument('app', 'nope', { v: 1 }, bob, 3))).toMatchObject({ expected: 3, actual: null });
        expect((await store.artifacts.getDocument('app', 'checkout'))?.revision).toBe(2);
        expect((await store.artifacts.listDocuments('app')).map((d) => [d.name, d.latestRevision])).toEqual([['checkout', 2]]);
      });

      it('of parallel puts expecting the same revision, exactly one wins; unconditional ones all get their own', async () => {
        await store.artifacts.putDocument('app', 'checkout', appDoc, alice);
        const conditional = await Promise.allSettled([1, 2, 3, 4].map((i) => store.artifacts.putDocument('app', 'checkout', { i }, bob, 1)));
        expect(conditional.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(conditional.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof StaleRevisionError)).toBe(true);
        const free = await Promise.all([1, 2, 3].map((i) => store.artifacts.putDocument('environment', 'prod', { i }, bob)));
        expect(free.map((r) => r.revision).sort()).toEqual([1, 2, 3]);
      });

      it('refuses an unknown kind and an empty name, writing nothing', async () => {
        expect(await failure(store.artifacts.putDocument('cluster' as 'app', 'x', {}, alice))).toBeInstanceOf(InvalidStoreArgumentError);
        expect(await failure(store.artifacts.putDocument('app', '', {}, alice))).toBeInstanceOf(InvalidStoreArgumentError);
        expect(await failure(store.artifacts.getDocument('cluster' as 'app', 'x'))).toBeInstanceOf(InvalidStoreArgumentError);
        expect(await store.artifacts.listDocuments('app')).toEqual([]);
      });
    });

    describe('risk profiles', () => {
      it('records assessments of a deployment in order and pages them', async () => {
        const first = await store.artifacts.recordRiskProfile(risk());
        const second = await store.artifacts.recordRiskProfile(risk({ at: '2026-11-23T11:00:00Z', tier: 'critical', score: 88, inputsDigest: digest('2') }));
        const third = await store.artifacts.recordRiskProfile(risk({ at: '2026-11-23T12:00:00Z', inputsDigest: digest('3') }));
        expect([first.seq, second.seq, third.seq]).toEqual([1, 2, 3]);
        expect(first).toEqual({ ...risk(), seq: 1 });
        expect(await store.artifacts.riskProfiles('web', 0, 2)).toEqual([first, second]);
        expect(await store.artifacts.riskProfiles('web', 2, 2)).toEqual([third]);
        expect(await store.artifacts.riskProfiles('web', 3, 2)).toEqual([]);
        expect(await store.artifacts.riskProfiles('web', 0, 0)).toEqual([]);
        expect(await store.artifacts.getRiskProfile('web', 2)).toEqual(second);
        expect(await store.artifacts.getRiskProfile('web', 9)).toBeUndefined();
        expect(await store.artifacts.riskProfiles('other', 0, 10)).toEqual([]);
      });

      it('an assessment equal to the latest is that one: nothing new is written', async () => {
        const first = await store.artifacts.recordRiskProfile(risk());
        expect(await store.artifacts.recordRiskProfile(risk({ at: '2026-11-23T11:00:00Z' }))).toEqual(first);
        const changed = await store.artifacts.recordRiskProfile(risk({ at: '2026-11-23T12:00:00Z', score: 62 }));
        expect(changed.seq).toBe(2);
        // Equal to an older one, but not to the latest: a change back is a change.
        expect((await store.artifacts.recordRiskProfile(risk({ at: '2026-11-23T13:00:00Z' }))).seq).toBe(3);
      });

      it('refuses an unknown deployment with DeploymentNotFoundError and bad numbers with InvalidStoreArgumentError', async () => {
        const e = await failure(store.artifacts.recordRiskProfile(risk({ deploymentId: 'nope' })));
        expect(e).toBeInstanceOf(DeploymentNotFoundError);
        expect(e.code).toBe('control-plane-store/deployment-not-found');
        expect(await failure(store.artifacts.recordRiskProfile(risk({ score: Number.NaN })))).toBeInstanceOf(InvalidStoreArgumentError);
        expect(await failure(store.artifacts.recordRiskProfile(risk({ tier: '' })))).toBeInstanceOf(InvalidStoreArgumentError);
        expect(await failure(store.artifacts.riskProfiles('web', -1, 10))).toBeInstanceOf(InvalidStoreArgumentError);
        expect(await failure(store.artifacts.riskProfiles('web', 0, 1.5))).toBeInstanceOf(InvalidStoreArgumentError);
        expect(await store.artifacts.riskProfiles('web', 0, 10)).toEqual([]);
      });

      it('numbers parallel assessments of one deployment without gaps or duplicates', async () => {
        const records = await Promise.all(Array.from({ length: 12 }, (_, i) => store.artifacts.recordRiskProfile(risk({ inputsDigest: digest(i.toString(16)) }))));
        expect(records.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      });
    });

    describe('plans', () => {
      it('stores a plan by digest with the deployment and assessment that produced it', async () => {
        await store.artifacts.recordRiskProfile(risk());
        const p = plan('p', { deploymentId: 'web', riskProfileSeq: 1 });
        expect(await store.artifacts.putPlan(p)).toEqual(p);
        expect(await store.artifacts.getPlan(p.digest)).toEqual(p);
        expect(await store.artifacts.getPlan(digest('0'))).toBeUndefined();
        expect(await store.artifacts.putPlan(plan('q'))).toEqual(plan('q'));
      });

      it('is idempotent: the first plan and producer stay (what the digest covers is the planner\'s)', async () => {
        const first = await store.artifacts.putPlan(plan('p'));
        expect(await store.artifacts.putPlan(plan('p', { createdAt: '2026-11-24T00:00:00Z', deploymentId: 'web' }))).toEqual(first);
        expect(await store.artifacts.putPlan(plan('p', { plan: { solver: { ms: 12 } } }))).toEqual(first);
        expect(await store.artifacts.getPlan(digest('p'))).toEqual(first);
      });

      it('refuses an unknown deployment or risk profile, and a malformed reference, writing nothing', async () => {
        expect(await failure(store.artifacts.putPlan(plan('p', { deploymentId: 'nope' })))).toBeInstanceOf(DeploymentNotFoundError);
        const missing = await failure(store.artifacts.putPlan(plan('p', { deploymentId: 'web', riskProfileSeq: 7 })));
        expect(missing).toBeInstanceOf(RiskProfileNotFoundError);
        expect(missing.code).toBe('control-plane-store/risk-profile-not-found');
        expect(await failure(store.artifacts.putPlan(plan('p', { riskProfileSeq: 1 })))).toBeInstanceOf(InvalidStoreArgumentError);
        expect(await failure(store.artifacts.putPlan(plan('p', { digest: 'not-a-digest' })))).toBeInstanceOf(InvalidStoreArgumentError);
        expect(await store.artifacts.getPlan(digest('p'))).toBeUndefined();
      });

      it('of parallel puts of one digest, one row remains and every caller gets it', async () => {
        const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.artifacts.putPlan(plan('p', { createdAt: `2026-11-23T10:00:0${i}Z` }))));
        expect(new Set(results.map((r) => r.createdAt)).size).toBe(1);
        expect(await store.artifacts.getPlan(digest('p'))).toEqual(results[0]);
      });

      if (harness.openTwin !== undefined) {
        const openTwin = harness.openTwin;
        it('of parallel puts of one digest through two stores on one database, one row remains', async () => {
          const twin = await openTwin();
          try {
            const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? store : twin).artifacts.putPlan(plan('p', { createdAt: `2026-11-23T10:00:0${i}Z` }))));
            expect(new Set(results.map((r) => r.createdAt)).size).toBe(1);
            const images = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? store : twin).artifacts.putImage(image('i', digest('p'), { createdAt: `2026-11-23T10:05:0${i}Z` }))));
            expect(new Set(images.map((r) => r.createdAt)).size).toBe(1);
          } finally {
            await twin.close();
          }
        });
      }
    });

    describe('images', () => {
      it('stores an image by manifest digest with its plan, layers, size and documents (sizes past 2^31)', async () => {
        await store.artifacts.putPlan(plan('p'));
        const i = image('i', digest('p'));
        expect(await store.artifacts.putImage(i)).toEqual(i);
        expect(await store.artifacts.getImage(i.digest)).toEqual(i);
        expect(await store.artifacts.getImage(digest('0'))).toBeUndefined();
      });

      it('is idempotent, and refuses other content under a stored digest', async () => {
        await store.artifacts.putPlan(plan('p'));
        await store.artifacts.putPlan(plan('q'));
        const first = await store.artifacts.putImage(image('i', digest('p')));
        expect(await store.artifacts.putImage(image('i', digest('p'), { createdAt: '2026-11-24T00:00:00Z' }))).toEqual(first);
        expect(await failure(store.artifacts.putImage(image('i', digest('q'))))).toBeInstanceOf(ArtifactMismatchError);
        const e = await failure(store.artifacts.putImage(image('i', digest('p'), { documents: [] })));
        expect(e).toBeInstanceOf(ArtifactMismatchError);
        expect(e.code).toBe('control-plane-store/artifact-mismatch');
        expect(await store.artifacts.getImage(digest('i'))).toEqual(first);
      });

      it('refuses an image whose plan is not stored, and malformed layers or sizes, writing nothing', async () => {
        const e = await failure(store.artifacts.putImage(image('i', digest('p'))));
        expect(e).toBeInstanceOf(PlanNotFoundError);
        expect(e.code).toBe('control-plane-store/plan-not-found');
        await store.artifacts.putPlan(plan('p'));
        for (const bad of [
          image('i', digest('p'), { totalSize: 1 }),
          image('i', digest('p'), { layers: [{ digest: 'x', size: 1 }], totalSize: 1 }),
          image('i', digest('p'), { layers: [{ digest: digest('a'), size: -1 }], totalSize: -1 }),
          image('i', digest('p'), { documents: [{ kind: 'spdx' } as ImageRecord['documents'][number]] }),
          image('i', 'nope'),
        ]) {
          expect(await failure(store.artifacts.putImage(bad))).toBeInstanceOf(InvalidStoreArgumentError);
        }
        expect(await store.artifacts.getImage(digest('i'))).toBeUndefined();
      });
    });

    it('fails with ControlPlaneClosedError once closed', async () => {
      await store.close();
      expect(await failure(store.artifacts.getPlan(digest('p')))).toBeInstanceOf(ControlPlaneClosedError);
      expect(await failure(store.artifacts.putDocument('app', 'x', {}, alice))).toBeInstanceOf(ControlPlaneClosedError);
    });
  });
}
