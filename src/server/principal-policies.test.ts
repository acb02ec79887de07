import { describe, expect, it } from 'vitest';
import type { PolicyStore, PolicyVersion } from '../store/index.js';
import { PolicyCache } from './policy-cache.js';
import { PrincipalPolicies } from './principal-policies.js';

const doc = (action: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

/** A store as another node sees it: the active version and the revision change behind this server's back. */
function fakeStore() {
  const state = { action: 's3:GetObject', revision: 1, reads: 0 };
  const active = (): PolicyVersion => ({
    id: 'pay', version: 1, team: 'payments', status: 'active', request: { fragments: [], boundary: { id: 'b', version: 1 }, riskBudget: null },
    documents: [doc(state.action)], verdict: {}, risk: 0, createdAt: '', createdBy: '', history: [],
  });
  const store = {
    getAssignment: async (principal: string) => (principal === 'bob' ? { principal, policyIds: ['pay'], updatedAt: '', updatedBy: '' } : undefined),
    activeVersion: async () => {
      state.reads++;
      return active();
    },
    getBoundary: async () => ({ id: 'b', version: 1, document: doc('s3:*'), createdAt: '', createdBy: '' }),
    revision: async () => state.revision,
  } as unknown as PolicyStore;
  return { store, state };
}

const decide = async (p: PrincipalPolicies, action: string) =>
  (await p.get('bob', new PolicyCache())).compiled?.authorizer?.authorize({ principal: 'arn:aws:iam::111122223333:user/bob', action, resource: 'arn:aws:s3:::b/k' }).decision;

describe('PrincipalPolicies', () => {
  it('assembles once per principal, and again after invalidate', async () => {
    const { store, state } = fakeStore();
    const p = new PrincipalPolicies(store, { clock: () => 0 });
    expect(await decide(p, 's3:GetObject')).toBe('Allow');
    expect(await decide(p, 's3:GetObject')).toBe('Allow');
    expect(state.reads).toBe(1);
    state.action = 's3:PutObject';
    p.invalidate();
    expect(await decide(p, 's3:GetObject')).toBe('ImplicitDeny');
    expect(await decide(p, 's3:PutObject')).toBe('Allow');
  });

  it('sees another node\'s change through the store revision within recheckMs', async () => {
    const { store, state } = fakeStore();
    let now = 0;
    const p = new PrincipalPolicies(store, { clock: () => now, recheckMs: 1000 });
    expect(await decide(p, 's3:GetObject')).toBe('Allow');
    state.action = 's3:PutObject';
    state.revision = 2;
    now = 500;
    expect(await decide(p, 's3:GetObject')).toBe('Allow');
    now = 1000;
    expect(await decide(p, 's3:GetObject')).toBe('ImplicitDeny');
    expect(await decide(p, 's3:PutObject')).toBe('Allow');
  });

  it('has nothing for a principal without assignments', async () => {
    const { store } = fakeStore();
    const p = new PrincipalPolicies(store, { clock: () => 0 });
    expect(await p.get('eve', new PolicyCache())).toEqual({ policies: [] });
  });
});
