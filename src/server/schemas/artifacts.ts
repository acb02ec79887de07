/**
 * App profiles, environments, risk profiles, plans and images. App profiles and environments are
 * open objects here: the risk engine judges them when the loop assesses a deployment, and the
 * store keeps them as given.
 */
import { Type } from 'typebox';
import { AnyJson, Id, Nullable, Obj, OpenObject } from './common.js';

/** `<algorithm>:<hex or token>`, e.g. `sha256:3f9a…`: what the store keys plans and images by. */
export const DigestParams = Obj({ digest: Type.String({ minLength: 3, maxLength: 200, pattern: '^[a-z0-9]+:[A-Za-z0-9._-]+$' }) });

export const NameParams = Obj({ name: Id });

export const NamedDocumentQuery = Obj({ revision: Type.Optional(Type.Integer({ minimum: 1, description: 'default: the latest' })) });

export const NamedDocumentBody = Obj({ document: OpenObject }, 'the app profile or environment, as `tessera risk assess` reads it');

export const NamedDocument = Obj({
  kind: Type.Union([Type.Literal('app'), Type.Literal('environment')]),
  name: Type.String(),
  revision: Type.Integer(),
  document: OpenObject,
  createdAt: Type.String(),
  createdBy: Type.String(),
});

export const RiskProfileQuery = Obj({
  after: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'profiles with a larger seq' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});

export const RiskProfile = Obj({
  deploymentId: Type.String(),
  seq: Type.Integer(),
  at: Type.String(),
  tier: Type.String(),
  score: Type.Number(),
  profile: AnyJson,
  inputsDigest: Type.String(),
});

export const RiskProfilePage = Obj({ items: Type.Array(RiskProfile), next: Nullable(Type.String({ description: 'the URL of the next page, null on the last' })) });

export const Plan = Obj({
  digest: Type.String(),
  plan: AnyJson,
  createdAt: Type.String(),
  deploymentId: Nullable(Type.String()),
  riskProfileSeq: Nullable(Type.Integer()),
});

export const Image = Obj({
  digest: Type.String(),
  planDigest: Type.String(),
  layers: Type.Array(Obj({ digest: Type.String(), size: Type.Integer() })),
  totalSize: Type.Integer(),
  documents: Type.Array(Obj({ kind: Type.String(), mediaType: Type.String(), digest: Type.String(), referrer: Type.String() })),
  createdAt: Type.String(),
});
