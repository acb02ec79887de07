/**
 * Schemas shared by the routes. Every object schema closes itself (`additionalProperties: false`):
 * an unknown field in a request is a 400, and a response never carries a field nobody declared.
 */
import { Type, type TSchema } from 'typebox';

/** A closed object. */
export const Obj = <P extends Parameters<typeof Type.Object>[0]>(properties: P, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description === undefined ? {} : { description }) });

/** Any JSON value (documents the API stores as given: app profiles, audit details, IAM statements). */
export const AnyJson = Type.Unknown({ description: 'any JSON value' });

/** A JSON object with any members. */
export const OpenObject = Type.Record(Type.String(), Type.Unknown());

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.String(),
    code: Type.String({ description: 'stable machine code, e.g. `server/forbidden`, `fragment-store/not-found`' }),
    errors: Type.Optional(Type.Array(Type.Unknown())),
  },
  { additionalProperties: false, description: 'RFC 9457 problem details' },
);

/** Ids of fragments, deployments and tokens: what the stores accept, and nothing a URL must escape. */
export const Id = Type.String({ minLength: 1, maxLength: 128 });

export const IdParams = Obj({ id: Id });

export const Empty = Obj({});

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
