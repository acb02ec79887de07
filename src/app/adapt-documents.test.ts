/**
 * Deployments that reference stored app profiles and environments, on a real SQLite store and
 * (when TESSERA_TEST_PG_URL is set) a real PostgreSQL one: registration resolves the references
 * and records the revisions; the loop follows new revisions and says why it re-assessed
 * (`app-changed`, `environment-changed`). The planner and builder are fakes, as in adapt.test.ts:
 * the code under test is the loop around them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pgTestUrl, withTestSchema } from '../../test/support/postgres.js';
import { EventBus } from '../monitor/index.js';
import { openPostgresControlPlane, openSqliteControlPlane, type ControlPlaneStore } from '../store/index.js';
import { evaluateDeployments, type AdaptDeps } from './adapt.js';
import { asDocumentReference, resolveDeploymentDocuments } from './adapt-documents.js';
import { storedEventSink } from './adapt-events.js';
import { MemorySummaryStore } from './adapt-summaries.js';
import type { ImagePlan } from './plan.js';

const app = { name: 'shell', function: 'scripts', data: { classes: ['operational'], sensitivity: 'internal' }, users: { base: 'internal', size: 10 }, criticality: 'low', packages: ['dash'] };
const env = { name: 'ops', exposure: 'internal', networkControls: { waf: false, segmentation: true, egressFiltering: true }, accessControls: { mfa: true, sso: true, privilegedAccessManagement: false }, region: 'eu-central-1', country: 'DE', compliance: [] };
const by = { by: 'user/alice', at: '2026-11-23T10:00:00Z' };

function depsOver(store: ControlPlaneStore): AdaptDeps {
  return {
    deployments: store.deployments,
    audit: store.audit,
    summaries: new MemorySummaryStore(),
    intel: async () => ({}),
    // The plan follows the tier, as planImage's digest does.
    plan: async (_app, profile) => ({ ok: true, plan: { digest: `sha256:plan-${profile.tier}`, policy: {}, packages: [{ name: 'dash', version: '0.5.12-2', filename: 'pool/main/d/dash/dash_0.5.12-2_amd64.deb' }] } as unknown as ImagePlan }),
    build: async (plan) => ({ digest: `sha256:image-of-${plan.digest.slice(7)}`, layers: [{ digest: 'sha256:base-layer', size: 700 }] }),
    artifacts: store.artifacts,
    events: storedEventSink(store.events, new EventBus()),
    now: () => new Date('2026-11-23T11:00:00Z'),
    release: 'bookworm',
  };
}

async function register(store: ControlPlaneStore, id: string, appRef: unknown, envRef: unknown) {
  const docs = await resolveDeploymentDocuments(store.artifacts, appRef, envRef);
  if (!docs.ok) return docs;
  await store.deployments.putDeployment({ id, app: docs.app, environment: docs.environment, imageDigest: null, planDigest: null, riskTier: null, updatedAt: by.at, ...(docs.documents !== undefined ? { documents: docs.documents } : {}) });
  return docs;
}

describe('asDocumentReference', () => {
  it('takes exactly {name, revision?} and nothing that looks like a document', () => {
    expect(asDocumentReference({ ref: { name: 'shell' } })).toEqual({ name: 'shell' });
    expect(asDocumentReference({ ref: { name: 'shell', revision: 2 } })).toEqual({ name: 'shell', revision: 2 });
    // `{name}` alone is an inline document, as the API always took it.
    expect(asDocumentReference({ name: 'shell' })).toBeUndefined();
    expect(asDocumentReference(app)).toBeUndefined();
    expect(asDocumentReference({ ref: { name: 'shell' }, function: 'x' })).toBeUndefined();
    expect(asDocumentReference({ ref: { name: 'shell', revision: 0 } })).toBeUndefined();
    expect(asDocumentReference({ ref: { name: 'shell', revision: '2' } })).toBeUndefined();
    expect(asDocumentReference({ ref: { name: 'shell', extra: 1 } })).toBeUndefined();
    expect(asDocumentReference(['shell'])).toBeUndefined();
  });
});

function documentSuite(name: string, open: () => Promise<ControlPlaneStore>): void {
  describe(`${name}: deployments referencing stored documents`, () => {
    it('resolves references to the latest or the given revision and records them; an unknown one writes nothing', async () => {
      const store = await open();
      try {
        await store.artifacts.putDocument('app', 'shell', app, by);
        await store.artifacts.putDocument('app', 'shell', { ...app, function: 'maintenance scripts' }, by);
        await store.artifacts.putDocument('environment', 'ops', env, by);
        const r = await register(store, 'shell', { ref: { name: 'shell' } }, { ref: { name: 'ops', revision: 1 } });
        expect(r.ok).toBe(true);
        const d = await store.deployments.getDeployment('shell');
        expect(d?.app).toEqual({ ...app, function: 'maintenance scripts' });
        expect(d?.environment).toEqual(env);
        expect(d?.documents).toEqual({ app: { name: 'shell', revision: 2, follow: true }, environment: { name: 'ops', revision: 1, follow: false } });
        // Inline documents keep no references.
        await store.deployments.putDeployment({ id: 'inline', app, environment: env, imageDigest: null, planDigest: null, riskTier: null, updatedAt: by.at });
        expect(await store.deployments.getDeployment('inline')).not.toHaveProperty('documents');

        const bad = await register(store, 'other', { ref: { name: 'nope' } }, { ref: { name: 'ops', revision: 9 } });
        expect(bad).toEqual({ ok: false, message: 'no stored app `nope`; no stored environment `ops` at revision 9' });
        expect(await store.deployments.getDeployment('other')).toBeUndefined();
      } finally {
        await store.close();
      }
    });

    it('follows a new revision on the next evaluation, says app-changed, and leaves a pinned one alone', async () => {
      const store = await open();
      try {
        await store.artifacts.putDocument('app', 'shell', app, by);
        await store.artifacts.putDocument('environment', 'ops', env, by);
        await register(store, 'shell', { ref: { name: 'shell' } }, { ref: { name: 'ops' } });
        await register(store, 'pinned', { ref: { name: 'shell', revision: 1 } }, { ref: { name: 'ops', revision: 1 } });
        const deps = depsOver(store);
        expect((await evaluateDeployments(deps)).map((o) => o.status)).toEqual(['rebuilt', 'rebuilt']);
        expect((await evaluateDeployments(deps)).map((o) => o.status)).toEqual(['unchanged', 'unchanged']);

        // A new revision that raises the risk: the following deployment is re-assessed and rebuilt.
        await store.artifacts.putDocument('app', 'shell', { ...app, criticality: 'mission-critical', data: { classes: ['payment-card', 'pii'], sensitivity: 'restricted' }, users: { base: 'public', size: 2000000 } }, by);
        const outcomes = await evaluateDeployments(deps);
        const shell = outcomes.find((o) => o.id === 'shell');
        expect(shell).toMatchObject({ status: 'rebuilt' });
        expect(shell !== undefined && 'reasons' in shell ? shell.reasons.map((r) => r.kind) : []).toContain('app-changed');
        expect(outcomes.find((o) => o.id === 'pinned')).toMatchObject({ status: 'unchanged', reasons: [] });
        const moved = await store.deployments.getDeployment('shell');
        expect(moved?.documents?.app).toEqual({ name: 'shell', revision: 2, follow: true });
        expect(moved?.app).toMatchObject({ criticality: 'mission-critical' });
        expect((await store.deployments.getDeployment('pinned'))?.documents?.app?.revision).toBe(1);
        const lineage = await store.deployments.lineage('shell');
        expect(lineage.at(-1)?.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'app-changed', from: 'shell@1', to: 'shell@2' })]));
        // The events are in the store: the two initial builds (deployments in id order) and the rebuild.
        expect((await store.events.list(0, 10)).map((e) => [e.type, e.deploymentId])).toEqual([['deployment.rebuilt', 'pinned'], ['deployment.rebuilt', 'shell'], ['deployment.rebuilt', 'shell']]);

        // A revision that changes nothing the plan reads: re-assessed, same plan, no new image.
        await store.artifacts.putDocument('environment', 'ops', { ...env, region: 'eu-west-1' }, by);
        const quiet = await evaluateDeployments(deps);
        expect(quiet.find((o) => o.id === 'shell')).toMatchObject({ status: 'unchanged', reasons: [expect.objectContaining({ kind: 'environment-changed', from: 'ops@1', to: 'ops@2' })] });
        expect(await store.deployments.lineage('shell')).toHaveLength(2);
        expect((await evaluateDeployments(deps)).find((o) => o.id === 'shell')).toMatchObject({ status: 'unchanged', reasons: [] });
      } finally {
        await store.close();
      }
    });
  });
}

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
documentSuite('SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-adapt-documents-'));
  dirs.push(dir);
  return openSqliteControlPlane(join(dir, 'tessera.db'));
});

const url = pgTestUrl();
describe.skipIf(url === undefined)('PostgreSQL', () => {
  const pg = withTestSchema(url ?? '', 'tessera_adapt_documents');
  documentSuite('PostgreSQL', async () => {
    const store = await openPostgresControlPlane(pg.url, { schema: pg.schema });
    await pg.reset();
    return store;
  });
});
