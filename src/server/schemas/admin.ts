/** Tokens, the audit log and deployments. */
import { Type } from 'typebox';
import { AnyJson, Nullable, Obj, OpenObject } from './common.js';

const Role = Type.Union([Type.Literal('central-admin'), Type.Literal('delegated-admin'), Type.Literal('approver'), Type.Literal('auditor'), Type.Literal('service')]);

export const CreateTokenBody = Obj({
  principal: Type.String({ pattern: '^(user|service)/[A-Za-z0-9._@-]{1,100}$', description: '`user/<name>` or `service/<name>`' }),
  role: Role,
  team: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'required for delegated-admin, refused for the other roles' })),
});

export const CreatedToken = Obj({
  id: Type.String(),
  token: Type.String({ description: 'the bearer token; shown once, never again' }),
  principal: Type.String(),
  role: Type.String(),
  team: Nullable(Type.String()),
  createdAt: Type.String(),
});

export const TokenInfo = Obj({
  id: Type.String(),
  principal: Type.String(),
  role: Type.String(),
  team: Nullable(Type.String()),
  createdAt: Type.String(),
  createdBy: Type.String(),
  revokedAt: Nullable(Type.String()),
});

export const TokenList = Obj({ items: Type.Array(TokenInfo) });

export const AuditQuery = Obj({
  after: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'records with a larger seq' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});

export const AuditRecord = Obj({
  seq: Type.Integer(),
  prevHash: Type.String(),
  hash: Type.String(),
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  resource: Type.String(),
  outcome: Type.String(),
  detail: AnyJson,
});

export const AuditPage = Obj({ items: Type.Array(AuditRecord), next: Nullable(Type.String()) });

export const AuditVerification = Obj({
  ok: Type.Boolean(),
  records: Type.Integer({ description: 'records checked' }),
  head: Obj({ seq: Type.Integer(), hash: Type.String() }),
  problems: Type.Array(Obj({ code: Type.String(), seq: Type.Integer(), message: Type.String(), help: Type.String() }), { description: 'every break, the first where the chain first breaks' }),
});

/** Each of app and environment: the document inline, or `{ref: {name, revision?}}` naming a stored one (latest without a revision). */
export const DeploymentBody = Obj({ app: OpenObject, environment: OpenObject });

const DocumentReference = Obj({ name: Type.String(), revision: Type.Integer(), follow: Type.Boolean({ description: 'registered without a revision: moves to each new one' }) });

export const Deployment = Obj({
  id: Type.String(),
  app: AnyJson,
  environment: AnyJson,
  imageDigest: Nullable(Type.String()),
  planDigest: Nullable(Type.String()),
  riskTier: Nullable(Type.String()),
  updatedAt: Type.String(),
  documents: Type.Optional(Obj({
    app: Type.Optional(DocumentReference),
    environment: Type.Optional(DocumentReference),
  }, 'the stored revisions the documents were taken from, for a deployment registered by reference')),
});

export const Lineage = Obj({
  items: Type.Array(
    Obj({
      deploymentId: Type.String(),
      seq: Type.Integer(),
      fromDigest: Nullable(Type.String()),
      toDigest: Type.String(),
      planDigest: Type.String(),
      reasons: Type.Array(AnyJson),
      at: Type.String(),
    }),
  ),
});

export const DeploymentList = Obj({ items: Type.Array(Deployment) });

export const WhoAmI = Obj({
  tokenId: Type.String(),
  principal: Type.String(),
  role: Role,
  team: Nullable(Type.String({ description: 'the team a delegated-admin token is scoped to' })),
});

export const Health = Obj({ status: Type.String() });
