/**
 * The approval workflow over HTTP: separation of duties, ETag/If-Match, concurrent transitions,
 * the audit trail of changes and denials, tokens, pagination, deployments and decisions.
 */
import { expect, it } from 'vitest';
import { createAuthorizer } from '../../policy/index.js';
import { fragmentBody, type Harness } from './harness.js';

const transition = (h: Harness, id: string, version: number, action: string, etag: string | undefined, as: 'admin' | 'alice' | 'carol' = 'admin') =>
  h.call('POST', `/v1/fragments/${id}/versions/${version}/transitions`, { as, body: { action, comment: `${action} by ${as}` }, headers: etag === undefined ? {} : { 'if-match': etag } });

export function workflowSuite(h: () => Harness): void {
  it('an author never approves their own submission; an approver does', async () => {
    const created = await h().call('POST', '/v1/fragments', { body: fragmentBody('sod-check', 'payments') });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"sod-check@1:draft"');
    expect(created.headers.get('location')).toBe('/v1/fragments/sod-check/versions/1');
    const submitted = await transition(h(), 'sod-check', 1, 'submit', created.headers.get('etag') ?? '');
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('in-review');
    const etag = submitted.headers.get('etag') ?? '';
    expect(etag).toBe('"sod-check@1:in-review"');

    const self = await transition(h(), 'sod-check', 1, 'approve', etag);
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('server/separation-of-duties');
    expect(self.body.detail).toContain('user/admin wrote sod-check@1 and cannot review it');
    const denial = (await h().store.audit.read(0, 100_000)).filter((r) => r.outcome === 'denied').at(-1);
    expect(denial).toMatchObject({ actor: 'user/admin', action: 'tessera:ApproveFragment', resource: 'trn:tessera:fragment/sod-check@1' });

    const approved = await transition(h(), 'sod-check', 1, 'approve', etag, 'carol');
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('approved');
    expect(approved.body.history.map((c: { by: string }) => c.by)).toEqual(['user/admin', 'user/carol']);
  });

  it('whoever submitted may not review either', async () => {
    await h().call('POST', '/v1/fragments', { as: 'alice', body: fragmentBody('sod-submitter', 'payments') });
    const submitted = await transition(h(), 'sod-submitter', 1, 'submit', '"sod-submitter@1:draft"', 'admin');
    expect(submitted.status).toBe(200);
    const self = await transition(h(), 'sod-submitter', 1, 'reject', '"sod-submitter@1:in-review"', 'admin');
    expect(self.status).toBe(403);
    expect(self.body.detail).toContain('submitted sod-submitter@1 for review');
  });

  it('transitions need If-Match (428), a current one (412), and then succeed', async () => {
    await h().call('POST', '/v1/fragments', { body: fragmentBody('etag-check', 'ops') });
    const got = await h().call('GET', '/v1/fragments/etag-check/versions/1');
    expect(got.headers.get('etag')).toBe('"etag-check@1:draft"');
    const unchanged = await h().call('GET', '/v1/fragments/etag-check/versions/1', { headers: { 'if-none-match': '"etag-check@1:draft"' } });
    expect([unchanged.status, unchanged.body]).toEqual([304, undefined]);
    expect((await transition(h(), 'etag-check', 1, 'submit', undefined)).status).toBe(428);
    const stale = await transition(h(), 'etag-check', 1, 'submit', '"etag-check@1:rejected"');
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('fragment-store/stale-status');
    const other = await transition(h(), 'etag-check', 1, 'submit', '"sod-check@1:draft"');
    expect(other.status).toBe(412);
    expect(other.body.code).toBe('server/etag-mismatch');
    const ok = await transition(h(), 'etag-check', 1, 'submit', got.headers.get('etag') ?? '');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe('"etag-check@1:in-review"');
    // A move the lifecycle does not have is a conflict, not a precondition failure.
    const invalid = await transition(h(), 'etag-check', 1, 'deprecate', '"etag-check@1:in-review"');
    expect(invalid.status).toBe(409);
    expect(invalid.body.code).toBe('fragment-store/invalid-transition');
  });

  it('two transitions with the same If-Match: exactly one wins, the other gets 412', async () => {
    await h().call('POST', '/v1/fragments', { body: fragmentBody('race-check', 'ops') });
    const results = await Promise.all([0, 1, 2, 3].map(() => transition(h(), 'race-check', 1, 'submit', '"race-check@1:draft"')));
    expect(results.map((r) => r.status).sort()).toEqual([200, 412, 412, 412]);
    const v = await h().call('GET', '/v1/fragments/race-check/versions/1');
    expect(v.body.history).toHaveLength(1);
  });

  it('every change is in the audit log, which verifies', async () => {
    const before = (await h().call('GET', '/v1/audit?after=0&limit=1000', { as: 'dave' })).body.items.length as number;
    await h().call('POST', '/v1/fragments', { as: 'alice', body: fragmentBody('audit-check', 'payments') });
    await h().call('POST', '/v1/fragments/audit-check/versions', { as: 'alice', body: fragmentBody('audit-check', 'payments', { risk: 20 }) });
    const page = await h().call('GET', `/v1/audit?after=${before}&limit=1000`, { as: 'dave' });
    expect(page.status).toBe(200);
    const mine = page.body.items.filter((r: { resource: string }) => r.resource.startsWith('trn:tessera:fragment/audit-check'));
    expect(mine.map((r: { action: string; resource: string; outcome: string; actor: string }) => [r.actor, r.action, r.resource, r.outcome])).toEqual([
      ['user/alice', 'tessera:CreateFragment', 'trn:tessera:fragment/audit-check@1', 'changed'],
      ['user/alice', 'tessera:AddFragmentVersion', 'trn:tessera:fragment/audit-check@2', 'changed'],
    ]);
    const verify = await h().call('GET', '/v1/audit/verify', { as: 'dave' });
    expect(verify.body).toMatchObject({ ok: true, problems: [] });
    expect(verify.body.records).toBeGreaterThan(before);
  });

  it('a revoked token stops working at once', async () => {
    const created = await h().call('POST', '/v1/tokens', { body: { principal: 'service/short-lived', role: 'service' } });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^tk_[0-9a-f]{16}\.[A-Za-z0-9_-]{43}$/);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const authorization = `Bearer ${created.body.token}`;
    const body = { request: { principal: 'arn:aws:iam::111122223333:user/x', action: 's3:GetObject', resource: '*' }, policies: { identity: [] } };
    expect((await h().call('POST', '/v1/authorize', { authorization, body })).status).toBe(200);
    const listed = await h().call('GET', '/v1/tokens');
    expect(JSON.stringify(listed.body)).not.toContain('scrypt$');
    expect((await h().call('DELETE', `/v1/tokens/${created.body.id}`)).status).toBe(204);
    expect((await h().call('DELETE', `/v1/tokens/${created.body.id}`)).status).toBe(404);
    expect((await h().call('POST', '/v1/authorize', { authorization, body })).status).toBe(401);
  });

  it('tokens are refused when missing, malformed, wrong or unknown (401)', async () => {
    const [id] = h().tokens.svc.split('.');
    for (const authorization of [undefined, 'Basic abc', 'Bearer nope', `Bearer ${id}.${'A'.repeat(43)}`, `Bearer tk_0123456789abcdef.${'A'.repeat(43)}`]) {
      const r = await h().call('GET', '/v1/fragments', authorization === undefined ? { as: null } : { authorization });
      expect(r.status, authorization).toBe(401);
      expect(r.body.code).toBe('server/unauthorized');
      expect(r.headers.get('www-authenticate')).toContain('Bearer');
    }
  });

  it('a delegated admin may add versions to and submit its team\'s fragments only', async () => {
    await h().call('POST', '/v1/fragments', { as: 'olga', body: fragmentBody('ops-only', 'ops') });
    const moved = await h().call('POST', '/v1/fragments/ops-only/versions', { as: 'alice', body: fragmentBody('ops-only', 'payments', { risk: 30 }) });
    expect(moved.status).toBe(403);
    expect((await transition(h(), 'ops-only', 1, 'submit', '"ops-only@1:draft"', 'alice')).status).toBe(403);
  });

  it('search pages with total and a next link', async () => {
    for (const n of [1, 2, 3, 4, 5]) await h().call('POST', '/v1/fragments', { body: fragmentBody(`page-${n}`, 'ops', { tags: ['paging'] }) });
    const first = await h().call('GET', '/v1/fragments?tag=paging&limit=2');
    expect(first.body).toMatchObject({ total: 5, limit: 2, offset: 0 });
    expect(first.body.items.map((v: { id: string }) => v.id)).toEqual(['page-1', 'page-2']);
    const second = await h().call('GET', first.body.next);
    expect(second.body.items.map((v: { id: string }) => v.id)).toEqual(['page-3', 'page-4']);
    const third = await h().call('GET', second.body.next);
    expect(third.body.items.map((v: { id: string }) => v.id)).toEqual(['page-5']);
    expect(third.body.next).toBeNull();
    const overview = await h().call('GET', '/v1/fragments/page-1');
    expect(overview.body.versions).toEqual([expect.objectContaining({ version: 1, status: 'draft', createdBy: 'user/admin' })]);
    expect((await h().call('GET', '/v1/fragments/no-such-fragment')).status).toBe(404);
    expect((await h().call('GET', '/v1/fragments/page-1/versions/9')).body.code).toBe('fragment-store/not-found');
  });

  it('deployments register, read back and list their lineage', async () => {
    const body = { app: { name: 'billing' }, environment: { exposure: 'internal' } };
    expect((await h().call('GET', '/v1/deployments/billing')).status).toBe(404);
    expect((await h().call('PUT', '/v1/deployments/billing', { body })).status).toBe(201);
    expect((await h().call('PUT', '/v1/deployments/billing', { body })).status).toBe(200);
    const got = await h().call('GET', '/v1/deployments/billing', { as: 'dave' });
    expect(got.body).toMatchObject({ id: 'billing', app: { name: 'billing' }, imageDigest: null });
    expect((await h().call('GET', '/v1/deployments/billing/lineage')).body).toEqual({ items: [] });
    const listed = await h().call('GET', '/v1/deployments', { as: 'dave' });
    expect(listed.body.items.map((d: { id: string }) => d.id)).toContain('billing');
  });

  it('tells a token who it acts as', async () => {
    expect((await h().call('GET', '/v1/whoami', { as: 'alice' })).body).toEqual({ tokenId: expect.stringMatching(/^tk_[0-9a-f]{16}$/), principal: 'user/alice', role: 'delegated-admin', team: 'payments' });
    expect((await h().call('GET', '/v1/whoami', { as: 'svc' })).body).toMatchObject({ principal: 'service/checkout', role: 'service', team: null });
    expect((await h().call('GET', '/v1/whoami', { as: null })).status).toBe(401);
  });

  it('decides single and batch requests with explanations', async () => {
    const policies = { identity: [{ Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' }] }] };
    const request = { principal: 'arn:aws:iam::111122223333:user/alice', action: 's3:GetObject', resource: 'arn:aws:s3:::reports/q3.csv' };
    const one = await h().call('POST', '/v1/authorize', { as: 'svc', body: { request, policies } });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ decision: 'Allow', decidingStatements: [{ policyName: 'identity[0]', sid: 'Read' }] });
    // Exactly what the embedding API answers: the response schema drops no field of the decision.
    for (const r of [request, { ...request, action: 's3:PutObject' }, { ...request, principal: 'arn:aws:iam::444455556666:user/x' }]) {
      const http = await h().call('POST', '/v1/authorize', { as: 'svc', body: { request: r, policies } });
      expect(http.body).toEqual(JSON.parse(JSON.stringify(createAuthorizer(policies).authorize(r))));
    }
    const batch = await h().call('POST', '/v1/authorize/batch', { as: 'svc', body: { policies, requests: [request, { ...request, action: 's3:PutObject' }] } });
    expect(batch.body.decisions.map((d: { decision: string }) => d.decision)).toEqual(['Allow', 'ImplicitDeny']);
    const bad = await h().call('POST', '/v1/authorize', { as: 'svc', body: { request, policies: { identity: [{ Version: '2012-10-17', Statement: [{ Effect: 'Maybe', Action: 's3:*', Resource: '*' }] }] } } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('server/invalid-policies');
    expect(bad.body.errors.length).toBeGreaterThan(0);
    const tooMany = await h().call('POST', '/v1/authorize/batch', { as: 'svc', body: { policies, requests: Array.from({ length: 1001 }, () => request) } });
    expect(tooMany.status).toBe(400);
  });
}
