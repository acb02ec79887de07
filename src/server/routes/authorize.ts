/**
 * `POST /v1/authorize` and `/v1/authorize/batch`: decisions on the caller's scenario, with the
 * explanation the embedding API gives. Policy sets are compiled once per distinct set (PolicyCache).
 * A request without `policies` (single, or a batch without them) is decided against its
 * principal's assigned policies (principal-policies.ts); a principal with none is denied
 * implicitly, like an empty set.
 */
import type { FastifyRequest } from 'fastify';
import type { AuthorizationRequest, Authorizer, Decision, PolicySetInput } from '../../policy/index.js';
import { callerOf, wire, type App, type ServerContext } from '../context.js';
import { ProblemError } from '../problem.js';
import { trn } from '../resources.js';
import { BatchBody, BatchResult, Decision as DecisionSchema, Scenario } from '../schemas/authorize.js';
import { parseAuthorizeBodies } from './authorize-body.js';

const ACCESS = { action: 'tessera:Authorize', resource: trn.authorizer } as const;
const NO_POLICIES: PolicySetInput = { identity: [] };

export function authorizeRoutes(root: App, ctx: ServerContext): void {
  // A scope of their own: their JSON bodies go through the parser that recognises a policy set
  // compiled before by its text (authorize-body.ts).
  void root.register(async (app: App) => routes(app, ctx));
}

function routes(app: App, ctx: ServerContext): void {
  const bodies = parseAuthorizeBodies(app, ctx.policies);

  /** Audits the decisions the server is configured to keep (ServerDeps.auditDecisions). */
  const record = async (actor: string, pairs: readonly (readonly [AuthorizationRequest, Decision])[]) => {
    const { denied, allowedSample } = ctx.auditDecisions;
    if (!denied && allowedSample <= 0) return;
    // Queued together, so that a batch's records share group commits (AuditTrail.record).
    const kept: Promise<void>[] = [];
    for (const [request, d] of pairs) {
      const keep = d.decision === 'Allow' ? allowedSample > 0 && Math.random() < allowedSample : denied;
      if (!keep) continue;
      kept.push(ctx.audit.record(actor, 'tessera:Authorize', trn.authorizer, d.decision === 'Allow' ? 'allowed' : 'denied', {
        principal: request.principal, action: request.action, resource: request.resource, decision: d.decision, summary: d.summary,
      }));
    }
    await Promise.all(kept);
  };

  /** The request's policy set compiled: found by the body parser, or looked up (and cached under the client's text). */
  const compiled = (req: FastifyRequest, policies: PolicySetInput): Authorizer => {
    const c = bodies.compiledFor(req) ?? ctx.policies.get(policies, bodies.policiesTextOf(req));
    if (c.authorizer === undefined) throw new ProblemError(400, 'server/invalid-policies', 'the policy set has errors; see `errors`', c.diagnostics.filter((d) => d.severity === 'error'));
    return c.authorizer;
  };

  const authorizerFor = async (req: FastifyRequest, principal: string, policies: PolicySetInput | undefined): Promise<Authorizer> => {
    if (policies !== undefined) return compiled(req, policies);
    const assigned = await ctx.principals.get(principal, ctx.policies);
    if (assigned.compiled === undefined) return emptySet();
    if (assigned.compiled.authorizer === undefined) {
      throw new ProblemError(409, 'server/invalid-assigned-policies', `the policies assigned to \`${principal}\` (${assigned.policies.join(', ')}) have errors; see \`errors\``, assigned.compiled.diagnostics.filter((d) => d.severity === 'error'));
    }
    return assigned.compiled.authorizer;
  };

  const emptySet = (): Authorizer => {
    const c = ctx.policies.get(NO_POLICIES);
    if (c.authorizer === undefined) throw new Error('internal: the empty policy set does not compile');
    return c.authorizer;
  };

  /** The request as decided: with the server's derived context keys when providers are configured. */
  const prepare = (r: AuthorizationRequest): AuthorizationRequest => {
    const enricher = ctx.contextEnricher;
    if (enricher === undefined) return r;
    const context = r.context?.['aws:CurrentTime'] === undefined ? { ...r.context, 'aws:CurrentTime': ctx.now().toISOString() } : r.context;
    return enricher.enrich({ ...r, context }).request;
  };

  app.post('/v1/authorize', {
    config: { access: () => [ACCESS] },
    schema: { summary: 'decide one request against a policy set', 'x-tessera-action': ACCESS.action, body: Scenario, response: { 200: DecisionSchema } },
  }, async (req) => {
    const d = (await authorizerFor(req, req.body.request.principal, req.body.policies as PolicySetInput | undefined)).authorize(prepare(req.body.request));
    await record(callerOf(req).principal, [[req.body.request, d]]);
    return wire(d);
  });

  app.post('/v1/authorize/batch', {
    config: { access: () => [ACCESS] },
    schema: { summary: 'decide up to 1,000 requests against one policy set, or each against its principal\'s assigned policies when `policies` is absent', 'x-tessera-action': ACCESS.action, body: BatchBody, response: { 200: BatchResult } },
  }, async (req) => {
    const policies = req.body.policies as PolicySetInput | undefined;
    let decisions: Decision[];
    if (policies !== undefined) {
      const authorizer = compiled(req, policies);
      decisions = req.body.requests.map((r) => authorizer.authorize(prepare(r)));
    } else {
      // Each principal's set is looked up once per batch (and is cached across batches).
      const byPrincipal = new Map<string, Authorizer>();
      decisions = [];
      for (const r of req.body.requests) {
        let authorizer = byPrincipal.get(r.principal);
        if (authorizer === undefined) byPrincipal.set(r.principal, (authorizer = await authorizerFor(req, r.principal, undefined)));
        decisions.push(authorizer.authorize(prepare(r)));
      }
    }
    await record(callerOf(req).principal, req.body.requests.map((r, i) => [r, decisions[i] as Decision] as const));
    return { decisions: decisions.map(wire) };
  });
}
