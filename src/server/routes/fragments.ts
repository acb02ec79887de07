/**
 * Fragment routes: search, read, create, add a version, and move a version along the lifecycle
 * with optimistic concurrency. A version's ETag is `"<id>@<version>:<status>"`: the content of a
 * version never changes, only its status, so the status is what an `If-Match` must pin; the
 * store's `expected` status makes the check and the move one transaction.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  FragmentNotFoundError,
  hasFragmentErrors,
  reviewProblem,
  validateFragment,
  type FragmentContent,
  type FragmentQuery,
  type FragmentStatus,
  type FragmentVersion,
  type LifecycleAction,
} from '../../fragments/index.js';
import type { AccessCheck } from '../access.js';
import { callerOf, wire, type App, type ServerContext } from '../context.js';
import { ProblemError } from '../problem.js';
import { trn, type TesseraAction } from '../resources.js';
import { IdParams } from '../schemas/common.js';
import { FragmentContent as ContentSchema, FragmentOverview, FragmentVersion as VersionSchema, IfMatchHeaders, IfNoneMatchHeaders, NotModified, SearchQuery, SearchResult, STATUSES, TransitionBody, VersionParams } from '../schemas/fragments.js';

const TRANSITION_ACTIONS: Readonly<Record<LifecycleAction, TesseraAction>> = {
  submit: 'tessera:SubmitFragment',
  approve: 'tessera:ApproveFragment',
  reject: 'tessera:RejectFragment',
  deprecate: 'tessera:DeprecateFragment',
  archive: 'tessera:ArchiveFragment',
};

export const etagOf = (v: FragmentVersion): string => `"${v.id}@${v.version}:${v.status}"`;

/** The status an `If-Match` value pins for `id@version`, or undefined when it names another version or is malformed. */
export function pinnedStatus(ifMatch: string, id: string, version: number): FragmentStatus | undefined {
  const m = /^(?:W\/)?"([^"@]+)@(\d+):([a-z-]+)"$/.exec(ifMatch.trim());
  if (m === null || m[1] !== id || Number(m[2]) !== version) return undefined;
  return (STATUSES as readonly string[]).includes(m[3] as string) ? (m[3] as FragmentStatus) : undefined;
}

function checkedContent(body: unknown): FragmentContent {
  const r = validateFragment(body);
  if (r.content === undefined || hasFragmentErrors(r.diagnostics)) {
    throw new ProblemError(400, 'server/invalid-fragment', 'the fragment definition has errors; see `errors`', r.diagnostics.filter((d) => d.severity === 'error'));
  }
  return r.content;
}

function sendVersion(reply: FastifyReply, v: FragmentVersion, status = 200) {
  void reply.status(status).header('etag', etagOf(v));
  return wire(v);
}

