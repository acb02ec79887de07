/**
 * Fragment routes. The request schema checks the shape of a fragment definition; the fragment
 * validator (src/fragments) then checks its meaning (ids, parameters, slots, the IAM statements)
 * and its diagnostics become the 400 problem's `errors`.
 */
import { Type } from 'typebox';
import { Id, Obj, OpenObject } from './common.js';

export const STATUSES = ['draft', 'in-review', 'approved', 'rejected', 'deprecated', 'archived'] as const;

const Status = Type.Union([
  Type.Literal('draft'), Type.Literal('in-review'), Type.Literal('approved'), Type.Literal('rejected'), Type.Literal('deprecated'), Type.Literal('archived'),
]);

export const FragmentContent = Obj(
  {
    id: Type.String({ minLength: 1, maxLength: 128 }),
    title: Type.String({ maxLength: 500 }),
    description: Type.String({ maxLength: 10_000 }),
    resourceType: Type.String({ maxLength: 200 }),
    owner: Type.String({ maxLength: 200 }),
    tags: Type.Array(Type.String({ maxLength: 200 }), { maxItems: 100 }),
    risk: Type.Number(),
    parameters: Type.Optional(Type.Record(Type.String(), OpenObject)),
    requiredConditions: Type.Optional(Type.Array(OpenObject)),
    statements: Type.Array(OpenObject, { maxItems: 500 }),
    signature: OpenObject,
  },
  'a fragment definition, as in catalog/fragments/*.json',
);

const StatusChange = Obj({ from: Status, to: Status, at: Type.String(), by: Type.String(), comment: Type.Optional(Type.String()) });

export const FragmentVersion = Obj({
  id: Type.String(),
  version: Type.Integer(),
  hash: Type.String(),
  status: Status,
  content: FragmentContent,
  createdAt: Type.String(),
  createdBy: Type.String(),
  history: Type.Array(StatusChange),
  actions: Type.Array(Type.String()),
});

export const VersionSummary = Obj({ version: Type.Integer(), status: Status, hash: Type.String(), createdAt: Type.String(), createdBy: Type.String() });

export const FragmentOverview = Obj({ id: Type.String(), latest: FragmentVersion, versions: Type.Array(VersionSummary) });

export const MAX_PAGE = 500;

export const SearchQuery = Obj({
  resourceType: Type.Optional(Type.String({ maxLength: 200 })),
  action: Type.Optional(Type.String({ maxLength: 256 })),
  effect: Type.Optional(Type.Union([Type.Literal('Allow'), Type.Literal('Deny')])),
  tag: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 20, description: 'repeat for several tags; all must be present' })),
  minRisk: Type.Optional(Type.Number()),
  maxRisk: Type.Optional(Type.Number()),
  status: Type.Optional(Type.Array(Status, { maxItems: 6 })),
  text: Type.Optional(Type.String({ maxLength: 256 })),
  latestOnly: Type.Optional(Type.Boolean()),
  limit: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_PAGE, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});

export const SearchResult = Obj({
  items: Type.Array(FragmentVersion),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
  next: Type.Union([Type.String(), Type.Null()], { description: 'the URL of the next page, null on the last' }),
});

export const VersionParams = Obj({ id: Id, version: Type.Integer({ minimum: 1 }) });

export const TransitionBody = Obj({
  action: Type.Union([Type.Literal('submit'), Type.Literal('approve'), Type.Literal('reject'), Type.Literal('deprecate'), Type.Literal('archive')]),
  comment: Type.Optional(Type.String({ maxLength: 2000 })),
});

/** Headers are open: clients send many; this names the one the route reads. */
export const IfMatchHeaders = Type.Object({ 'if-match': Type.Optional(Type.String({ description: 'the version\'s ETag; required' })) });

export const IfNoneMatchHeaders = Type.Object({ 'if-none-match': Type.Optional(Type.String({ description: 'an ETag the client holds' })) });

export const NotModified = Type.Null({ description: 'the version is unchanged since the ETag given' });
