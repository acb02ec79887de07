/**
 * Authorization of every route, table-driven over role × route: a role without the right gets a
 * 403 problem with no data (and the denial is audited); a role with it gets past authorization
 * (whatever the handler then says). Requests are built so that allowed ones change nothing
 * durable: invalid fragments (400), transitions without If-Match (428), unknown tokens (404),
 * app profile and environment PUTs with an If-Match of another document (412).
 */
import { beforeAll, expect, it } from 'vitest';
import { fragmentBody, PROBLEM_FIELDS, type Harness, type Who } from './harness.js';

interface RouteCase {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Who may: everyone else must get 403. */
  allowed: readonly Who[];
}

const ALL: readonly Who[] = ['admin', 'alice', 'olga', 'carol', 'dave', 'svc'];
const READERS: readonly Who[] = ['admin', 'alice', 'olga', 'carol', 'dave'];
const scenario = {
  request: { principal: 'arn:aws:iam::111122223333:user/x', action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' },
  policies: { identity: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }] },
};
// Valid for the schema, refused by the fragment validator: allowed callers get 400, nothing is stored.
const invalid = (owner: string) => fragmentBody('pay-read', owner, { risk: 500 });
const deployment = { app: { name: 'checkout' }, environment: { exposure: 'internet' } };
// Names a boundary that does not exist: allowed callers get 404, nothing is synthesized or stored.
const policyBody = (id: string, team: string) => ({ id, team, fragments: [{ ref: 'pay-read@1' }], boundary: { id: 'no-such-boundary' } });
const DIGEST = `sha256:${'0'.repeat(64)}`;
// Valid for the schema; the If-Match names another document, so allowed callers get 412 and nothing is written.
const putNamed = { body: { document: { name: 'checkout' } }, headers: { 'if-match': '"app/someone-else@1"' } };