export function fragmentRoutes(app: App, ctx: ServerContext): void {
  const latest = async (id: string) => (await ctx.store.fragments.versions(id)).at(-1);
  const idOf = (req: FastifyRequest) => (req.params as { id: string }).id;

  app.get('/v1/fragments', {
    config: { access: () => [{ action: 'tessera:ListFragments', resource: trn.fragments }] },
    schema: { summary: 'search fragments; `total` counts every match, `next` links the next page', 'x-tessera-action': 'tessera:ListFragments', querystring: SearchQuery, response: { 200: SearchResult } },
  }, async (req) => {
    const q = req.query;
    const limit = q.limit ?? 50;
    const offset = q.offset ?? 0;
    const query: FragmentQuery = {
      resourceType: q.resourceType, action: q.action, effect: q.effect, tags: q.tag, minRisk: q.minRisk, maxRisk: q.maxRisk,
      status: q.status, text: q.text, latestOnly: q.latestOnly, limit, offset,
    };
    const r = await ctx.store.fragments.search(query);
    let next: string | null = null;
    if (limit > 0 && offset + r.items.length < r.total) {
      const params = new URLSearchParams(req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '');
      params.set('limit', String(limit));
      params.set('offset', String(offset + limit));
      next = `/v1/fragments?${params.toString()}`;
    }
    return { items: wire(r.items), total: r.total, limit, offset, next };
  });

  app.get('/v1/fragments/:id', {
    config: { access: (req) => [{ action: 'tessera:GetFragment', resource: trn.fragment(idOf(req)) }] },
    schema: { summary: 'a fragment: its latest version and every version\'s status', 'x-tessera-action': 'tessera:GetFragment', params: IdParams, response: { 200: FragmentOverview } },
  }, async (req) => {
    const versions = await ctx.store.fragments.versions(req.params.id);
    const last = versions.at(-1);
    if (last === undefined) throw new FragmentNotFoundError(req.params.id);
    return { id: last.id, latest: wire(last), versions: versions.map((v) => ({ version: v.version, status: v.status, hash: v.hash, createdAt: v.createdAt, createdBy: v.createdBy })) };
  });

  app.get('/v1/fragments/:id/versions/:version', {
    config: { access: (req) => [{ action: 'tessera:GetFragment', resource: trn.fragment(idOf(req)) }] },
    schema: { summary: 'one version, with its ETag; `If-None-Match` with the current ETag gives 304', 'x-tessera-action': 'tessera:GetFragment', params: VersionParams, headers: IfNoneMatchHeaders, response: { 200: VersionSchema, 304: NotModified } },
  }, async (req, reply) => {
    const v = await ctx.store.fragments.get(req.params);
    if (v === undefined) throw new FragmentNotFoundError(req.params.id, req.params.version);
    if (req.headers['if-none-match']?.split(',').some((t) => t.trim() === etagOf(v))) return reply.status(304).header('etag', etagOf(v)).send(null);
    return sendVersion(reply, v);
  });

  app.post('/v1/fragments', {
    config: {
      access: (req) => {
        const body = req.body as { id: string; owner: string };
        return [{ action: 'tessera:CreateFragment', resource: trn.fragment(body.id), owner: body.owner }];
      },
    },
    schema: { summary: 'create a fragment (version 1, draft)', 'x-tessera-action': 'tessera:CreateFragment', body: ContentSchema, response: { 201: VersionSchema } },
  }, async (req, reply) => {
    const caller = callerOf(req);
    const content = checkedContent(req.body);
    const v = await ctx.audit.change(async (tx, note) => {
      const v = await tx.fragments.create(content, { by: caller.principal, at: ctx.now().toISOString() });
      note(caller.principal, 'tessera:CreateFragment', trn.fragment(v.id, v.version), { hash: v.hash });
      return v;
    });
    void reply.header('location', `/v1/fragments/${v.id}/versions/${v.version}`);
    return sendVersion(reply, v, 201);
  });

  app.post('/v1/fragments/:id/versions', {
    config: {
      // Both the team that owns the fragment now and the one the new version names must be the caller's.
      access: async (req) => {
        const id = idOf(req);
        const owner = (req.body as { owner: string }).owner;
        const current = (await latest(id))?.content.owner;
        const checks: AccessCheck[] = [{ action: 'tessera:AddFragmentVersion', resource: trn.fragment(id), owner }];
        if (current !== undefined && current !== owner) checks.push({ action: 'tessera:AddFragmentVersion', resource: trn.fragment(id), owner: current });
        return checks;
      },
    },
    schema: { summary: 'add the next version of a fragment (draft)', 'x-tessera-action': 'tessera:AddFragmentVersion', params: IdParams, body: ContentSchema, response: { 201: VersionSchema } },
  }, async (req, reply) => {
    const caller = callerOf(req);
    if (req.body.id !== req.params.id) throw new ProblemError(400, 'server/id-mismatch', `the body's id \`${req.body.id}\` is not the path's \`${req.params.id}\``);
    const content = checkedContent(req.body);
    const v = await ctx.audit.change(async (tx, note) => {
      const v = await tx.fragments.addVersion(content, { by: caller.principal, at: ctx.now().toISOString() });
      note(caller.principal, 'tessera:AddFragmentVersion', trn.fragment(v.id, v.version), { hash: v.hash });
      return v;
    });
    void reply.header('location', `/v1/fragments/${v.id}/versions/${v.version}`);
    return sendVersion(reply, v, 201);
  });

  app.post('/v1/fragments/:id/versions/:version/transitions', {
    config: {
      access: async (req) => {
        const { id, version } = req.params as { id: string; version: number };
        const action = TRANSITION_ACTIONS[(req.body as { action: LifecycleAction }).action];
        const v = await ctx.store.fragments.get({ id, version });
        return [{ action, resource: trn.fragment(id, version), owner: v?.content.owner }];
      },
    },
    schema: {
      summary: 'move a version along the lifecycle; `If-Match` (its ETag) is required',
      'x-tessera-action': Object.values(TRANSITION_ACTIONS).join(' | '),
      params: VersionParams,
      headers: IfMatchHeaders,
      body: TransitionBody,
      response: { 200: VersionSchema },
    },
  }, async (req, reply) => {
    const caller = callerOf(req);
    const { id, version } = req.params;
    const { action, comment } = req.body;
    const resource = trn.fragment(id, version);
    const ifMatch = req.headers['if-match'];
    if (ifMatch === undefined) throw new ProblemError(428, 'server/if-match-required', 'send `If-Match` with the version\'s ETag (GET it first) so that a concurrent change is not overwritten');
    const current = await ctx.store.fragments.get({ id, version });
    if (current === undefined) throw new FragmentNotFoundError(id, version);
    const expected = pinnedStatus(ifMatch, id, version);
    if (expected === undefined) throw new ProblemError(412, 'server/etag-mismatch', `\`If-Match: ${ifMatch}\` is not an ETag of ${id}@${version}; the current one is ${etagOf(current)}`);
    const problem = reviewProblem(current, action, caller.principal);
    if (problem !== undefined) await ctx.access.deny(caller, TRANSITION_ACTIONS[action], resource, `separation of duties: ${problem}`);
    const v = await ctx.audit.change(async (tx, note) => {
      const v = await tx.fragments.transition({ id, version }, action, { by: caller.principal, at: ctx.now().toISOString(), ...(comment === undefined ? {} : { comment }) }, expected);
      note(caller.principal, TRANSITION_ACTIONS[action], resource, { from: current.status, to: v.status, ...(comment === undefined ? {} : { comment }) });
      return v;
    });
    return sendVersion(reply, v);
  });
}
