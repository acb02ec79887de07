/**
 * The policy-store contract (boundaries, synthesized policies, assignments): one suite that the
 * SQLite and PostgreSQL control planes pass. `open` gives an empty store; `openTwin` (where the
 * database can be shared) a second handle on it, for activations from separate connections.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BoundaryNotFoundError,
  InvalidPolicyTransitionError,
  InvalidStoreArgumentError,
  PolicyNotFoundError,
  PolicyTeamMismatchError,
  StalePolicyStatusError,
} from '../control-plane-errors.js';
import type { ControlPlaneStore } from '../control-plane-port.js';
import type { NewPolicyVersion, PolicyStore } from '../policy-port.js';

export interface PolicyContractHarness {
  open(): Promise<ControlPlaneStore>;
  openTwin?(): Promise<ControlPlaneStore>;
}

const at = (minute: number) => ({ by: 'user/alice', at: `2026-11-23T10:${String(minute).padStart(2, '0')}:00Z` });
const doc = (action: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

export const newPolicy = (id: string, over: Partial<NewPolicyVersion> = {}): NewPolicyVersion => ({
  id,
  team: 'payments',
  request: { fragments: [{ ref: 's3-read@1', params: { bucket: 'acme' } }], boundary: { id: 'team-b', version: 1 }, riskBudget: null },
  documents: [doc('s3:GetObject')],
  verdict: { containment: 'contained', findings: [] },
  risk: 12.5,
  ...over,
});

/** Creates a version and walks it to `approved` (alice writes and submits, carol approves). */
export async function approvedVersion(store: PolicyStore, id: string, over: Partial<NewPolicyVersion> = {}): Promise<number> {
  const v = await store.addPolicyVersion(newPolicy(id, over), at(1));
  await store.transition(id, v.version, 'submit', at(2));
  await store.transition(id, v.version, 'approve', { by: 'user/carol', at: '2026-11-23T10:03:00Z', comment: 'fine' });
  return v.version;
}

