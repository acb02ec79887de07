/** `/v1/authorize`: the scenario file's `request` and `policies` (design.md), and the decision. */
import { Type } from 'typebox';
import { Obj, OpenObject } from './common.js';

const PolicyInput = Type.Union([Type.String({ description: 'a policy as JSON text (keeps line numbers in explanations)' }), OpenObject]);
const PolicyInputs = Type.Union([PolicyInput, Type.Array(PolicyInput)]);
const Levels = Type.Array(Type.Array(PolicyInput), { description: 'organization levels, root first' });
const orNull = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));

export const PolicySet = Obj({
  identity: orNull(Type.Array(PolicyInput)),
  boundary: orNull(PolicyInputs),
  session: orNull(PolicyInputs),
  resource: orNull(PolicyInputs),
  scp: orNull(Levels),
  rcp: orNull(Levels),
});

export const AuthorizationRequest = Obj({
  principal: Type.String({ minLength: 1 }),
  action: Type.String({ minLength: 1 }),
  resource: Type.String({ minLength: 1 }),
  resourceAccount: Type.Optional(Type.String({ minLength: 1 })),
  context: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]))),
});

/** Without `policies`, the request's principal is decided against its assigned, active synthesized policies. */
export const Scenario = Obj({ request: AuthorizationRequest, policies: Type.Optional(PolicySet) });

export const MAX_BATCH = 1000;

export const BatchBody = Obj({
  policies: Type.Optional(PolicySet),
  requests: Type.Array(AuthorizationRequest, { minItems: 1, maxItems: MAX_BATCH }),
});

const Location = Obj({ source: Type.Optional(Type.String()), offset: Type.Integer(), length: Type.Integer(), line: Type.Integer(), column: Type.Integer() });

const StatementRef = Obj({
  policyType: Type.String(),
  level: Type.Optional(Type.Integer()),
  policyIndex: Type.Integer(),
  policyName: Type.String(),
  policyId: Type.Optional(Type.String()),
  statementIndex: Type.Integer(),
  sid: Type.Optional(Type.String()),
  effect: Type.Union([Type.Literal('Allow'), Type.Literal('Deny')]),
  location: Type.Optional(Location),
});

export const Decision = Obj({
  decision: Type.Union([Type.Literal('Allow'), Type.Literal('ExplicitDeny'), Type.Literal('ImplicitDeny')]),
  summary: Type.String(),
  decidingStatements: Type.Array(StatementRef),
  implicitDeny: Type.Optional(Obj({ policyType: Type.String(), level: Type.Optional(Type.Integer()), reason: Type.String() })),
  missingContextKeys: Type.Array(Type.String()),
  crossAccount: Type.Boolean(),
  principalAccount: Type.Optional(Type.String()),
  resourceAccount: Type.Optional(Type.String()),
});

export const BatchResult = Obj({ decisions: Type.Array(Decision) });