export const ROUTES: readonly RouteCase[] = [
  { name: 'search fragments', method: 'GET', path: '/v1/fragments', allowed: READERS },
  { name: 'get a fragment', method: 'GET', path: '/v1/fragments/pay-read', allowed: READERS },
  { name: 'get a version', method: 'GET', path: '/v1/fragments/pay-read/versions/1', allowed: READERS },
  { name: 'create for own team', method: 'POST', path: '/v1/fragments', body: invalid('payments'), allowed: ['admin', 'alice'] },
  { name: 'create for another team', method: 'POST', path: '/v1/fragments', body: invalid('ops'), allowed: ['admin', 'olga'] },
  { name: 'add a version', method: 'POST', path: '/v1/fragments/pay-read/versions', body: invalid('payments'), allowed: ['admin', 'alice'] },
  { name: 'submit', method: 'POST', path: '/v1/fragments/pay-read/versions/1/transitions', body: { action: 'submit' }, allowed: ['admin', 'alice'] },
  { name: 'approve', method: 'POST', path: '/v1/fragments/pay-read/versions/1/transitions', body: { action: 'approve' }, allowed: ['admin', 'carol'] },
  { name: 'reject', method: 'POST', path: '/v1/fragments/pay-read/versions/1/transitions', body: { action: 'reject' }, allowed: ['admin', 'carol'] },
  { name: 'deprecate', method: 'POST', path: '/v1/fragments/pay-read/versions/1/transitions', body: { action: 'deprecate' }, allowed: ['admin'] },
  { name: 'archive', method: 'POST', path: '/v1/fragments/pay-read/versions/1/transitions', body: { action: 'archive' }, allowed: ['admin'] },
  { name: 'authorize', method: 'POST', path: '/v1/authorize', body: scenario, allowed: ['admin', 'alice', 'olga', 'svc'] },
  { name: 'authorize batch', method: 'POST', path: '/v1/authorize/batch', body: { policies: scenario.policies, requests: [scenario.request] }, allowed: ['admin', 'alice', 'olga', 'svc'] },
  { name: 'create a token', method: 'POST', path: '/v1/tokens', body: { principal: 'service/x', role: 'service', team: 'payments' }, allowed: ['admin'] },
  { name: 'list tokens', method: 'GET', path: '/v1/tokens', allowed: ['admin'] },
  { name: 'revoke a token', method: 'DELETE', path: '/v1/tokens/tk_0000000000000000', allowed: ['admin'] },
  { name: 'read the audit log', method: 'GET', path: '/v1/audit', allowed: ['admin', 'dave'] },
  { name: 'verify the audit log', method: 'GET', path: '/v1/audit/verify', allowed: ['admin', 'dave'] },
  { name: 'who am I', method: 'GET', path: '/v1/whoami', allowed: ALL },
  { name: 'list deployments', method: 'GET', path: '/v1/deployments', allowed: ['admin', 'dave'] },
  { name: 'get a deployment', method: 'GET', path: '/v1/deployments/checkout', allowed: ['admin', 'dave'] },
  { name: 'register a deployment', method: 'PUT', path: '/v1/deployments/checkout', body: deployment, allowed: ['admin'] },
  { name: 'deployment lineage', method: 'GET', path: '/v1/deployments/checkout/lineage', allowed: ['admin', 'dave'] },
  { name: 'read monitor events', method: 'GET', path: '/v1/events', allowed: ['admin', 'dave'] },
  // The harness wires no monitor: the allowed caller gets 409, the others 403.
  { name: 'evaluate deployments now', method: 'POST', path: '/v1/monitor/evaluations', body: { dryRun: true }, allowed: ['admin'] },
  // Policies: `pay-read` exists (team payments, a draft under boundary `pay-read`), see beforeAll.
  { name: 'put a boundary', method: 'PUT', path: '/v1/boundaries/pay-read', body: { document: { Version: '2012-10-17', Statement: 'no' } }, allowed: ['admin'] },
  { name: 'get a boundary', method: 'GET', path: '/v1/boundaries/pay-read', allowed: READERS },
  { name: 'list boundaries', method: 'GET', path: '/v1/boundaries', allowed: READERS },
  { name: 'create a policy for own team', method: 'POST', path: '/v1/policies', body: policyBody('pay-read', 'payments'), allowed: ['admin', 'alice'] },
  { name: 'create a policy for another team', method: 'POST', path: '/v1/policies', body: policyBody('ops-read', 'ops'), allowed: ['admin', 'olga'] },
  { name: 'preview a policy for own team', method: 'POST', path: '/v1/policies/preview', body: policyBody('pay-read', 'payments'), allowed: ['admin', 'alice'] },
  { name: 'preview a policy for another team', method: 'POST', path: '/v1/policies/preview', body: policyBody('ops-read', 'ops'), allowed: ['admin', 'olga'] },
  // The boundary `pay-read` is for no team: a delegated admin may not synthesize under it, even for its own team.
  { name: 'create a policy under a boundary of no team', method: 'POST', path: '/v1/policies', body: { ...policyBody('pay-other', 'payments'), boundary: { id: 'pay-read' } }, allowed: ['admin'] },
  { name: 'list policies', method: 'GET', path: '/v1/policies', allowed: READERS },
  { name: 'get a policy', method: 'GET', path: '/v1/policies/pay-read', allowed: READERS },
  { name: 'get a policy version', method: 'GET', path: '/v1/policies/pay-read/versions/1', allowed: READERS },
  { name: 'review a policy version', method: 'GET', path: '/v1/policies/pay-read/versions/1/review', allowed: READERS },
  { name: 'submit a policy', method: 'POST', path: '/v1/policies/pay-read/versions/1/transitions', body: { action: 'submit' }, allowed: ['admin', 'alice'] },
  { name: 'approve a policy', method: 'POST', path: '/v1/policies/pay-read/versions/1/transitions', body: { action: 'approve' }, allowed: ['admin', 'carol'] },
  { name: 'reject a policy', method: 'POST', path: '/v1/policies/pay-read/versions/1/transitions', body: { action: 'reject' }, allowed: ['admin', 'carol'] },
  { name: 'activate a policy', method: 'POST', path: '/v1/policies/pay-read/versions/1/transitions', body: { action: 'activate' }, allowed: ['admin', 'carol'] },
  { name: 'put an assignment', method: 'PUT', path: '/v1/assignments/checkout', body: { policies: ['no-such-policy'] }, allowed: ['admin'] },
  { name: 'get an assignment', method: 'GET', path: '/v1/assignments/checkout', allowed: ['admin', 'dave'] },
  // The adaptation loop's artifacts (roles.ts): read by the central admin and the auditor; app
  // profiles and environments written by the central admin only.
  { name: 'get a plan', method: 'GET', path: `/v1/plans/${DIGEST}`, allowed: ['admin', 'dave'] },
  { name: 'get an image', method: 'GET', path: `/v1/images/${DIGEST}`, allowed: ['admin', 'dave'] },
  { name: 'list risk profiles', method: 'GET', path: '/v1/deployments/checkout/risk-profiles', allowed: ['admin', 'dave'] },
  { name: 'get an app profile', method: 'GET', path: '/v1/apps/checkout', allowed: ['admin', 'dave'] },
  { name: 'put an app profile', method: 'PUT', path: '/v1/apps/checkout', ...putNamed, allowed: ['admin'] },
  { name: 'get an environment', method: 'GET', path: '/v1/environments/checkout', allowed: ['admin', 'dave'] },
  { name: 'put an environment', method: 'PUT', path: '/v1/environments/checkout', ...putNamed, allowed: ['admin'] },
  // Threat intel: a JSON value that is no KEV catalog, so the allowed caller gets 422 and nothing is imported.
  { name: 'import a threat feed', method: 'POST', path: '/v1/intel/kev', body: { vulnerabilities: 'none' }, allowed: ['admin'] },
  { name: 'list threat feeds', method: 'GET', path: '/v1/intel', allowed: ['admin', 'dave'] },
];

