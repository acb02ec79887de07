/** The web UI's static file handler: content types, caching, SPA fallback, and no way out of the build directory. */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteControlPlane } from '../store/index.js';
import type { App } from './context.js';
import { buildServer } from './server.js';
import { contentTypeOf, safeSegments } from './static-ui.js';

const SECRET = 'top secret: not part of the UI';
let dir: string;
let ui: string;
let app: App;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-ui-'));
  ui = join(dir, 'dist');
  await mkdir(join(ui, 'assets'), { recursive: true });
  await writeFile(join(ui, 'index.html'), '<!doctype html><title>ui</title>');
  await writeFile(join(ui, 'assets', 'index-abc123.js'), 'console.log(1)');
  await writeFile(join(ui, 'assets', 'index-abc123.css'), 'body{}');
  await writeFile(join(ui, 'favicon.svg'), '<svg/>');
  await writeFile(join(dir, 'secret.txt'), SECRET);
  await symlink(join(dir, 'secret.txt'), join(ui, 'leak.txt'));
  app = await buildServer({ store: await openSqliteControlPlane(':memory:'), uiDir: ui, rateLimit: false });
});

afterAll(async () => {
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

const get = (url: string, method: 'GET' | 'HEAD' = 'GET') => app.inject({ method, url });

describe('static UI', () => {
  it('serves index.html at / with a strict CSP and no long cache', async () => {
    const r = await get('/');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.body).toContain('<title>ui</title>');
    const head = await get('/', 'HEAD');
    expect([head.statusCode, head.body]).toEqual([200, '']);
  });

  it('serves hashed assets with their content type and a long cache', async () => {
    const js = await get('/assets/index-abc123.js');
    expect([js.statusCode, js.headers['content-type'], js.headers['cache-control'], js.body]).toEqual([200, 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable', 'console.log(1)']);
    expect((await get('/assets/index-abc123.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    const svg = await get('/favicon.svg?v=1');
    expect([svg.statusCode, svg.headers['content-type'], svg.headers['cache-control']]).toEqual([200, 'image/svg+xml', 'no-cache']);
  });

  it('answers the UI\'s own routes with index.html, and missing files with 404', async () => {
    for (const path of ['/fragments', '/fragments/s3-read/versions/2?x=1', '/decide']) {
      const r = await get(path);
      expect([r.statusCode, r.headers['content-type']], path).toEqual([200, 'text/html; charset=utf-8']);
    }
    for (const path of ['/assets/index-old.js', '/assets/chunk', '/missing.png']) expect((await get(path)).statusCode, path).toBe(404);
  });

  it('leaves the API alone: unknown /v1 paths get the API\'s 404 problem', async () => {
    const r = await get('/v1/nothing-here');
    expect(r.statusCode).toBe(404);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(r.json()).toMatchObject({ code: 'server/no-route' });
    expect((await get('/v1/fragments')).statusCode).toBe(401);
    expect((await get('/healthz')).json()).toEqual({ status: 'ok' });
    const doc = (await get('/openapi.json')).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((p) => !p.startsWith('/v1/'))).toEqual(['/healthz', '/openapi.json', '/readyz']);
  });

  it('never serves a file outside the build directory', async () => {
    const attempts = [
      '/..%2f..%2fetc/passwd', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/%2E%2E%2Fsecret.txt', '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt', '/assets/%2e%2e%5c%2e%2e%5csecret.txt', '/..%252fsecret.txt', '/secret.txt%00.js', '/leak.txt', '/%2fetc%2fpasswd',
      '/../secret.txt', '/assets/../../secret.txt',
    ];
    for (const path of attempts) {
      const r = await get(path);
      expect(r.statusCode, path).toBe(404);
      expect(r.body, path).not.toContain(SECRET);
      expect(r.body, path).not.toContain('root:');
    }
    // A malformed escape is refused by Fastify's router before any route runs.
    expect((await get('/assets/%E0%A4%A')).statusCode).toBe(400);
  });

  it('decodes segments and refuses dot segments, separators and NUL', () => {
    expect(safeSegments('/assets/a%20b.js')).toEqual(['assets', 'a b.js']);
    expect(safeSegments('//fragments//x/')).toEqual(['fragments', 'x']);
    for (const bad of ['/..', '/a/../b', '/%2e%2e', '/a%2fb', '/a%5cb', '/a%00', '/%E0%A4%A', '/.']) expect(safeSegments(bad), bad).toBeUndefined();
  });

  it('maps content types by extension, case-insensitively', () => {
    expect(contentTypeOf('a/INDEX.HTML')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('x.woff2')).toBe('font/woff2');
    expect(contentTypeOf('x.exe')).toBe('application/octet-stream');
  });
});

describe('static UI not built', () => {
  it('still runs the API, and / says how to build the UI', async () => {
    const bare = await buildServer({ store: await openSqliteControlPlane(':memory:'), uiDir: join(tmpdir(), 'tessera-no-such-ui-dir'), rateLimit: false });
    try {
      const r = await bare.inject({ method: 'GET', url: '/' });
      expect(r.statusCode).toBe(404);
      expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(r.body).toContain('npm run build:web');
      expect((await bare.inject({ method: 'GET', url: '/fragments' })).body).toContain('npm run build:web');
      expect((await bare.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await bare.close();
    }
  });
});
