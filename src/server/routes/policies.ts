/**
 * Synthesized policy routes (issue 8): boundaries, policies synthesized from approved fragments
 * under a boundary, their lifecycle with review, and assignments of policies to principals.
 *
 * A policy is created by running the synthesis engine on the request: only an approvable result
 * (contained in the boundary under every context and, for a delegated admin, in what it holds
 * itself; no escalation path) is stored, as a draft with
 * its verdict; a refusal is a 422 problem carrying the diagnostics and the counterexample. Version
 * ETags are `"<id>@<version>:<status>"` and transitions need `If-Match`, as for fragments.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Analyzer } from '../../policy-analysis/index.js';
import { parsePolicy, type PolicyInput } from '../../policy/index.js';
import { BoundaryNotFoundError, PolicyNotFoundError, POLICY_STATUSES, type PolicyAction, type PolicyStatus, type PolicyVersion } from '../../store/index.js';
import { callerOf, wire, type App, type ServerContext } from '../context.js';
import { policyReviewProblem, statementDiff } from '../policy-review.js';
import { effectiveOf, refusalErrors, reproveWithinDelegator, synthesisAccess, synthesizeFor, type SynthesisBody } from '../policy-synthesis.js';
import { ProblemError } from '../problem.js';
import { trn, type TesseraAction } from '../resources.js';
import { IdParams } from '../schemas/common.js';
import { IfMatchHeaders, IfNoneMatchHeaders, NotModified } from '../schemas/fragments.js';
import {
  Assignment,
  AssignmentBody,
  Boundary,
  BoundaryBody,
  BoundaryList,
  BoundaryListQuery,
  BoundaryQuery,
  CreatePolicyBody,
  PolicyList,
  PolicyListQuery,
  PolicyOverview,
  PolicyPreview,
  PolicyReview,
  PolicyTransitionBody,
  PolicyVersion as VersionSchema,
  PolicyVersionParams,
  PrincipalParams,
} from '../schemas/policies.js';

const TRANSITION_ACTIONS: Readonly<Record<PolicyAction, TesseraAction>> = {
  submit: 'tessera:SubmitPolicy',
  approve: 'tessera:ApprovePolicy',
  reject: 'tessera:RejectPolicy',
  activate: 'tessera:ActivatePolicy',
};

export const policyEtag = (v: PolicyVersion): string => `"${v.id}@${v.version}:${v.status}"`;

/** The status an `If-Match` value pins for `id@version`, or undefined when it names another version or is malformed. */
export function pinnedPolicyStatus(ifMatch: string, id: string, version: number): PolicyStatus | undefined {
  const m = /^(?:W\/)?"([^"@]+)@(\d+):([a-z-]+)"$/.exec(ifMatch.trim());
  if (m === null || m[1] !== id || Number(m[2]) !== version) return undefined;
  return (POLICY_STATUSES as readonly string[]).includes(m[3] as string) ? (m[3] as PolicyStatus) : undefined;
}

function sendVersion(reply: FastifyReply, v: PolicyVersion, status = 200) {
  void reply.status(status).header('etag', policyEtag(v));
  // The store keeps documents as JSON values; they were objects when synthesized.
  return wire({ ...v, documents: v.documents as Record<string, unknown>[] });
}