export function describePolicyContract(name: string, harness: PolicyContractHarness): void {
  describe(`${name}: policy store contract`, () => {
    let cp: ControlPlaneStore;
    let store: PolicyStore;
    beforeEach(async () => {
      cp = await harness.open();
      store = cp.policies;
      await store.putBoundary('team-b', doc('s3:*'), at(0));
    });
    afterEach(async () => {
      await cp.close();
    });

    describe('boundaries', () => {
      it('versions a boundary; the same document again is the same version', async () => {
        expect(await store.getBoundary('team-b')).toMatchObject({ id: 'team-b', version: 1, document: doc('s3:*'), createdBy: 'user/alice' });
        expect((await store.putBoundary('team-b', doc('s3:*'), at(5))).version).toBe(1);
        const v2 = await store.putBoundary('team-b', doc('s3:Get*'), at(6));
        expect(v2).toMatchObject({ version: 2, document: doc('s3:Get*'), createdAt: at(6).at });
        expect((await store.getBoundary('team-b'))?.version).toBe(2);
        expect((await store.getBoundary('team-b', 1))?.document).toEqual(doc('s3:*'));
        expect(await store.getBoundary('team-b', 3)).toBeUndefined();
        expect(await store.getBoundary('nope')).toBeUndefined();
      });

      it('keeps the team of each version: the same document for another team is a new version', async () => {
        expect((await store.putBoundary('team-t', doc('s3:*'), at(1))).team).toBeNull();
        const payments = await store.putBoundary('team-t', doc('s3:*'), at(2), 'payments');
        expect(payments).toMatchObject({ version: 2, team: 'payments' });
        expect((await store.putBoundary('team-t', doc('s3:*'), at(3), 'payments')).version).toBe(2);
        expect((await store.putBoundary('team-t', doc('s3:*'), at(4), 'ops')).version).toBe(3);
        expect((await store.getBoundary('team-t', 1))?.team).toBeNull();
        expect((await store.getBoundary('team-t', 2))?.team).toBe('payments');
        expect((await store.getBoundary('team-t'))?.team).toBe('ops');
        const listed = await store.listBoundaries();
        expect(listed.find((b) => b.id === 'team-t')).toEqual({ id: 'team-t', version: 3, team: 'ops', createdAt: at(4).at, createdBy: at(4).by });
        expect(listed.map((b) => b.id)).toEqual([...listed.map((b) => b.id)].sort());
        expect((await store.listBoundaries('ops')).map((b) => b.id)).toEqual(['team-t']);
        expect(await store.listBoundaries('payments')).toEqual([]);
      });
    });

    describe('policies', () => {
      it('adds draft versions that keep request, documents, verdict and risk', async () => {
        const v1 = await store.addPolicyVersion(newPolicy('pay'), at(1));
        expect(v1).toMatchObject({ id: 'pay', version: 1, team: 'payments', status: 'draft', risk: 12.5, createdBy: 'user/alice', history: [] });
        const v2 = await store.addPolicyVersion(newPolicy('pay', { documents: [doc('s3:PutObject')] }), at(2));
        expect(v2.version).toBe(2);
        expect(await store.getPolicyVersion('pay', 1)).toEqual(v1);
        expect((await store.policyVersions('pay')).map((v) => [v.version, v.documents])).toEqual([[1, [doc('s3:GetObject')]], [2, [doc('s3:PutObject')]]]);
        expect(await store.policyVersions('none')).toEqual([]);
        expect(await store.getPolicyVersion('pay', 9)).toBeUndefined();
      });

      it('lists policies by id, with their team, latest and active versions; of one team when asked', async () => {
        await approvedVersion(store, 'pay');
        await store.addPolicyVersion(newPolicy('pay'), at(4));
        await store.transition('pay', 1, 'activate', at(5));
        await store.addPolicyVersion(newPolicy('ops-read', { team: 'ops' }), at(6));
        expect(await store.listPolicies()).toEqual([
          { id: 'ops-read', team: 'ops', latestVersion: 1, active: null, createdAt: at(6).at, createdBy: 'user/alice' },
          { id: 'pay', team: 'payments', latestVersion: 2, active: 1, createdAt: at(1).at, createdBy: 'user/alice' },
        ]);
        expect((await store.listPolicies('payments')).map((p) => p.id)).toEqual(['pay']);
        expect(await store.listPolicies('none')).toEqual([]);
      });

      it('refuses another team, an unknown boundary version and bad arguments', async () => {
        await store.addPolicyVersion(newPolicy('pay'), at(1));
        await expect(store.addPolicyVersion(newPolicy('pay', { team: 'ops' }), at(2))).rejects.toBeInstanceOf(PolicyTeamMismatchError);
        await expect(store.addPolicyVersion(newPolicy('x', { request: { fragments: [], boundary: { id: 'team-b', version: 7 }, riskBudget: null } }), at(2))).rejects.toBeInstanceOf(BoundaryNotFoundError);
        await expect(store.addPolicyVersion(newPolicy(''), at(2))).rejects.toBeInstanceOf(InvalidStoreArgumentError);
        expect(await store.policyVersions('x')).toEqual([]);
      });

      it('walks draft → submitted → approved → active with history and comments', async () => {
        await store.addPolicyVersion(newPolicy('pay'), at(1));
        await store.transition('pay', 1, 'submit', at(2));
        const approved = await store.transition('pay', 1, 'approve', { by: 'user/carol', at: at(3).at, comment: 'looks right' });
        expect(approved.status).toBe('approved');
        const active = await store.transition('pay', 1, 'activate', { by: 'user/carol', at: at(4).at });
        expect(active.status).toBe('active');
        expect(active.history.map((h) => [h.from, h.to, h.by, h.comment])).toEqual([
          ['draft', 'submitted', 'user/alice', undefined],
          ['submitted', 'approved', 'user/carol', 'looks right'],
          ['approved', 'active', 'user/carol', undefined],
        ]);
        expect((await store.activeVersion('pay'))?.version).toBe(1);
      });

      it('rejects with a comment; a rejected version cannot be activated', async () => {
        await store.addPolicyVersion(newPolicy('pay'), at(1));
        await store.transition('pay', 1, 'submit', at(2));
        const r = await store.transition('pay', 1, 'reject', { by: 'user/carol', at: at(3).at, comment: 'too broad' });
        expect(r).toMatchObject({ status: 'rejected', history: [{}, { to: 'rejected', comment: 'too broad' }] });
        await expect(store.transition('pay', 1, 'activate', at(4))).rejects.toBeInstanceOf(InvalidPolicyTransitionError);
      });

      it('refuses moves that do not start from the status, stale expectations and unknown versions', async () => {
        await store.addPolicyVersion(newPolicy('pay'), at(1));
        await expect(store.transition('pay', 1, 'approve', at(2))).rejects.toBeInstanceOf(InvalidPolicyTransitionError);
        await expect(store.transition('pay', 1, 'activate', at(2))).rejects.toBeInstanceOf(InvalidPolicyTransitionError);
        await expect(store.transition('pay', 1, 'submit', at(2), 'submitted')).rejects.toBeInstanceOf(StalePolicyStatusError);
        expect((await store.transition('pay', 1, 'submit', at(2), 'draft')).status).toBe('submitted');
        await expect(store.transition('pay', 2, 'submit', at(2))).rejects.toBeInstanceOf(PolicyNotFoundError);
        await expect(store.transition('nope', 1, 'submit', at(2))).rejects.toBeInstanceOf(PolicyNotFoundError);
        expect((await store.getPolicyVersion('pay', 1))?.history).toHaveLength(1);
      });

      it('activating a version supersedes the active one; rollback reactivates it', async () => {
        await approvedVersion(store, 'pay');
        await approvedVersion(store, 'pay', { documents: [doc('s3:PutObject')] });
        await store.transition('pay', 1, 'activate', at(10));
        await store.transition('pay', 2, 'activate', at(11));
        expect((await store.policyVersions('pay')).map((v) => v.status)).toEqual(['superseded', 'active']);
        expect((await store.getPolicyVersion('pay', 1))?.history.at(-1)).toMatchObject({ from: 'active', to: 'superseded', comment: 'superseded by version 2' });
        // Rollback: the superseded version becomes active again and the newer one is superseded.
        await store.transition('pay', 1, 'activate', at(12), 'superseded');
        expect((await store.policyVersions('pay')).map((v) => v.status)).toEqual(['active', 'superseded']);
        expect((await store.activeVersion('pay'))?.version).toBe(1);
      });

      it('of concurrent activations, each completes and exactly one version ends active', async () => {
        const versions: number[] = [];
        for (let i = 0; i < 4; i++) versions.push(await approvedVersion(store, 'pay', { documents: [doc(`s3:Action${i}`)] }));
        const twin = harness.openTwin === undefined ? undefined : await harness.openTwin();
        try {
          const stores = [store, twin?.policies ?? store];
          await Promise.all(versions.map((v, i) => (stores[i % 2] as PolicyStore).transition('pay', v, 'activate', at(20 + i))));
          const statuses = (await store.policyVersions('pay')).map((v) => v.status);
          expect(statuses.filter((s) => s === 'active')).toHaveLength(1);
          expect(statuses.filter((s) => s === 'superseded')).toHaveLength(3);
          // Expecting `approved` for a version another activation already moved: stale, nothing changes.
          const active = await store.activeVersion('pay');
          await expect(store.transition('pay', active?.version ?? 0, 'activate', at(30), 'approved')).rejects.toBeInstanceOf(StalePolicyStatusError);
        } finally {
          await twin?.close();
        }
      });
    });

    describe('revision', () => {
      it('changes with a new boundary version, an activation and an assignment, and with nothing else', async () => {
        const seen = [await store.revision()];
        const next = async (change: () => Promise<unknown>) => {
          await change();
          seen.push(await store.revision());
        };
        await next(() => store.putBoundary('team-b', doc('s3:*'), at(1)));
        await next(() => store.addPolicyVersion(newPolicy('pay'), at(1)));
        await next(() => store.transition('pay', 1, 'submit', at(2)));
        await next(() => store.transition('pay', 1, 'approve', { by: 'user/carol', at: at(3).at }));
        const quiet = seen.at(-1);
        expect(seen.every((r) => r === quiet)).toBe(true);
        await next(() => store.transition('pay', 1, 'activate', at(4)));
        await next(() => store.setAssignment('user/bob', ['pay'], at(5)));
        await next(() => store.putBoundary('team-b', doc('s3:Get*'), at(6)));
        expect(new Set(seen.slice(-4)).size).toBe(4);
      });
    });

    describe('assignments', () => {
      it('sets, replaces, reads and removes a principal\'s policies in order', async () => {
        await store.addPolicyVersion(newPolicy('pay'), at(1));
        await store.addPolicyVersion(newPolicy('ledger'), at(1));
        expect(await store.getAssignment('user/bob')).toBeUndefined();
        await store.setAssignment('user/bob', ['pay', 'ledger'], at(2));
        expect(await store.getAssignment('user/bob')).toEqual({ principal: 'user/bob', policyIds: ['pay', 'ledger'], updatedAt: at(2).at, updatedBy: 'user/alice' });
        await store.setAssignment('user/bob', ['ledger'], at(3));
        expect((await store.getAssignment('user/bob'))?.policyIds).toEqual(['ledger']);
        await store.setAssignment('user/bob', [], at(4));
        expect(await store.getAssignment('user/bob')).toBeUndefined();
      });

      it('refuses unknown policies and duplicates, keeping what was there', async () => {
        await store.addPolicyVersion(newPolicy('pay'), at(1));
        await store.setAssignment('user/bob', ['pay'], at(2));
        await expect(store.setAssignment('user/bob', ['pay', 'nope'], at(3))).rejects.toBeInstanceOf(PolicyNotFoundError);
        await expect(store.setAssignment('user/bob', ['pay', 'pay'], at(3))).rejects.toBeInstanceOf(InvalidStoreArgumentError);
        expect((await store.getAssignment('user/bob'))?.policyIds).toEqual(['pay']);
      });
    });
  });
}
