/**
 * What the route modules share: the store, the access layer, the audit trail and the clock, and
 * the Fastify type of the app with the TypeBox type provider and Tessera's route config.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ContextEnricher } from '../context/index.js';
import type { ControlPlaneStore } from '../store/index.js';
import type { AccessCheck, AccessControl } from './access.js';
import type { AuditTrail } from './audit-trail.js';
import type { Caller, TokenVerifier } from './authn.js';
import type { PolicyCache } from './policy-cache.js';
import type { PrincipalPolicies } from './principal-policies.js';
import { ProblemError } from './problem.js';

/** The checks a request must pass, computed from its params and body (after schema validation). */
export type AccessRule = (req: FastifyRequest) => AccessCheck[] | Promise<AccessCheck[]>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Every authenticated route declares its checks; the preHandler in server.ts enforces them. */
    access?: AccessRule;
    /** No token needed (health, readiness, the OpenAPI document). */
    public?: boolean;
  }
  interface FastifyRequest {
    caller?: Caller;
  }
  /** What the OpenAPI document (openapi.ts) reads from a route's schema besides the JSON Schemas. */
  interface FastifySchema {
    summary?: string;
    /** The Tessera action(s) the route is authorized by. */
    'x-tessera-action'?: string;
    /** The request body's OpenAPI `content` map, for a route whose body is not JSON (a feed file). */
    'x-tessera-request-body'?: Record<string, unknown>;
  }
}

export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface ServerContext {
  readonly store: ControlPlaneStore;
  readonly access: AccessControl;
  readonly audit: AuditTrail;
  readonly verifier: TokenVerifier;
  readonly policies: PolicyCache;
  /** Policy sets assembled from principals' assignments, for `/v1/authorize` without policies. */
  readonly principals: PrincipalPolicies;
  readonly now: () => Date;
  readonly auditDecisions: { readonly denied: boolean; readonly allowedSample: number };
  readonly contextEnricher?: ContextEnricher;
}

/** The authenticated caller; only routes without `public` reach their handler, and those have one. */
export function callerOf(req: FastifyRequest): Caller {
  if (req.caller === undefined) throw new ProblemError(401, 'server/unauthorized', 'this route needs a token');
  return req.caller;
}

type Mutable<T> = T extends readonly (infer U)[] ? Mutable<U>[] : T extends object ? { -readonly [K in keyof T]: Mutable<T[K]> } : T;

/**
 * The engines' results are deeply readonly; response types inferred from the schemas are not.
 * The value is sent as is (serialized, never changed), so only the type is adjusted.
 */
export const wire = <T>(value: T): Mutable<T> => value as Mutable<T>;
