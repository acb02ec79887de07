/**
 * App profiles and environments over HTTP (revisions, ETag/If-Match, audit, concurrent edits), and
 * the plans, images and risk profiles the adaptation loop stores, read back through the API.
 * Names are this suite's own, so it shares a server with the other suites.
 */
import { expect, it } from 'vitest';
import type { Harness } from './harness.js';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const appDoc = { name: 'artifact-web', function: 'storefront', criticality: 'high', packages: ['nginx'] };

export function artifactSuite(h: () => Harness): void {
  it('creates an app profile, then revises it only with the latest ETag; each put is audited', async () => {
    const created = await h().call('PUT', '/v1/apps/artifact-web', { body: { document: appDoc } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.headers.get('etag')).toBe('"app/artifact-web@1"');
    expect(created.body).toMatchObject({ kind: 'app', name: 'artifact-web', revision: 1, document: appDoc, createdBy: 'user/admin' });

    const read = await h().call('GET', '/v1/apps/artifact-web', { as: 'dave' });
    expect([read.status, read.headers.get('etag')]).toEqual([200, '"app/artifact-web@1"']);
    expect((await h().call('GET', '/v1/apps/artifact-web', { headers: { 'if-none-match': '"app/artifact-web@1"' } })).status).toBe(304);

    const blind = await h().call('PUT', '/v1/apps/artifact-web', { body: { document: { ...appDoc, criticality: 'low' } } });
    expect([blind.status, blind.body.code]).toEqual([428, 'server/if-match-required']);
    const wrongDoc = await h().call('PUT', '/v1/apps/artifact-web', { body: { document: appDoc }, headers: { 'if-match': '"environment/artifact-web@1"' } });
    expect([wrongDoc.status, wrongDoc.body.code]).toEqual([412, 'server/etag-mismatch']);

    const revised = await h().call('PUT', '/v1/apps/artifact-web', { body: { document: { ...appDoc, criticality: 'low' } }, headers: { 'if-match': '"app/artifact-web@1"' } });
    expect([revised.status, revised.headers.get('etag'), revised.body.revision]).toEqual([200, '"app/artifact-web@2"', 2]);
    const stale = await h().call('PUT', '/v1/apps/artifact-web', { body: { document: appDoc }, headers: { 'if-match': '"app/artifact-web@1"' } });
    expect([stale.status, stale.body.code]).toEqual([412, 'control-plane-store/stale-revision']);

    expect((await h().call('GET', '/v1/apps/artifact-web?revision=1')).body.document).toEqual(appDoc);
    expect((await h().call('GET', '/v1/apps/artifact-web')).body.document.criticality).toBe('low');
    const audit = (await h().store.audit.read(0, 100_000)).filter((r) => r.resource === 'trn:tessera:app/artifact-web');
    expect(audit.map((r) => [r.actor, r.action, r.outcome, r.detail])).toEqual([
      ['user/admin', 'tessera:PutApp', 'changed', { revision: 1 }],
      ['user/admin', 'tessera:PutApp', 'changed', { revision: 2 }],
    ]);
  });

  it('of two concurrent edits from the same revision, exactly one wins', async () => {
    expect((await h().call('PUT', '/v1/environments/artifact-prod', { body: { document: { exposure: 'internet' } } })).status).toBe(201);
    const edits = await Promise.all(['dmz', 'internal'].map((zone) => h().call('PUT', '/v1/environments/artifact-prod', { body: { document: { exposure: 'internet', zone } }, headers: { 'if-match': '"environment/artifact-prod@1"' } })));
    expect(edits.map((r) => r.status).sort()).toEqual([200, 412]);
    const creates = await Promise.all([1, 2].map((i) => h().call('PUT', '/v1/environments/artifact-new', { body: { document: { i } } })));
    // The loser either read the winner's revision (428: send If-Match) or was refused by the store (412).
    const statuses = creates.map((r) => r.status).sort();
    expect(statuses[0]).toBe(201);
    expect([412, 428]).toContain(statuses[1]);
    expect((await h().store.artifacts.getDocument('environment', 'artifact-new'))?.revision).toBe(1);
    expect((await h().store.artifacts.getDocument('environment', 'artifact-prod'))?.revision).toBe(2);
  });

  it('refuses bad input with 4xx problems and writes nothing', async () => {
    const unknown = await h().call('PUT', '/v1/apps/artifact-bad', { body: { document: appDoc, owner: 'root' } });
    expect([unknown.status, unknown.body.detail]).toEqual([400, 'body: unknown field `owner`']);
    expect((await h().call('PUT', '/v1/apps/artifact-bad', { body: { document: ['not', 'an', 'object'] } })).status).toBe(400);
    expect((await h().call('PUT', '/v1/apps/artifact-bad', { raw: '{"document": ' })).status).toBe(400);
    const sqlish = await h().call('GET', `/v1/apps/${encodeURIComponent("'; DROP TABLE named_documents; --")}`);
    expect([sqlish.status, sqlish.body.code]).toEqual([404, 'server/app-not-found']);
    expect((await h().call('GET', '/v1/apps/artifact-bad')).status).toBe(404);
    expect((await h().call('GET', '/v1/environments/artifact-web?revision=0')).status).toBe(400);
    expect(await h().store.artifacts.getDocument('app', 'artifact-bad')).toBeUndefined();
  });

  it('serves what the loop stored: plans and images by digest, risk profiles page by page', async () => {
    const s = h().store;
    await s.deployments.putDeployment({ id: 'artifact-dep', app: appDoc, environment: {}, imageDigest: null, planDigest: null, riskTier: null, updatedAt: '2026-11-23T10:00:00Z' });
    for (let i = 1; i <= 3; i++) await s.artifacts.recordRiskProfile({ deploymentId: 'artifact-dep', at: `2026-11-23T1${i}:00:00Z`, tier: 'high', score: 60 + i, profile: { score: 60 + i }, inputsDigest: digest(String(i)) });
    const plan = { digest: digest('e'), plan: { app: 'artifact-web', packages: [] }, createdAt: '2026-11-23T13:00:00Z', deploymentId: 'artifact-dep', riskProfileSeq: 3 };
    await s.artifacts.putPlan(plan);
    const image = { digest: digest('f'), planDigest: plan.digest, layers: [{ digest: digest('a'), size: 10 }], totalSize: 10, documents: [{ kind: 'provenance', mediaType: 'application/vnd.in-toto+json', digest: digest('b'), referrer: digest('c') }], createdAt: '2026-11-23T13:05:00Z' };
    await s.artifacts.putImage(image);

    expect((await h().call('GET', `/v1/plans/${plan.digest}`, { as: 'dave' })).body).toEqual(plan);
    expect((await h().call('GET', `/v1/images/${image.digest}`, { as: 'dave' })).body).toEqual(image);
    const missing = await h().call('GET', `/v1/images/${digest('9')}`);
    expect([missing.status, missing.body.code]).toEqual([404, 'server/image-not-found']);
    expect((await h().call('GET', '/v1/plans/not-a-digest')).status).toBe(400);

    const first = await h().call('GET', '/v1/deployments/artifact-dep/risk-profiles?limit=2', { as: 'dave' });
    expect(first.body.items.map((p: { seq: number }) => p.seq)).toEqual([1, 2]);
    expect(first.body.next).toBe('/v1/deployments/artifact-dep/risk-profiles?after=2&limit=2');
    const second = await h().call('GET', first.body.next);
    expect([second.body.items.map((p: { score: number }) => p.score), second.body.next]).toEqual([[63], null]);
    const gone = await h().call('GET', '/v1/deployments/no-such-dep/risk-profiles');
    expect([gone.status, gone.body.code]).toEqual([404, 'control-plane-store/deployment-not-found']);
    expect((await h().call('GET', '/v1/deployments/artifact-dep/risk-profiles?limit=0')).status).toBe(400);
  });
}