export function accessSuite(h: () => Harness): void {
  beforeAll(async () => {
    const r = await h().call('POST', '/v1/fragments', { as: 'alice', body: fragmentBody('pay-read', 'payments') });
    expect(r.status).toBe(201);
    // A policy draft to authorize transitions on, written through the store (no synthesis needed here).
    const actor = { by: 'user/alice', at: '2026-11-23T10:00:00Z' };
    await h().store.policies.putBoundary('pay-read', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }, actor);
    await h().store.policies.addPolicyVersion({
      id: 'pay-read', team: 'payments', request: { fragments: [], boundary: { id: 'pay-read', version: 1 }, riskBudget: null },
      documents: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] }], verdict: {}, risk: 0,
    }, actor);
  });

  const cases = ROUTES.flatMap((route) => ALL.map((who) => ({ route, who, allow: route.allowed.includes(who) })));
  it.each(cases.map((c) => [c.route.name, c.who, c.allow ? 'allowed' : '403', c] as const))('%s as %s: %s', async (_n, _w, _e, c) => {
    const denialsBefore = (await h().store.audit.read(0, 100_000)).filter((r) => r.outcome === 'denied').length;
    const r = await h().call(c.route.method, c.route.path, { as: c.who, body: c.route.body, ...(c.route.headers === undefined ? {} : { headers: c.route.headers }) });
    if (c.allow) {
      expect(r.status, JSON.stringify(r.body)).not.toBe(401);
      expect(r.status, JSON.stringify(r.body)).not.toBe(403);
      return;
    }
    expect(r.status, JSON.stringify(r.body)).toBe(403);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.body.code).toBe('server/forbidden');
    // No data: only the problem's own fields.
    for (const k of Object.keys(r.body)) expect(PROBLEM_FIELDS).toContain(k);
    expect(JSON.stringify(r.body)).not.toContain('Read objects of one bucket');
    const after = (await h().store.audit.read(0, 100_000)).filter((x) => x.outcome === 'denied');
    expect(after.length).toBe(denialsBefore + 1);
    expect(after.at(-1)).toMatchObject({ actor: expect.stringMatching(/^(user|service)\//), outcome: 'denied' });
  });

  it('every route of the API is in the table', async () => {
    const doc = (await h().call('GET', '/openapi.json', { as: null })).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    const open = ['GET /healthz', 'GET /readyz', 'GET /openapi.json'];
    const tested = new Set(ROUTES.map((r) => `${r.method} ${r.path.replace(/pay-read/, '{id}').replace(/checkout/, '{id}').replace(/tk_0+/, '{id}').replace(/versions\/1/, 'versions/{version}').replace(/assignments\/\{id\}/, 'assignments/{principal}').replace(/(apps|environments)\/\{id\}/, '$1/{name}').replace(DIGEST, '{digest}').replace(/intel\/kev/, 'intel/{source}')}`));
    for (const route of documented) if (!open.includes(route)) expect(tested, route).toContain(route);
  });
}
