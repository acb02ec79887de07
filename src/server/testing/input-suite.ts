/**
 * Hostile and broken input: oversized and malformed bodies, unknown fields, wrong media types,
 * SQL-ish text as ids and search terms (data, never code: nothing changes), and the OpenAPI
 * document and health endpoints.
 */
import { expect, it } from 'vitest';
import { fragmentBody, type Harness } from './harness.js';

const SQLISH = "'; DROP TABLE fragments; --";

export function inputSuite(h: () => Harness): void {
  it('answers an oversized body with 413 and keeps nothing', async () => {
    const big = fragmentBody('too-big', 'ops', { description: 'x'.repeat(1_100_000) });
    const r = await h().call('POST', '/v1/fragments', { body: big });
    expect(r.status).toBe(413);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.body.code).toBe('server/body-too-large');
    expect((await h().call('GET', '/v1/fragments/too-big')).status).toBe(404);
  });

  it('answers malformed JSON, unknown fields, wrong types and media types with 4xx problems', async () => {
    const malformed = await h().call('POST', '/v1/fragments', { raw: '{"id": "x",' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('server/malformed-json');
    const unknown = await h().call('POST', '/v1/fragments', { body: { ...fragmentBody('extra-field', 'ops'), owner_override: 'root' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toContain('unknown field `owner_override`');
    const nested = await h().call('POST', '/v1/authorize', { body: { request: { principal: 'p', action: 'a:B', resource: '*', admin: true }, policies: {} } });
    expect(nested.status).toBe(400);
    const typed = await h().call('POST', '/v1/fragments', { body: { ...fragmentBody('typed', 'ops'), risk: '10' } });
    expect(typed.status).toBe(400);
    const text = await h().call('POST', '/v1/fragments', { raw: 'hello', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    const empty = await h().call('POST', '/v1/fragments', { raw: '', headers: { 'content-type': 'application/json' } });
    expect(empty.status).toBe(400);
    const badQuery = await h().call('GET', '/v1/fragments?limit=-1');
    expect(badQuery.status).toBe(400);
    const semantic = await h().call('POST', '/v1/fragments', { body: fragmentBody('Bad_Id', 'ops') });
    expect(semantic.status).toBe(400);
    expect(semantic.body.code).toBe('server/invalid-fragment');
    expect(semantic.body.errors[0]).toMatchObject({ code: 'fragment/invalid-id' });
    for (const r of [malformed, unknown, nested, typed, text, empty, badQuery, semantic]) {
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(JSON.stringify(r.body)).not.toMatch(/\bat .*\.(js|ts):\d+/);
    }
  });

  it('treats SQL-ish strings as data: nothing changes', async () => {
    await h().call('POST', '/v1/fragments', { body: fragmentBody('sql-probe', 'ops') });
    const count = async () => (await h().call('GET', '/v1/fragments?limit=0')).body.total as number;
    const before = await count();
    const search = await h().call('GET', `/v1/fragments?text=${encodeURIComponent(SQLISH)}&resourceType=${encodeURIComponent(SQLISH)}&action=${encodeURIComponent("s3:*' OR '1'='1")}`);
    expect(search.status).toBe(200);
    expect(search.body.total).toBe(0);
    expect((await h().call('GET', `/v1/fragments/${encodeURIComponent(SQLISH)}`)).status).toBe(404);
    const created = await h().call('POST', '/v1/fragments', { body: fragmentBody(SQLISH, 'ops') });
    expect(created.status).toBe(400);
    const dep = await h().call('PUT', `/v1/deployments/${encodeURIComponent(SQLISH)}`, { body: { app: { name: SQLISH }, environment: {} } });
    expect(dep.status).toBe(201);
    expect((await h().call('GET', `/v1/deployments/${encodeURIComponent(SQLISH)}`)).body).toMatchObject({ id: SQLISH, app: { name: SQLISH } });
    expect(await count()).toBe(before);
    expect((await h().call('GET', '/v1/fragments/sql-probe')).status).toBe(200);
  });

  it('answers unknown routes with a 404 problem', async () => {
    const r = await h().call('GET', '/v1/nothing-here');
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('server/no-route');
  });

  it('is alive and ready without a token', async () => {
    expect((await h().call('GET', '/healthz', { as: null })).body).toEqual({ status: 'ok' });
    expect((await h().call('GET', '/readyz', { as: null })).body).toEqual({ status: 'ready' });
  });

  it('publishes an OpenAPI 3.1 document with every route and its schemas', async () => {
    const r = await h().call('GET', '/openapi.json', { as: null });
    expect(r.status).toBe(200);
    const doc = r.body;
    expect(doc.openapi).toBe('3.1.0');
    const expected = [
      'get /healthz', 'get /readyz', 'post /v1/authorize', 'post /v1/authorize/batch', 'get /v1/fragments', 'post /v1/fragments',
      'get /v1/fragments/{id}', 'post /v1/fragments/{id}/versions', 'get /v1/fragments/{id}/versions/{version}',
      'post /v1/fragments/{id}/versions/{version}/transitions', 'post /v1/tokens', 'get /v1/tokens', 'delete /v1/tokens/{id}',
      'get /v1/audit', 'get /v1/audit/verify', 'get /v1/deployments/{id}', 'put /v1/deployments/{id}', 'get /v1/deployments/{id}/lineage', 'get /v1/events',
    ];
    for (const e of expected) {
      const [method, path] = e.split(' ') as [string, string];
      const op = doc.paths[path]?.[method];
      expect(op, e).toBeDefined();
      expect(Object.keys(op.responses).some((s) => s.startsWith('2')), e).toBe(true);
      expect(op.responses.default.content['application/problem+json']).toBeDefined();
      if (method === 'post' || method === 'put') expect(op.requestBody.content['application/json'].schema.additionalProperties, e).toBe(false);
      if (path.includes('{id}')) expect(op.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toContain('path:id');
      if (!path.startsWith('/healthz') && !path.startsWith('/readyz')) expect(op['x-tessera-action'], e).toMatch(/^tessera:/);
    }
    expect(doc.paths['/v1/fragments'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['action', 'tag', 'limit', 'offset']));
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
}
