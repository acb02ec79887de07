/**
 * Boundaries, synthesized policies and assignments. IAM documents are open objects here: the
 * policy parser and the synthesis engine judge their meaning, and their diagnostics become the
 * problem's `errors`.
 */
import { Type } from 'typebox';
import { Id, Obj, OpenObject } from './common.js';

const Status = Type.Union([
  Type.Literal('draft'), Type.Literal('submitted'), Type.Literal('approved'), Type.Literal('rejected'), Type.Literal('active'), Type.Literal('superseded'),
]);
const Team = Type.String({ minLength: 1, maxLength: 200 });
const Comment = Type.String({ maxLength: 2000 });

export const BoundaryBody = Obj(
  {
    document: OpenObject,
    team: Type.Optional(Type.Union([Team, Type.Null()], { description: "the team whose delegated admins may synthesize policies under it; absent or null: only the central admin may" })),
  },
  'the permissions boundary: one IAM policy document, and the team it is for',
);
export const BoundaryQuery = Obj({ version: Type.Optional(Type.Integer({ minimum: 1 })) });

export const Boundary = Obj({
  id: Type.String(),
  version: Type.Integer(),
  document: OpenObject,
  team: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  createdBy: Type.String(),
});

export const BoundaryListQuery = Obj({ team: Type.Optional(Team) });
export const BoundaryList = Obj({
  items: Type.Array(Obj({ id: Type.String(), version: Type.Integer(), team: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String(), createdBy: Type.String() })),
});

const FragmentUse = Obj({
  ref: Type.String({ minLength: 3, maxLength: 200, description: 'a pinned fragment version, `id@version`' }),
  params: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 1000 }))),
});

export const CreatePolicyBody = Obj(
  {
    id: Id,
    team: Team,
    fragments: Type.Array(FragmentUse, { minItems: 1, maxItems: 100 }),
    boundary: Obj({ id: Id, version: Type.Optional(Type.Integer({ minimum: 1, description: 'default: the latest' })) }),
    riskBudget: Type.Optional(Type.Number({ minimum: 0 })),
  },
  'what to synthesize: approved fragment versions with their parameters, under a boundary',
);

const SynthesisInput = Obj({
  fragments: Type.Array(Obj({ ref: Type.String(), params: Type.Record(Type.String(), Type.String()) })),
  boundary: Obj({ id: Type.String(), version: Type.Integer() }),
  riskBudget: Type.Union([Type.Number(), Type.Null()]),
});

const StatusChange = Obj({ from: Status, to: Status, at: Type.String(), by: Type.String(), comment: Type.Optional(Type.String()) });

export const PolicyVersion = Obj({
  id: Type.String(),
  version: Type.Integer(),
  team: Type.String(),
  status: Status,
  request: SynthesisInput,
  documents: Type.Array(OpenObject),
  verdict: Type.Unknown({ description: 'the analysis verdict: containment, findings, risk, the synthesis record' }),
  risk: Type.Number(),
  createdAt: Type.String(),
  createdBy: Type.String(),
  history: Type.Array(StatusChange),
});

export const PolicyOverview = Obj({
  id: Type.String(),
  team: Type.String(),
  active: Type.Union([Type.Integer(), Type.Null()]),
  versions: Type.Array(Obj({ version: Type.Integer(), status: Status, risk: Type.Number(), createdAt: Type.String(), createdBy: Type.String() })),
});

export const PolicyListQuery = Obj({ team: Type.Optional(Team) });

export const PolicyList = Obj({
  items: Type.Array(Obj({
    id: Type.String(),
    team: Type.String(),
    latestVersion: Type.Integer(),
    active: Type.Union([Type.Integer(), Type.Null()]),
    createdAt: Type.String(),
    createdBy: Type.String(),
  })),
});

export const PolicyVersionParams = Obj({ id: Id, version: Type.Integer({ minimum: 1 }) });

export const PolicyTransitionBody = Obj({
  action: Type.Union([Type.Literal('submit'), Type.Literal('approve'), Type.Literal('reject'), Type.Literal('activate')]),
  comment: Type.Optional(Comment),
});

export const PolicyReview = Obj({
  policy: Type.String({ description: '`id@version`' }),
  status: Status,
  against: Type.Union([Type.Integer(), Type.Null()], { description: 'the active version compared with; null when none is active' }),
  added: Type.Array(OpenObject, { description: 'statements this version has and the active one does not' }),
  removed: Type.Array(OpenObject, { description: 'statements the active version has and this one does not' }),
  verdict: Type.Unknown(),
  risk: Type.Number(),
  effective: Type.Unknown({ description: 'effective permissions (this version ∩ its boundary) per service and access level' }),
});

export const PrincipalParams = Obj({ principal: Type.String({ minLength: 1, maxLength: 256 }) });
export const AssignmentBody = Obj({ policies: Type.Array(Id, { maxItems: 100, uniqueItems: true }) });
export const Assignment = Obj({
  principal: Type.String(),
  policies: Type.Array(Type.String()),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
});

export const PolicyPreview = Obj({
  approvable: Type.Boolean({ description: 'whether `POST /v1/policies` with the same body would store a draft' }),
  request: SynthesisInput,
  documents: Type.Array(OpenObject, { description: 'the synthesized documents; empty when refused' }),
  verdict: Type.Unknown({ description: 'the verdict a stored version would carry' }),
  errors: Type.Array(Type.Unknown(), { description: 'why it is refused (the `not-contained` one with its counterexample); empty when approvable' }),
  risk: Type.Number(),
  effective: Type.Unknown({ description: 'effective permissions within the boundary; null when refused' }),
});
