/**
 * The delegated-admin web UI (web/, built by `npm run build:web` into web/dist), served at `/`.
 *
 * One catch-all route (`*`): Fastify tries every specific route first, so the API and
 * /openapi.json are unaffected, and the OpenAPI document leaves `*` out. Paths under /v1 that
 * reach it are API typos and get the API's 404 problem, never the UI's index.html. Other paths:
 * a file of the build when one matches, else index.html so that the UI's own routes
 * (/fragments/x/versions/1) survive a reload (SPA fallback). Paths are decoded segment by segment and
 * any `..`, `.`, backslash or NUL refuses the request, and the file found must still be inside the
 * build directory after symlinks are resolved, so no encoding of `../` reaches another file.
 * The build directory is looked at on every request: building the UI while the server runs works,
 * and a server without a build says how to make one.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import type { FastifyReply } from 'fastify';
import type { App } from './context.js';
import { ProblemError } from './problem.js';

/** web/dist beside the package root: this file runs from src/server (tests) or dist/server (built). */
export const DEFAULT_UI_DIR = join(import.meta.dirname, '..', '..', 'web', 'dist');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** Vite names everything under assets/ by a hash of its content, so a URL never changes meaning. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

// The UI loads only its own scripts and styles and talks only to this origin; React sets styles
// through the DOM, which `style-src 'self'` allows.
const UI_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const NOT_BUILT = `The Tessera web UI is not built.

Build it with \`npm run build:web\` (\`npm run build\` and \`npm ci\` build it too), then reload.
The API is served as usual: see /openapi.json.
`;

export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The path segments of a URL path, decoded, or undefined when the path is malformed or tries to
 * leave the directory (`..`, `.`, backslashes, NUL, however they are encoded).
 */
export function safeSegments(urlPath: string): string[] | undefined {
  const segments: string[] = [];
  for (const raw of urlPath.split('/')) {
    if (raw === '') continue;
    let s: string;
    try {
      s = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (s === '.' || s === '..' || s.includes('/') || s.includes('\\') || s.includes('\0')) return undefined;
    segments.push(s);
  }
  return segments;
}

/** A regular file at `segments` inside `root` (symlinks resolved), or undefined. */
async function fileIn(root: string, segments: readonly string[]): Promise<{ path: string; size: number } | undefined> {
  try {
    const realRoot = await realpath(root);
    const path = await realpath(join(realRoot, ...segments));
    if (!path.startsWith(realRoot + sep)) return undefined;
    const s = await stat(path);
    return s.isFile() ? { path, size: s.size } : undefined;
  } catch {
    return undefined;
  }
}

function sendFile(reply: FastifyReply, file: { path: string; size: number }, cacheControl: string) {
  return reply
    .headers(UI_HEADERS)
    .header('content-type', contentTypeOf(file.path))
    .header('content-length', String(file.size))
    .header('cache-control', cacheControl)
    .send(createReadStream(file.path));
}

/** Registers the UI routes; `dir` is the built UI (default web/dist). */
export function uiRoutes(app: App, dir: string = DEFAULT_UI_DIR): void {
  app.route({
    method: 'GET',
    url: '*',
    config: { public: true },
    schema: { summary: 'the web UI (not part of the API)' },
    handler: async (req, reply) => {
      const path = req.url.split('?')[0] ?? '/';
      if (path === '/v1' || path.startsWith('/v1/')) throw new ProblemError(404, 'server/no-route', `no route for ${req.method} ${path}`);
      const segments = safeSegments(path);
      if (segments === undefined) throw new ProblemError(404, 'server/no-file', 'no such file');
      const index = await fileIn(dir, ['index.html']);
      if (index === undefined) return reply.status(404).type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);
      const file = segments.length === 0 ? index : await fileIn(dir, segments);
      if (file !== undefined) return sendFile(reply, file, segments[0] === 'assets' ? IMMUTABLE : 'no-cache');
      // A missing asset is a 404 (a stale page asking for an old bundle must not get HTML as
      // JavaScript); anything else is one of the UI's own routes.
      if (segments[0] === 'assets' || extname(segments.at(-1) ?? '') !== '') throw new ProblemError(404, 'server/no-file', `no file ${path}`);
      return sendFile(reply, index, 'no-cache');
    },
  });
}
