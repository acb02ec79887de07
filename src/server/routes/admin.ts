/** API tokens, the audit log and registered deployments. */
import { resolveDeploymentDocuments } from '../../app/index.js';
import { pagedAuditRecords, verifyChainStream } from '../../audit/index.js';
import type { ApiTokenRecord, Role } from '../../store/index.js';
import { callerOf, wire, type App, type ServerContext } from '../context.js';
import { ProblemError } from '../problem.js';
import { trn } from '../resources.js';
import { AuditPage, AuditQuery, AuditVerification, CreatedToken, CreateTokenBody, Deployment, DeploymentBody, DeploymentList, Lineage, TokenList, WhoAmI } from '../schemas/admin.js';
import { Empty, IdParams } from '../schemas/common.js';
import { newToken } from '../tokens.js';

const AUDIT_PAGE = 1000;
const idOf = (req: { params: unknown }) => (req.params as { id: string }).id;

export function adminRoutes(app: App, ctx: ServerContext): void {
  tokenRoutes(app, ctx);
  auditRoutes(app, ctx);
  deploymentRoutes(app, ctx);
}

function tokenRoutes(app: App, ctx: ServerContext): void {
  app.get('/v1/whoami', {
    config: { access: () => [{ action: 'tessera:GetCallerIdentity', resource: trn.caller }] },
    schema: { summary: 'who the token acts as: principal, role and team', 'x-tessera-action': 'tessera:GetCallerIdentity', response: { 200: WhoAmI } },
  }, async (req) => {
    const { tokenId, principal, role, team } = callerOf(req);
    return { tokenId, principal, role, team };
  });

  app.post('/v1/tokens', {
    config: { access: () => [{ action: 'tessera:ManageTokens', resource: trn.token('*') }] },
    schema: { summary: 'create an API token; the response holds the secret, shown this once', 'x-tessera-action': 'tessera:ManageTokens', body: CreateTokenBody, response: { 201: CreatedToken } },
  }, async (req, reply) => {
    const caller = callerOf(req);
    const { principal, role, team } = req.body;
    if ((role === 'delegated-admin') !== (team !== undefined)) {
      throw new ProblemError(400, 'server/invalid-team', role === 'delegated-admin' ? 'a delegated-admin token needs the `team` it is scoped to' : `a ${role} token is not scoped to a team; leave \`team\` out`);
    }
    const created = await newToken();
    const record: ApiTokenRecord = { id: created.id, principal, role: role as Role, team: team ?? null, secretHash: created.secretHash, createdAt: ctx.now().toISOString(), createdBy: caller.principal, revokedAt: null };
    await ctx.audit.change(async (tx, note) => {
      await tx.tokens.addToken(record);
      note(caller.principal, 'tessera:ManageTokens', trn.token(record.id), { op: 'create', principal, role, team: record.team });
    });
    // The secret is in this body: no cache on the way may keep it.
    void reply.status(201).header('location', `/v1/tokens/${record.id}`).header('cache-control', 'no-store');
    return { id: record.id, token: created.token, principal, role, team: record.team, createdAt: record.createdAt };
  });

  app.get('/v1/tokens', {
    config: { access: () => [{ action: 'tessera:ManageTokens', resource: trn.token('*') }] },
    schema: { summary: 'every token (never a secret or its hash)', 'x-tessera-action': 'tessera:ManageTokens', response: { 200: TokenList } },
  }, async () => ({ items: (await ctx.store.tokens.listTokens()).map(({ secretHash: _hash, ...info }) => info) }));

  app.delete('/v1/tokens/:id', {
    config: { access: (req) => [{ action: 'tessera:ManageTokens', resource: trn.token(idOf(req)) }] },
    schema: { summary: 'revoke a token; it stops working at once on this node', 'x-tessera-action': 'tessera:ManageTokens', params: IdParams, response: { 204: Empty } },
  }, async (req, reply) => {
    const caller = callerOf(req);
    await ctx.audit.change(async (tx, note) => {
      const revoked = await tx.tokens.revokeToken(req.params.id, ctx.now().toISOString());
      if (!revoked) throw new ProblemError(404, 'server/token-not-found', `no active token \`${req.params.id}\``);
      note(caller.principal, 'tessera:ManageTokens', trn.token(req.params.id), { op: 'revoke' });
    });
    // After the commit, so that a verification racing the revocation cannot cache the token again.
    ctx.verifier.forget(req.params.id);
    return reply.status(204).send({});
  });
}

