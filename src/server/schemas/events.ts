/** The adaptation loop's events. */
import { Type } from 'typebox';
import { AnyJson, Nullable, Obj } from './common.js';

export const EventsQuery = Obj({
  after: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'events with a larger seq' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  wait: Type.Optional(Type.Integer({ minimum: 0, maximum: 30, default: 0, description: 'seconds to hold a caught-up reader for the next event (long poll)' })),
});

export const EventPage = Obj({
  items: Type.Array(Obj({ seq: Type.Integer(), type: Type.String(), at: Type.String(), deploymentId: Type.String(), detail: AnyJson })),
  /** The newest stored seq (the same on every node sharing the database). */
  head: Type.Integer(),
  next: Nullable(Type.String()),
});
