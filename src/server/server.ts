/**
 * `buildServer(deps)`: the Fastify app over a ControlPlaneStore, and `startServer` to listen.
 *
 * Request path: rate limit (per token id, else per address) → authentication (onRequest, before
 * the body is read, so anonymous callers cannot make the server parse megabytes) → body parsing
 * with the size limit → schema validation (Ajv; request bodies strict, query strings coerced) →
 * authorization of the route's declared checks (preHandler) → handler. Both hooks are route-level
 * (added as each route is registered): public routes pay nothing, and no per-request lookup of
 * the route's config is needed. Every error leaves through one error handler as an RFC 9457 problem.
 */
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv, type Options as AjvOptions } from 'ajv';
import Fastify, { type FastifyContextConfig, type FastifyServerOptions, type onRequestHookHandler, type preHandlerHookHandler } from 'fastify';
import type { ContextEnricher } from '../context/index.js';
import { EventBus } from '../monitor/index.js';
import type { ControlPlaneStore, FeedSnapshot } from '../store/index.js';
import { AccessControl } from './access.js';
import { AuditTrail } from './audit-trail.js';
import { TokenVerifier } from './authn.js';
import type { App, ServerContext } from './context.js';
import { mapError } from './error-mapper.js';
import { openApiDocument, routeRecord, type RouteRecord } from './openapi.js';
import { PolicyCache } from './policy-cache.js';
import { PrincipalPolicies } from './principal-policies.js';
import { PROBLEM_CONTENT_TYPE, ProblemError, toProblem } from './problem.js';
import { adminRoutes } from './routes/admin.js';
import { artifactRoutes } from './routes/artifacts.js';
import { authorizeRoutes } from './routes/authorize.js';
import { fragmentRoutes } from './routes/fragments.js';
import { policyRoutes } from './routes/policies.js';
import { eventRoutes } from './routes/events.js';
import { monitorRoutes, type MonitorRunner } from './routes/monitor.js';
import { healthRoutes } from './routes/health.js';
import { DEFAULT_INTEL_BODY_LIMIT, intelRoutes } from './routes/intel.js';
import { uiRoutes } from './static-ui.js';
import { parseToken, bearerToken } from './tokens.js';

export const API_VERSION = '0.1.0';

export interface ServerDeps {
  store: ControlPlaneStore;
  /** The clock for audit records, token and fragment times (default: the system clock). */
  now?: () => Date;
  /** Largest accepted body in bytes (default 1 MiB); larger bodies get a 413 problem. */
  bodyLimit?: number;
  /** Largest feed accepted by POST /v1/intel/{source}, in bytes (default 64 MiB; feeds are big). */
  intelBodyLimit?: number;
  /** Called after an HTTP intel import changed a current snapshot (`tessera serve` pokes its loop). */
  onIntelImported?: (snapshot: FeedSnapshot) => void;
  /** Requests per token and address (per address without a token) per window; `false` turns limiting off. */
  rateLimit?: { max: number; timeWindowMs: number } | false;
  /** How long a verified token is trusted before its row is read again (default 1 s; no scrypt then). */
  tokenRecheckMs?: number;
  /** Compiled policy sets kept for `/v1/authorize` (default 256). */
  policyCacheSize?: number;
  /**
   * Which `/v1/authorize` decisions go into the audit log: denied ones, and a share (0–1) of allowed
   * ones. Off by default: each record is a write to the hash-chained log, which a decision path
   * serving thousands of requests a second may not want to pay on every call.
   */
  auditDecisions?: { denied: boolean; allowedSample: number };
  /**
   * Server-side context providers (network zones, devices, sensitivity, workload posture, local
   * time): `/v1/authorize` requests are enriched with the derived `tessera:` keys before they are
   * decided, with `aws:CurrentTime` from the clock when the caller sent none.
   */
  contextEnricher?: ContextEnricher;
  /** Where this node's adaptation loop announces stored events, for long polls at GET /v1/events (default: an empty bus). */
  events?: EventBus;
  /** Runs the adaptation loop's evaluation for POST /v1/monitor/evaluations (default none: that route answers 409). */
  monitor?: MonitorRunner;
  /** How often a streamed evaluation says it is still running (default 15 s). */
  monitorHeartbeatMs?: number;
  /** Fastify's logger option (default off; `tessera serve` turns it on). */
  logger?: FastifyServerOptions['logger'];
  /** The built web UI served at `/` (default web/dist; `false` serves none). */
  uiDir?: string | false;
}

/** Generous: a benchmark on loopback sends tens of thousands of requests a second with one token. */
export const DEFAULT_RATE_LIMIT = { max: 2_000_000, timeWindowMs: 60_000 };
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

// Fastify's default Ajv removes unknown properties silently and coerces types in bodies; the API
// refuses both in bodies (an unknown field is a 400), and coerces only where text is all there is.
const STRICT: AjvOptions = { allErrors: true, strict: false, removeAdditional: false, useDefaults: true, coerceTypes: false };
const COERCING: AjvOptions = { ...STRICT, coerceTypes: 'array' };

