/**
 * The OpenAPI 3.1 document, generated from the routes as registered: their TypeBox schemas (JSON
 * Schema 2020-12, which OpenAPI 3.1 uses as is), the Tessera action each one is authorized by,
 * and the problem responses every route can give. Nothing is written twice, so the document
 * cannot drift from what the server validates.
 */
import type { RouteOptions } from 'fastify';
import { Problem } from './schemas/common.js';

export interface RouteRecord {
  method: string;
  url: string;
  schema: Record<string, unknown> | undefined;
  public: boolean;
  summary?: string;
  action?: string;
}

export function routeRecord(route: RouteOptions & { config?: { public?: boolean } }): RouteRecord[] {
  const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => m !== 'HEAD');
  const schema = route.schema as Record<string, unknown> | undefined;
  const summary = typeof schema?.summary === 'string' ? schema.summary : undefined;
  const action = typeof schema?.['x-tessera-action'] === 'string' ? (schema['x-tessera-action'] as string) : undefined;
  return methods.map((method) => ({ method: method.toLowerCase(), url: route.url, schema, public: route.config?.public === true, summary, action }));
}

type Json = Record<string, unknown>;

function parameters(where: 'path' | 'query' | 'header', schema: unknown): Json[] {
  const s = schema as { properties?: Record<string, Json>; required?: string[] } | undefined;
  if (s?.properties === undefined) return [];
  return Object.entries(s.properties).map(([name, p]) => {
    const isArray = p.type === 'array';
    return {
      name,
      in: where,
      required: where === 'path' || (s.required ?? []).includes(name),
      schema: p,
      ...(typeof p.description === 'string' ? { description: p.description } : {}),
      ...(isArray && where === 'query' ? { style: 'form', explode: true } : {}),
    };
  });
}

const ERROR_STATUSES: Readonly<Record<string, string>> = {
  '400': 'invalid input (schema errors or diagnostics in `errors`)',
  '401': 'no token, or a token that is unknown, revoked or wrong',
  '403': 'the caller\'s role does not allow the action (no data is returned)',
  '413': 'the body is larger than the limit',
  '429': 'too many requests for this token',
};

export function openApiDocument(routes: readonly RouteRecord[], info: { title: string; version: string }): Json {
  const paths: Record<string, Json> = {};
  const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
  for (const r of [...routes].sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method))) {
    if (r.url === '*') continue;
    const path = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const s = r.schema ?? {};
    const responses: Json = {};
    for (const [status, schema] of Object.entries((s.response ?? {}) as Record<string, unknown>)) {
      const description = (schema as Json).description ?? 'success';
      responses[status] = status === '204' || status === '304' ? { description: status === '204' ? 'no content' : description } : { description, content: { 'application/json': { schema } } };
    }
    for (const [status, description] of Object.entries(ERROR_STATUSES)) {
      if (r.public && (status === '401' || status === '403')) continue;
      responses[status] ??= { description, content: problem };
    }
    responses.default = { description: 'any other problem (404, 409, 412, 428, 5xx)', content: problem };
    const op: Json = {
      operationId: `${r.method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      parameters: [...parameters('path', s.params), ...parameters('query', s.querystring), ...parameters('header', s.headers)],
      responses,
    };
    if (r.summary !== undefined) op.summary = r.summary;
    if (s.body !== undefined) op.requestBody = { required: true, content: { 'application/json': { schema: s.body } } };
    else if (s['x-tessera-request-body'] !== undefined) op.requestBody = { required: true, content: s['x-tessera-request-body'] };
    if (r.action !== undefined) op['x-tessera-action'] = r.action;
    if (!r.public) op.security = [{ bearer: [] }];
    (paths[path] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      schemas: { Problem },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'tk_<id>.<secret>' } },
    },
  };
}