export function policyRoutes(app: App, ctx: ServerContext): void {
  // One per server: it keeps the automata of the boundaries it has analyzed.
  const analyzer = new Analyzer();
  const policies = ctx.store.policies;
  const version = async (id: string, v: number) => {
    const found = await policies.getPolicyVersion(id, v);
    if (found === undefined) throw new PolicyNotFoundError(id, v);
    return found;
  };

  app.put('/v1/boundaries/:id', {
    config: { access: (req) => [{ action: 'tessera:PutBoundary', resource: trn.boundary((req.params as { id: string }).id) }] },
    schema: { summary: 'put a permissions boundary for a team (a new version when the document or the team changed)', 'x-tessera-action': 'tessera:PutBoundary', params: IdParams, body: BoundaryBody, response: { 200: Boundary } },
  }, async (req) => {
    const caller = callerOf(req);
    const errors = parsePolicy(req.body.document as PolicyInput, { policyType: 'boundary' }).diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) throw new ProblemError(400, 'server/invalid-boundary', 'the boundary document has errors; see `errors`', errors);
    const b = await ctx.audit.change(async (tx, note) => {
      const b = await tx.policies.putBoundary(req.params.id, req.body.document, { by: caller.principal, at: ctx.now().toISOString() }, req.body.team ?? null);
      note(caller.principal, 'tessera:PutBoundary', trn.boundary(b.id), { version: b.version, team: b.team });
      return b;
    });
    ctx.principals.invalidate();
    return wire({ ...b, document: b.document as Record<string, unknown> });
  });

  app.get('/v1/boundaries', {
    config: { access: () => [{ action: 'tessera:ListBoundaries', resource: trn.boundaries }] },
    schema: { summary: 'the latest version of every boundary (of one team with `?team=`), without documents', 'x-tessera-action': 'tessera:ListBoundaries', querystring: BoundaryListQuery, response: { 200: BoundaryList } },
  }, async (req) => ({ items: await policies.listBoundaries(req.query.team) }));

  app.get('/v1/boundaries/:id', {
    config: { access: (req) => [{ action: 'tessera:GetBoundary', resource: trn.boundary((req.params as { id: string }).id) }] },
    schema: { summary: 'a boundary: the latest version, or `?version=`', 'x-tessera-action': 'tessera:GetBoundary', params: IdParams, querystring: BoundaryQuery, response: { 200: Boundary } },
  }, async (req) => {
    const b = await policies.getBoundary(req.params.id, req.query.version);
    if (b === undefined) throw new BoundaryNotFoundError(req.params.id, req.query.version);
    return wire({ ...b, document: b.document as Record<string, unknown> });
  });

  app.post('/v1/policies', {
    config: { access: (req) => synthesisAccess(ctx.store, req) },
    schema: { summary: 'synthesize a new draft version of a policy from approved fragments under a boundary', 'x-tessera-action': 'tessera:CreatePolicy', body: CreatePolicyBody, response: { 201: VersionSchema } },
  }, async (req, reply) => {
    const caller = callerOf(req);
    const body = req.body as SynthesisBody;
    const { request, result, verdict } = await synthesizeFor(ctx.store, analyzer, caller, body);
    if (result.policies === undefined) {
      await ctx.audit.record(caller.principal, 'tessera:CreatePolicy', trn.policy(body.id), 'failed', { codes: result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code) });
      throw new ProblemError(422, 'server/synthesis-refused', 'the fragments cannot be synthesized into an approvable policy; see `errors`', refusalErrors(result));
    }
    const documents = [...result.policies];
    const v = await ctx.audit.change(async (tx, note) => {
      const v = await tx.policies.addPolicyVersion({ id: body.id, team: body.team, request, documents, verdict, risk: result.riskScore }, { by: caller.principal, at: ctx.now().toISOString() });
      note(caller.principal, 'tessera:CreatePolicy', trn.policy(v.id, v.version), { resultHash: result.record?.resultHash ?? null });
      return v;
    });
    void reply.header('location', `/v1/policies/${v.id}/versions/${v.version}`);
    return sendVersion(reply, v, 201);
  });

  app.post('/v1/policies/preview', {
    config: { access: (req) => synthesisAccess(ctx.store, req) },
    schema: {
      summary: 'synthesize as `POST /v1/policies` would, and show the result without storing it: the documents, the verdict, the refusal\'s errors, the effective permissions within the boundary',
      'x-tessera-action': 'tessera:CreatePolicy',
      body: CreatePolicyBody,
      response: { 200: PolicyPreview },
    },
  }, async (req) => {
    const { boundary, request, result, verdict } = await synthesizeFor(ctx.store, analyzer, callerOf(req), req.body as SynthesisBody);
    const documents = [...(result.policies ?? [])];
    return {
      approvable: result.policies !== undefined,
      request,
      documents: documents as Record<string, unknown>[],
      verdict,
      errors: result.policies === undefined ? refusalErrors(result) : [],
      risk: result.riskScore,
      effective: documents.length === 0 ? null : await effectiveOf(documents, boundary.document),
    };
  });

  app.get('/v1/policies', {
    config: { access: () => [{ action: 'tessera:ListPolicies', resource: trn.policies }] },
    schema: { summary: 'every policy (of one team with `?team=`), with its latest and active versions', 'x-tessera-action': 'tessera:ListPolicies', querystring: PolicyListQuery, response: { 200: PolicyList } },
  }, async (req) => ({ items: await policies.listPolicies(req.query.team) }));

  app.get('/v1/policies/:id', {
    config: { access: (req) => [{ action: 'tessera:GetPolicy', resource: trn.policy((req.params as { id: string }).id) }] },
    schema: { summary: 'a policy: its team, active version and every version\'s status', 'x-tessera-action': 'tessera:GetPolicy', params: IdParams, response: { 200: PolicyOverview } },
  }, async (req) => {
    const versions = await policies.policyVersions(req.params.id);
    const first = versions[0];
    if (first === undefined) throw new PolicyNotFoundError(req.params.id);
    return {
      id: first.id,
      team: first.team,
      active: versions.find((v) => v.status === 'active')?.version ?? null,
      versions: versions.map((v) => ({ version: v.version, status: v.status, risk: v.risk, createdAt: v.createdAt, createdBy: v.createdBy })),
    };
  });

  app.get('/v1/policies/:id/versions/:version', {
    config: { access: (req) => [{ action: 'tessera:GetPolicy', resource: trn.policy((req.params as { id: string }).id) }] },
    schema: { summary: 'one version, with its ETag; `If-None-Match` with the current ETag gives 304', 'x-tessera-action': 'tessera:GetPolicy', params: PolicyVersionParams, headers: IfNoneMatchHeaders, response: { 200: VersionSchema, 304: NotModified } },
  }, async (req, reply) => {
    const v = await version(req.params.id, req.params.version);
    if (req.headers['if-none-match']?.split(',').some((t) => t.trim() === policyEtag(v))) return reply.status(304).header('etag', policyEtag(v)).send(null);
    return sendVersion(reply, v);
  });

  app.get('/v1/policies/:id/versions/:version/review', {
    config: { access: (req) => [{ action: 'tessera:GetPolicy', resource: trn.policy((req.params as { id: string }).id) }] },
    schema: { summary: 'what a reviewer sees: statements added and removed against the active version, the verdict, effective permissions and risk', 'x-tessera-action': 'tessera:GetPolicy', params: PolicyVersionParams, response: { 200: PolicyReview } },
  }, async (req) => {
    const v = await version(req.params.id, req.params.version);
    const active = await policies.activeVersion(v.id);
    const diff = statementDiff(v.documents, active?.documents ?? []);
    return {
      policy: `${v.id}@${v.version}`,
      status: v.status,
      against: active?.version ?? null,
      added: diff.added as Record<string, unknown>[],
      removed: diff.removed as Record<string, unknown>[],
      verdict: v.verdict,
      risk: v.risk,
      effective: await effectiveOf(v.documents, await policies.getBoundary(v.request.boundary.id, v.request.boundary.version).then((b) => b?.document)),
    };
  });

  app.post('/v1/policies/:id/versions/:version/transitions', {
    config: {
      access: async (req) => {
        const { id, version: n } = req.params as { id: string; version: number };
        const action = TRANSITION_ACTIONS[(req.body as { action: PolicyAction }).action];
        const v = await policies.getPolicyVersion(id, n);
        return [{ action, resource: trn.policy(id, n), owner: v?.team }];
      },
    },
    schema: {
      summary: 'move a version along the lifecycle (activate supersedes the active version; activating an older one rolls back); `If-Match` is required',
      'x-tessera-action': Object.values(TRANSITION_ACTIONS).join(' | '),
      params: PolicyVersionParams,
      headers: IfMatchHeaders,
      body: PolicyTransitionBody,
      response: { 200: VersionSchema },
    },
  }, async (req, reply) => {
    const caller = callerOf(req);
    const { id, version: n } = req.params;
    const { action, comment } = req.body;
    const resource = trn.policy(id, n);
    const ifMatch = req.headers['if-match'];
    if (ifMatch === undefined) throw new ProblemError(428, 'server/if-match-required', 'send `If-Match` with the version\'s ETag (GET it first) so that a concurrent change is not overwritten');
    const current = await version(id, n);
    const expected = pinnedPolicyStatus(ifMatch, id, n);
    if (expected === undefined) throw new ProblemError(412, 'server/etag-mismatch', `\`If-Match: ${ifMatch}\` is not an ETag of ${id}@${n}; the current one is ${policyEtag(current)}`);
    const problem = policyReviewProblem(current, action, caller.principal);
    if (problem !== undefined) await ctx.access.deny(caller, TRANSITION_ACTIONS[action], resource, `separation of duties: ${problem}`);
    if (action === 'approve') await reproveWithinDelegator(ctx.store, analyzer, current);
    const v = await ctx.audit.change(async (tx, note) => {
      const v = await tx.policies.transition(id, n, action, { by: caller.principal, at: ctx.now().toISOString(), ...(comment === undefined ? {} : { comment }) }, expected);
      note(caller.principal, TRANSITION_ACTIONS[action], resource, { from: current.status, to: v.status, ...(comment === undefined ? {} : { comment }) });
      return v;
    });
    if (action === 'activate') ctx.principals.invalidate();
    return sendVersion(reply, v);
  });

  const principalOf = (req: FastifyRequest) => (req.params as { principal: string }).principal;

  app.put('/v1/assignments/:principal', {
    config: { access: (req) => [{ action: 'tessera:PutAssignment', resource: trn.assignment(principalOf(req)) }] },
    schema: { summary: 'replace the policies assigned to a principal (an empty list removes them)', 'x-tessera-action': 'tessera:PutAssignment', params: PrincipalParams, body: AssignmentBody, response: { 200: Assignment } },
  }, async (req) => {
    const caller = callerOf(req);
    const a = await ctx.audit.change(async (tx, note) => {
      const a = await tx.policies.setAssignment(req.params.principal, req.body.policies, { by: caller.principal, at: ctx.now().toISOString() });
      note(caller.principal, 'tessera:PutAssignment', trn.assignment(a.principal), { policies: a.policyIds });
      return a;
    });
    ctx.principals.invalidate();
    return { principal: a.principal, policies: a.policyIds, updatedAt: a.updatedAt, updatedBy: a.updatedBy };
  });

  app.get('/v1/assignments/:principal', {
    config: { access: (req) => [{ action: 'tessera:GetAssignment', resource: trn.assignment(principalOf(req)) }] },
    schema: { summary: 'the policies assigned to a principal (none: an empty list)', 'x-tessera-action': 'tessera:GetAssignment', params: PrincipalParams, response: { 200: Assignment } },
  }, async (req) => {
    const a = await policies.getAssignment(req.params.principal);
    return { principal: req.params.principal, policies: a?.policyIds ?? [], updatedAt: a?.updatedAt ?? null, updatedBy: a?.updatedBy ?? null };
  });
}
