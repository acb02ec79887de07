import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteControlPlane, type ControlPlaneStore } from '../store/index.js';
import { seedDemo } from './commands/demo-seed.js';

let store: ControlPlaneStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('the demo seed (tessera serve --demo)', () => {
  it('approves the starter catalog with separate author and approver, registers a low- and a high-risk app, and makes a token per role', async () => {
    store = await openSqliteControlPlane(':memory:');
    const r = await seedDemo(store, new Date('2026-11-23T12:00:00Z'));
    expect(r.seeded).toBe(true);
    const all = await store.fragments.search({});
    expect(all.total).toBe(r.fragments);
    expect(r.fragments).toBeGreaterThan(30);
    for (const v of all.items) {
      expect(v.status).toBe('approved');
      const approval = v.history.find((h) => h.to === 'approved');
      expect(approval?.by).toBeDefined();
      expect(approval?.by).not.toBe(v.createdBy);
    }
    expect(r.deployments.map((d) => [d.id, d.tier])).toEqual([['internal-reporting', 'low'], ['public-payments', 'high']]);
    const stored = await store.deployments.listDeployments();
    expect(stored.map((d) => d.riskTier).sort()).toEqual(['high', 'low']);
    // The apps and environments are named, revisioned documents; the deployments reference them.
    expect((await store.artifacts.listDocuments('app')).map((d) => [d.name, d.latestRevision])).toEqual([['internal-reporting', 1], ['public-payments', 1]]);
    expect((await store.artifacts.listDocuments('environment')).map((d) => d.name)).toEqual(['corp-analytics-subnet', 'prod-us-east']);
    const payments = stored.find((d) => d.id === 'public-payments');
    expect(payments?.documents).toEqual({ app: { name: 'public-payments', revision: 1, follow: true }, environment: { name: 'prod-us-east', revision: 1, follow: true } });
    expect(payments?.app).toEqual((await store.artifacts.getDocument('app', 'public-payments'))?.document);
    expect(new Set(r.tokens.map((t) => t.role))).toEqual(new Set(['delegated-admin', 'approver', 'auditor', 'service']));
    expect((await store.tokens.listTokens()).every((t) => !t.secretHash.includes(t.id))).toBe(true);
    expect(r.boundary).toBe('payments-team@1');
    expect(await store.policies.getBoundary('payments-team')).toMatchObject({ version: 1, team: 'payments' });
    const audit = await store.audit.read(0, 1000);
    expect(audit.some((a) => a.action === 'tessera:SeedDemo')).toBe(true);
  });

  it('leaves a store with data alone', async () => {
    store = await openSqliteControlPlane(':memory:');
    await seedDemo(store, new Date('2026-11-23T12:00:00Z'));
    const before = (await store.audit.head())?.seq;
    const again = await seedDemo(store, new Date('2026-11-23T13:00:00Z'));
    expect(again).toEqual({ seeded: false, fragments: 0, deployments: [], tokens: [] });
    expect((await store.audit.head())?.seq).toBe(before);
  });
});