function auditRoutes(app: App, ctx: ServerContext): void {
  app.get('/v1/audit', {
    config: { access: () => [{ action: 'tessera:ReadAudit', resource: trn.audit }] },
    schema: { summary: 'audit records after a sequence number, oldest first', 'x-tessera-action': 'tessera:ReadAudit', querystring: AuditQuery, response: { 200: AuditPage } },
  }, async (req) => {
    const limit = req.query.limit ?? 100;
    const items = await ctx.store.audit.read(req.query.after ?? 0, limit);
    const last = items.at(-1);
    return { items, next: items.length === limit && last !== undefined ? `/v1/audit?after=${last.seq}&limit=${limit}` : null };
  });

  app.get('/v1/audit/verify', {
    config: { access: () => [{ action: 'tessera:ReadAudit', resource: trn.audit }] },
    schema: { summary: 'check the hash chain: any edited, removed or reordered record', 'x-tessera-action': 'tessera:ReadAudit', response: { 200: AuditVerification } },
  }, async () => {
    // The log streams through the verifier a page at a time: memory stays one page and a window, whatever its length.
    return wire(await verifyChainStream(pagedAuditRecords((after, limit) => ctx.store.audit.read(after, limit), AUDIT_PAGE)));
  });
}

function deploymentRoutes(app: App, ctx: ServerContext): void {
  const notFound = (id: string) => new ProblemError(404, 'server/deployment-not-found', `no deployment \`${id}\``);

  app.get('/v1/deployments', {
    config: { access: () => [{ action: 'tessera:ListDeployments', resource: trn.deployments }] },
    schema: { summary: 'every registered deployment, with its current image and risk tier', 'x-tessera-action': 'tessera:ListDeployments', response: { 200: DeploymentList } },
  }, async () => ({ items: await ctx.store.deployments.listDeployments() }));

  app.get('/v1/deployments/:id', {
    config: { access: (req) => [{ action: 'tessera:GetDeployment', resource: trn.deployment(idOf(req)) }] },
    schema: { summary: 'a registered deployment', 'x-tessera-action': 'tessera:GetDeployment', params: IdParams, response: { 200: Deployment } },
  }, async (req) => {
    const d = await ctx.store.deployments.getDeployment(req.params.id);
    if (d === undefined) throw notFound(req.params.id);
    return d;
  });

  app.put('/v1/deployments/:id', {
    config: { access: (req) => [{ action: 'tessera:RegisterDeployment', resource: trn.deployment(idOf(req)) }] },
    schema: { summary: 'register a deployment or replace its app and environment (its image and lineage stay)', 'x-tessera-action': 'tessera:RegisterDeployment', params: IdParams, body: DeploymentBody, response: { 200: Deployment, 201: Deployment } },
  }, async (req, reply) => {
    const caller = callerOf(req);
    const { old, record } = await ctx.audit.change(async (tx, note) => {
      const old = await tx.deployments.getDeployment(req.params.id);
      // `{ref: {name, revision?}}` references a stored app profile or environment (latest without a revision).
      const docs = await resolveDeploymentDocuments(tx.artifacts, req.body.app, req.body.environment);
      if (!docs.ok) throw new ProblemError(422, 'server/document-not-found', docs.message);
      const record = {
        id: req.params.id, app: docs.app, environment: docs.environment,
        imageDigest: old?.imageDigest ?? null, planDigest: old?.planDigest ?? null, riskTier: old?.riskTier ?? null, updatedAt: ctx.now().toISOString(),
        ...(docs.documents !== undefined ? { documents: docs.documents } : {}),
      };
      await tx.deployments.putDeployment(record);
      note(caller.principal, 'tessera:RegisterDeployment', trn.deployment(record.id), { op: old === undefined ? 'register' : 'update' });
      return { old, record };
    });
    void reply.status(old === undefined ? 201 : 200);
    return record;
  });

  app.get('/v1/deployments/:id/lineage', {
    config: { access: (req) => [{ action: 'tessera:GetDeployment', resource: trn.deployment(idOf(req)) }] },
    schema: { summary: 'the images a deployment had, oldest first, with why each replaced the last', 'x-tessera-action': 'tessera:GetDeployment', params: IdParams, response: { 200: Lineage } },
  }, async (req) => {
    if ((await ctx.store.deployments.getDeployment(req.params.id)) === undefined) throw notFound(req.params.id);
    return { items: await ctx.store.deployments.lineage(req.params.id) };
  });
}
