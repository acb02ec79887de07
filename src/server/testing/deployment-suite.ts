/**
 * PUT /v1/deployments/:id with references to stored documents: `{ref: {name, revision?}}` for the app
 * and the environment, resolved in the same transaction as the write; an unknown reference is a
 * 422 and nothing is written. Names are this suite's own, so it shares a server with the others.
 */
import { expect, it } from 'vitest';
import type { Harness } from './harness.js';

const appDoc = { name: 'ref-web', function: 'storefront', criticality: 'high', packages: ['nginx'] };
const envDoc = { name: 'ref-dmz', exposure: 'internet' };

export function deploymentSuite(h: () => Harness): void {
  it('registers a deployment by reference and records the revisions it used', async () => {
    expect((await h().call('PUT', '/v1/apps/ref-web', { body: { document: appDoc } })).status).toBe(201);
    expect((await h().call('PUT', '/v1/apps/ref-web', { body: { document: { ...appDoc, criticality: 'low' } }, headers: { 'if-match': '"app/ref-web@1"' } })).status).toBe(200);
    expect((await h().call('PUT', '/v1/environments/ref-dmz', { body: { document: envDoc } })).status).toBe(201);
    const put = await h().call('PUT', '/v1/deployments/ref-web', { body: { app: { ref: { name: 'ref-web' } }, environment: { ref: { name: 'ref-dmz', revision: 1 } } } });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ id: 'ref-web', app: { ...appDoc, criticality: 'low' }, environment: envDoc, documents: { app: { name: 'ref-web', revision: 2, follow: true }, environment: { name: 'ref-dmz', revision: 1, follow: false } } });
    expect((await h().call('GET', '/v1/deployments/ref-web')).body.documents).toEqual(put.body.documents);
    // Inline documents still work and carry no references.
    const inline = await h().call('PUT', '/v1/deployments/ref-inline', { body: { app: appDoc, environment: envDoc } });
    expect(inline.status).toBe(201);
    expect(inline.body).not.toHaveProperty('documents');
  });

  it('answers 422 for a reference to nothing, and writes nothing', async () => {
    const auditHead = (await h().store.audit.head())?.seq;
    const r = await h().call('PUT', '/v1/deployments/ref-missing', { body: { app: { ref: { name: 'no-such-app' } }, environment: { ref: { name: 'ref-dmz', revision: 99 } } } });
    expect(r.status).toBe(422);
    expect(r.body.detail).toBe('no stored app `no-such-app`; no stored environment `ref-dmz` at revision 99');
    expect((await h().call('GET', '/v1/deployments/ref-missing')).status).toBe(404);
    expect((await h().store.audit.head())?.seq).toBe(auditHead);
  });
}
