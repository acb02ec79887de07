/**
 * Issue 8 over HTTP: a change and its audit record commit together. The store under the harness
 * must be opened with `doomedAudit`, so that appending any audit event that mentions `doomed`
 * fails inside the change's transaction; each request here then answers a 5xx problem, and a GET
 * shows that its change did not happen, while the audit chain stays whole.
 */
import { expect, it } from 'vitest';
import type { ControlPlaneOptions } from '../../store/index.js';
import { fragmentBody, type Harness } from './harness.js';

export const doomedAudit: ControlPlaneOptions = {
  audit: {
    beforeAppend: (event) => {
      if (JSON.stringify(event).includes('doomed')) throw new Error('injected audit append failure');
    },
  },
};

export function atomicAuditSuite(h: () => Harness): void {
  const auditCount = async () => {
    const verify = await h().call('GET', '/v1/audit/verify');
    expect(verify.body).toMatchObject({ ok: true });
    return (await h().call('GET', '/v1/audit?limit=1000')).body.items.length as number;
  };
  const expectProblem5xx = (r: { status: number; headers: Headers; body: { status?: number } }) => {
    expect(r.status).toBeGreaterThanOrEqual(500);
    expect(r.status).toBeLessThan(600);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.body.status).toBe(r.status);
  };

  it('answers 5xx and keeps no fragment when its audit record cannot be appended', async () => {
    const before = await auditCount();
    const r = await h().call('POST', '/v1/fragments', { body: fragmentBody('doomed-fragment', 'payments') });
    expectProblem5xx(r);
    expect((await h().call('GET', '/v1/fragments/doomed-fragment')).status).toBe(404);
    expect(await auditCount()).toBe(before);
    // The next change goes through whole: one fragment, one more record.
    expect((await h().call('POST', '/v1/fragments', { body: fragmentBody('kept-fragment', 'payments') })).status).toBe(201);
    expect((await h().call('GET', '/v1/fragments/kept-fragment')).status).toBe(200);
    expect(await auditCount()).toBe(before + 1);
  });

  it('keeps no token, boundary or deployment whose audit record cannot be appended', async () => {
    const before = await auditCount();
    expectProblem5xx(await h().call('POST', '/v1/tokens', { body: { principal: 'service/doomed', role: 'service' } }));
    expect((await h().call('GET', '/v1/tokens')).body.items.map((t: { principal: string }) => t.principal)).not.toContain('service/doomed');
    const boundary = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }] };
    expectProblem5xx(await h().call('PUT', '/v1/boundaries/doomed-boundary', { body: { document: boundary } }));
    expect((await h().call('GET', '/v1/boundaries/doomed-boundary')).status).toBe(404);
    // An inline app profile (more fields than a `{name}` reference to a stored one).
    const app = { name: 'doomed-app', exposure: 'internal', packages: ['nginx'] };
    expectProblem5xx(await h().call('PUT', '/v1/deployments/doomed-app', { body: { app, environment: { exposure: 'internal' } } }));
    expect((await h().call('GET', '/v1/deployments/doomed-app')).status).toBe(404);
    expect(await auditCount()).toBe(before);
  });
}