export async function buildServer(deps: ServerDeps): Promise<App> {
  const now = deps.now ?? (() => new Date());
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: deps.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Ids arrive in paths; Fastify's default limit (100) would 404 some legitimate ones.
    routerOptions: { maxParamLength: 256 },
    // While `close` drains the requests in flight, new ones get a 503 rather than a hang.
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Every body is JSON: without Fastify's text/plain parser, other media types get a 415 problem.
  app.removeContentTypeParser('text/plain');
  const strict = new Ajv(STRICT);
  const coercing = new Ajv(COERCING);
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));

  const audit = new AuditTrail(deps.store, now);
  const ctx: ServerContext = {
    store: deps.store,
    access: new AccessControl(audit),
    audit,
    verifier: new TokenVerifier(deps.store.tokens, () => now().getTime(), { recheckMs: deps.tokenRecheckMs }),
    policies: new PolicyCache(deps.policyCacheSize),
    principals: new PrincipalPolicies(deps.store.policies, { clock: () => now().getTime() }),
    now,
    auditDecisions: deps.auditDecisions ?? { denied: false, allowedSample: 0 },
    contextEnricher: deps.contextEnricher,
  };

  app.setErrorHandler((error, req, reply) => {
    const { problem, internal } = mapError(error);
    if (internal) req.log.error({ err: error }, 'request failed');
    void reply.status(problem.status).headers(problem.headers).type(PROBLEM_CONTENT_TYPE).send(toProblem(problem, req.url.split('?')[0] ?? req.url));
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).type(PROBLEM_CONTENT_TYPE).send(toProblem(new ProblemError(404, 'server/no-route', `no route for ${req.method} ${req.url.split('?')[0]}`), req.url.split('?')[0] ?? ''));
  });

  const limit = deps.rateLimit ?? DEFAULT_RATE_LIMIT;
  if (limit !== false) {
    await app.register(rateLimit, {
      max: limit.max,
      timeWindow: limit.timeWindowMs,
      // Runs before authentication, so the token is unverified here: keyed by its id *and* the
      // address, one noisy service does not starve the others, guessing a token's secret is
      // limited, and nobody elsewhere can use up a token's budget by sending its (public) id.
      keyGenerator: (req) => {
        const id = parseToken(bearerToken(req.headers.authorization) ?? '')?.id;
        return id === undefined ? req.ip : `${id}@${req.ip}`;
      },
      errorResponseBuilder: (_req, c) => new ProblemError(429, 'server/rate-limited', `at most ${c.max} requests per ${c.after} for this token; retry later`, undefined, { 'retry-after': String(Math.ceil(c.ttl / 1000)) }),
    });
  }

  // Authentication and authorization are attached to each route as it is registered, after the
  // rate limiter's hook (its plugin registered its onRoute hook first), so a flood of bad tokens is
  // limited before anyone pays scrypt. A route must be public or declare its checks.
  const routes: RouteRecord[] = [];
  const authenticate: onRequestHookHandler = async (req) => {
    req.caller = await ctx.verifier.authenticate(req.headers.authorization);
  };
  app.addHook('onRoute', (route) => {
    routes.push(...routeRecord(route));
    const config = route.config as FastifyContextConfig | undefined;
    if (config?.public === true) return;
    const rule = config?.access;
    if (rule === undefined) throw new Error(`route ${route.method} ${route.url} declares neither \`access\` nor \`public\``);
    const authorize: preHandlerHookHandler = async (req) => {
      if (req.caller === undefined) throw new ProblemError(401, 'server/unauthorized', 'this route needs a token');
      await ctx.access.require(req.caller, await rule(req));
    };
    route.onRequest = [...hookList(route.onRequest), authenticate];
    route.preHandler = [...hookList(route.preHandler), authorize];
  });

  healthRoutes(app, ctx);
  authorizeRoutes(app, ctx);
  fragmentRoutes(app, ctx);
  policyRoutes(app, ctx);
  adminRoutes(app, ctx);
  artifactRoutes(app, ctx);
  eventRoutes(app, ctx, deps.events ?? new EventBus());
  monitorRoutes(app, ctx, deps.monitor, deps.monitorHeartbeatMs);
  intelRoutes(app, ctx, { bodyLimit: deps.intelBodyLimit ?? DEFAULT_INTEL_BODY_LIMIT, ...(deps.onIntelImported !== undefined ? { onImported: deps.onIntelImported } : {}) });
  if (deps.uiDir !== false) uiRoutes(app, deps.uiDir);
  app.get('/openapi.json', { config: { public: true }, schema: { summary: 'this OpenAPI document' } }, async () => openApiDocument(routes, { title: 'Tessera control plane', version: API_VERSION }));
  return app;
}

/** A route's hooks option as a list (Fastify takes one function or an array). */
function hookList<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}

export interface StartedServer {
  app: App;
  /** `http://host:port` as bound (port 0 resolves to the real one). */
  url: string;
  /** Stops accepting, waits for requests in flight, then closes the store. */
  close(): Promise<void>;
}

export async function startServer(deps: ServerDeps & { host?: string; port?: number }): Promise<StartedServer> {
  const app = await buildServer(deps);
  await app.listen({ host: deps.host ?? '127.0.0.1', port: deps.port ?? 8750 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : deps.port;
  const host = deps.host ?? '127.0.0.1';
  let closing: Promise<void> | undefined;
  return {
    app,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () => (closing ??= (async () => {
      await app.close();
      await deps.store.close();
    })()),
  };
}
