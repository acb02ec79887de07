/**
 * Threat intel over HTTP on a real port and a real SQLite store: POST /v1/intel/{source} with the
 * real feed samples of testdata/intel, the role checks, a bad feed (422, nothing changes), a
 * re-import (changed: false), the audit record, the loop's hook, the route's own body limit, and
 * `tessera intel import|status --server` through it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tessera } from '../../test/support/cli.js';
import { generateEpssCsv } from '../../test/support/epss.js';
import { verifyChain } from '../audit/index.js';
import { openSqliteControlPlane, sha256, type FeedSnapshot } from '../store/index.js';
import { startHarness, type Harness } from './testing/harness.js';
import { startServer } from './index.js';
import { createToken } from './bootstrap.js';

const INTEL = join(import.meta.dirname, '..', '..', 'testdata', 'intel');
const KEV = join(INTEL, 'kev-sample.json');
const EPSS = join(INTEL, 'epss_scores-2025-08-25.csv');

describe('POST /v1/intel/{source}, GET /v1/intel', () => {
  let h: Harness;
  const imported: FeedSnapshot[] = [];
  let kev: string;
  let epss: string;
  beforeAll(async () => {
    [kev, epss] = [await readFile(KEV, 'utf8'), await readFile(EPSS, 'utf8')];
    h = await startHarness(() => openSqliteControlPlane(':memory:'), { onIntelImported: (s) => void imported.push(s) });
  });
  afterAll(async () => {
    await h.close();
  });
  const post = (source: string, text: string, as: 'admin' | 'alice' | 'dave' | 'svc' = 'admin', type = 'application/json') => h.call('POST', `/v1/intel/${source}?origin=${encodeURIComponent(`${source}-file`)}`, { as, raw: text, headers: { 'content-type': type } });

  it('refuses every role but the central admin (403, audited, nothing imported)', async () => {
    for (const who of ['alice', 'dave', 'svc'] as const) {
      const r = await post('kev', kev, who);
      expect(r.status, JSON.stringify(r.body)).toBe(403);
      expect(r.body.code).toBe('server/forbidden');
    }
    expect(await h.store.feeds.currentHashes()).toEqual({});
    const denied = (await h.store.audit.read(0, 1000)).filter((r) => r.action === 'tessera:ImportIntel');
    expect(denied.map((r) => [r.actor, r.outcome])).toEqual([['user/alice', 'denied'], ['user/dave', 'denied'], ['service/checkout', 'denied']]);
  });

  it('imports the real KEV and EPSS samples, audits each import with the change, and tells the loop', async () => {
    const k = await post('kev', kev);
    expect(k.status, JSON.stringify(k.body)).toBe(200);
    expect(k.body).toEqual({ changed: true, diagnostics: [], snapshot: { source: 'kev', hash: sha256(kev), version: 'sample-2025.08.25', records: 5, bytes: Buffer.byteLength(kev), origin: 'kev-file', importedAt: expect.any(String) } });
    const e = await post('epss', epss, 'admin', 'text/csv; charset=utf-8');
    expect(e.status, JSON.stringify(e.body)).toBe(200);
    expect(e.body).toMatchObject({ changed: true, snapshot: { source: 'epss', records: 7, version: 'v2025.03.14 2025-08-25T00:00:00Z', hash: sha256(epss) } });
    // The store holds the bytes as sent.
    expect(await h.store.feeds.read(k.body.snapshot)).toBe(kev);
    expect(imported.map((s) => s.source)).toEqual(['kev', 'epss']);
    const log = await h.store.audit.read(0, 1000);
    expect(log.filter((r) => r.action === 'tessera:ImportIntel' && r.outcome === 'changed')).toEqual([
      expect.objectContaining({ actor: 'user/admin', resource: 'trn:tessera:intel/kev', detail: { op: 'import', hash: sha256(kev), version: 'sample-2025.08.25', records: 5, bytes: Buffer.byteLength(kev), origin: 'kev-file' } }),
      expect.objectContaining({ actor: 'user/admin', resource: 'trn:tessera:intel/epss' }),
    ]);
    expect(verifyChain(log).ok).toBe(true);

    const list = await h.call('GET', '/v1/intel', { as: 'dave' });
    expect(list.status).toBe(200);
    expect(list.body.feeds.map((f: { source: string; stored: number; current: FeedSnapshot | null }) => [f.source, f.stored, f.current?.hash ?? null])).toEqual([['kev', 1, sha256(kev)], ['epss', 1, sha256(epss)], ['debian-tracker', 0, null], ['osv', 0, null]]);
  });

  it('answers 200 with changed: false for the same content again: nothing audited, the loop not told', async () => {
    const before = (await h.store.audit.read(0, 1000)).length;
    const again = await post('kev', kev);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ changed: false, snapshot: { hash: sha256(kev), origin: 'kev-file' } });
    expect((await h.store.audit.read(0, 1000)).length).toBe(before);
    expect(imported).toHaveLength(2);
  });

  it('answers 422 problem+json with the diagnostics for a feed with errors, and changes nothing', async () => {
    const hashes = await h.store.feeds.currentHashes();
    const auditBefore = (await h.store.audit.read(0, 1000)).length;
    const bad = await post('epss', epss.replace('0.94468', '7'), 'admin', 'text/csv');
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(bad.body).toMatchObject({ code: 'intel/invalid-feed', errors: [expect.objectContaining({ code: 'intel/epss-invalid', severity: 'error', path: 'line 4' })] });
    const notKev = await post('kev', '{"title": "not a catalog"}');
    expect([notKev.status, notKev.body.code]).toEqual([422, 'intel/invalid-feed']);
    // A NUL character (which a PostgreSQL text column could not hold) is the feed's fault, not the server's.
    const nul = await post('epss', epss.replace('0.94468', '0.94468\u0000'), 'admin', 'text/csv');
    expect(nul.status).toBe(422);
    expect(nul.body).toMatchObject({ errors: [expect.objectContaining({ code: 'intel/nul-character', path: 'line 4' })] });
    expect(await h.store.feeds.currentHashes()).toEqual(hashes);
    expect(await h.store.feeds.list()).toHaveLength(2);
    expect((await h.store.audit.read(0, 1000)).length).toBe(auditBefore);
  });

  it('refuses an unknown feed (400), an empty body (400) and a media type it does not take (415)', async () => {
    expect((await post('nvd', kev)).status).toBe(400);
    expect((await post('kev', '')).status).toBe(400);
    const xml = await post('kev', kev, 'admin', 'application/xml');
    expect(xml.status).toBe(415);
    expect(xml.body.detail).toContain('text/csv');
  });

  it('documents both routes in OpenAPI, with the feed as the request body', async () => {
    const doc = (await h.call('GET', '/openapi.json', { as: null })).body;
    const op = doc.paths['/v1/intel/{source}'].post;
    expect(op['x-tessera-action']).toBe('tessera:ImportIntel');
    expect(Object.keys(op.requestBody.content)).toEqual(['application/json', 'text/csv']);
    expect(doc.paths['/v1/intel'].get['x-tessera-action']).toBe('tessera:ListIntel');
  });
});

describe('the intel route\'s own body limit', () => {
  it('takes a feed larger than the API\'s 1 MiB and refuses one over its own limit (413)', async () => {
    const store = await openSqliteControlPlane(':memory:');
    const admin = (await createToken(store, { principal: 'user/admin', role: 'central-admin', at: new Date() })).token;
    const server = await startServer({ store, port: 0, intelBodyLimit: 3 * 1024 * 1024 });
    try {
      // A valid EPSS file of 60,000 rows (~2 MiB): bigger than any other route takes, under this one's limit.
      const big = generateEpssCsv(60_000);
      expect(Buffer.byteLength(big)).toBeGreaterThan(1024 * 1024);
      expect(Buffer.byteLength(big)).toBeLessThan(3 * 1024 * 1024);
      const send = (text: string) => fetch(`${server.url}/v1/intel/epss`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv' }, body: text });
      const ok = await send(big);
      const body = await ok.json() as { changed: boolean; snapshot: FeedSnapshot };
      expect([ok.status, body.changed, body.snapshot.bytes]).toEqual([200, true, Buffer.byteLength(big)]);
      const tooBig = await send(generateEpssCsv(120_000));
      expect(tooBig.status).toBe(413);
      expect((await store.feeds.list()).length).toBe(1);
      // Other routes keep the 1 MiB limit.
      const fragment = await fetch(`${server.url}/v1/fragments`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(1100 * 1024) }) });
      expect(fragment.status).toBe(413);
    } finally {
      await server.close();
    }
  });
});

describe('tessera intel import|status --server', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(() => openSqliteControlPlane(':memory:'));
  });
  afterAll(async () => {
    await h.close();
  });
  const cli = (args: string[], who: 'admin' | 'dave' = 'admin') => tessera(['--data-dir', '/nonexistent/tessera-data', '--server', h.url, '--token', h.tokens[who], 'intel', ...args]);

  it('imports through the server, reports unchanged content, shows the diagnostics of a rejected feed, and reads the status', async () => {
    const first = await cli(['import', 'kev', KEV, '--json']);
    expect(first.code, first.err).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject({ source: 'kev', changed: true, server: h.url, snapshot: { version: 'sample-2025.08.25', origin: KEV } });
    expect((await h.store.feeds.current('kev'))?.origin).toBe(KEV);
    const again = await cli(['import', 'kev', KEV]);
    expect(again.out).toMatch(/^unchanged .* on http:\/\/127\.0\.0\.1:\d+\n$/);
    const bad = await tessera(['--data-dir', '/nonexistent/tessera-data', '--server', h.url, '--token', h.tokens.admin, 'intel', 'import', 'epss', 'bad.csv'], { files: { 'bad.csv': (await readFile(EPSS, 'utf8')).replace('0.94468', '7') } });
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('bad.csv: line 4: error[intel/epss-invalid]');
    expect(bad.err).toContain('nothing imported');
    expect(await h.store.feeds.current('epss')).toBeUndefined();
    const status = await cli(['status', '--json'], 'dave');
    expect(JSON.parse(status.out)).toMatchObject({ feeds: [{ source: 'kev', stored: 1, current: { version: 'sample-2025.08.25' } }, { source: 'epss', current: null }, {}, {}] });
    // An auditor may read but not import.
    const denied = await cli(['import', 'kev', KEV], 'dave');
    expect(denied.code).toBe(1);
    expect(denied.err).toMatch(/may not tessera:ImportIntel/);
  });
});
