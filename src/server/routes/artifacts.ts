/**
 * What the adaptation loop works from and produces (issue 8): app profiles and environments
 * (named documents, each PUT a new revision), a deployment's risk profiles, and plans and images
 * by digest. Plans, images and risk profiles are written by the loop, so the API only reads them.
 *
 * A named document's ETag is `"<kind>/<name>@<revision>"`. A PUT that would replace an existing
 * document needs `If-Match` with the latest revision's ETag (428 without, 412 when another
 * revision came first); a PUT without `If-Match` creates the document only if it is still absent.
 * The store checks the revision and writes in one transaction, so two editors cannot both win.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DeploymentNotFoundError, type NamedDocumentKind, type NamedDocumentRevision } from '../../store/index.js';
import { callerOf, wire, type App, type ServerContext } from '../context.js';
import { ProblemError } from '../problem.js';
import { trn, type TesseraAction } from '../resources.js';
import { IdParams } from '../schemas/common.js';
import { IfMatchHeaders, IfNoneMatchHeaders, NotModified } from '../schemas/fragments.js';
import { DigestParams, Image, NamedDocument, NamedDocumentBody, NamedDocumentQuery, NameParams, Plan, RiskProfilePage, RiskProfileQuery } from '../schemas/artifacts.js';

export const namedDocumentEtag = (d: { kind: string; name: string; revision: number }): string => `"${d.kind}/${d.name}@${d.revision}"`;

/** The revision an `If-Match` value pins for the document, or undefined when it names another document or is malformed. */
export function pinnedRevision(ifMatch: string, kind: NamedDocumentKind, name: string): number | undefined {
  const m = /^(?:W\/)?"([a-z]+)\/(.*)@(\d+)"$/.exec(ifMatch.trim());
  if (m === null || m[1] !== kind || m[2] !== name) return undefined;
  const n = Number(m[3]);
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

const KINDS: readonly { kind: NamedDocumentKind; path: string; label: string; get: TesseraAction; put: TesseraAction; resource: (name: string) => string }[] = [
  { kind: 'app', path: '/v1/apps/:name', label: 'app profile', get: 'tessera:GetApp', put: 'tessera:PutApp', resource: trn.app },
  { kind: 'environment', path: '/v1/environments/:name', label: 'environment', get: 'tessera:GetEnvironment', put: 'tessera:PutEnvironment', resource: trn.environment },
];

const nameOf = (req: FastifyRequest) => (req.params as { name: string }).name;
const digestOf = (req: FastifyRequest) => (req.params as { digest: string }).digest;

function sendDocument(reply: FastifyReply, d: NamedDocumentRevision, status = 200) {
  void reply.status(status).header('etag', namedDocumentEtag(d));
  // Put through this API as objects; the store keeps JSON values.
  return wire({ ...d, document: d.document as Record<string, unknown> });
}

export function artifactRoutes(app: App, ctx: ServerContext): void {
  const artifacts = ctx.store.artifacts;
  for (const k of KINDS) namedDocumentRoutes(app, ctx, k);

  app.get('/v1/plans/:digest', {
    config: { access: (req) => [{ action: 'tessera:GetPlan', resource: trn.plan(digestOf(req)) }] },
    schema: { summary: 'a plan by its digest, with the deployment and risk profile it was made for', 'x-tessera-action': 'tessera:GetPlan', params: DigestParams, response: { 200: Plan } },
  }, async (req) => {
    const p = await artifacts.getPlan(req.params.digest);
    if (p === undefined) throw new ProblemError(404, 'server/plan-not-found', `no plan \`${req.params.digest}\``);
    return p;
  });

  app.get('/v1/images/:digest', {
    config: { access: (req) => [{ action: 'tessera:GetImage', resource: trn.image(digestOf(req)) }] },
    schema: { summary: 'an image by its manifest digest: its plan, layers, size, SBOMs and provenance', 'x-tessera-action': 'tessera:GetImage', params: DigestParams, response: { 200: Image } },
  }, async (req) => {
    const i = await artifacts.getImage(req.params.digest);
    if (i === undefined) throw new ProblemError(404, 'server/image-not-found', `no image \`${req.params.digest}\``);
    return wire(i);
  });

  app.get('/v1/deployments/:id/risk-profiles', {
    config: { access: (req) => [{ action: 'tessera:ListRiskProfiles', resource: trn.deployment((req.params as { id: string }).id) }] },
    schema: { summary: 'the assessments of a deployment after a sequence number, oldest first', 'x-tessera-action': 'tessera:ListRiskProfiles', params: IdParams, querystring: RiskProfileQuery, response: { 200: RiskProfilePage } },
  }, async (req) => {
    const { id } = req.params;
    if ((await ctx.store.deployments.getDeployment(id)) === undefined) throw new DeploymentNotFoundError(id);
    const limit = req.query.limit ?? 100;
    const items = await artifacts.riskProfiles(id, req.query.after ?? 0, limit);
    const last = items.at(-1);
    return { items, next: items.length === limit && last !== undefined ? `/v1/deployments/${encodeURIComponent(id)}/risk-profiles?after=${last.seq}&limit=${limit}` : null };
  });
}

function namedDocumentRoutes(app: App, ctx: ServerContext, k: (typeof KINDS)[number]): void {
  const artifacts = ctx.store.artifacts;
  const notFound = (name: string, revision?: number) => new ProblemError(404, `server/${k.kind}-not-found`, `no ${k.label} \`${name}\`${revision === undefined ? '' : ` revision ${revision}`}`);

  app.get(k.path, {
    config: { access: (req) => [{ action: k.get, resource: k.resource(nameOf(req)) }] },
    schema: {
      summary: `an ${k.label}: the latest revision, or \`?revision=\`; \`If-None-Match\` with the current ETag gives 304`,
      'x-tessera-action': k.get, params: NameParams, querystring: NamedDocumentQuery, headers: IfNoneMatchHeaders, response: { 200: NamedDocument, 304: NotModified },
    },
  }, async (req, reply) => {
    const d = await artifacts.getDocument(k.kind, req.params.name, req.query.revision);
    if (d === undefined) throw notFound(req.params.name, req.query.revision);
    if (req.headers['if-none-match']?.split(',').some((t) => t.trim() === namedDocumentEtag(d))) return reply.status(304).header('etag', namedDocumentEtag(d)).send(null);
    return sendDocument(reply, d);
  });

  app.put(k.path, {
    config: { access: (req) => [{ action: k.put, resource: k.resource(nameOf(req)) }] },
    schema: {
      summary: `put the next revision of an ${k.label}; replacing one needs \`If-Match\` with its ETag`,
      'x-tessera-action': k.put, params: NameParams, headers: IfMatchHeaders, body: NamedDocumentBody, response: { 200: NamedDocument, 201: NamedDocument },
    },
  }, async (req, reply) => {
    const caller = callerOf(req);
    const { name } = req.params;
    const ifMatch = req.headers['if-match'];
    let expected: number | null = null;
    if (ifMatch === undefined) {
      const current = await artifacts.getDocument(k.kind, name);
      if (current !== undefined) throw new ProblemError(428, 'server/if-match-required', `send \`If-Match\` with the ${k.label}'s ETag (GET it first) so that a concurrent change is not overwritten`);
    } else {
      const pinned = pinnedRevision(ifMatch, k.kind, name);
      if (pinned === undefined) throw new ProblemError(412, 'server/etag-mismatch', `\`If-Match: ${ifMatch}\` is not an ETag of ${k.kind} \`${name}\``);
      expected = pinned;
    }
    const d = await ctx.audit.change(async (tx, note) => {
      const d = await tx.artifacts.putDocument(k.kind, name, req.body.document, { by: caller.principal, at: ctx.now().toISOString() }, expected);
      note(caller.principal, k.put, k.resource(name), { revision: d.revision });
      return d;
    });
    return sendDocument(reply, d, d.revision === 1 ? 201 : 200);
  });
}
