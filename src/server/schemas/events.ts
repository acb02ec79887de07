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
  /**
   * Present (true) when events after `after` were pruned (`tessera serve --event-retention`): the
   * reader missed them. `items` holds what remains; continue from the last item, or from
   * `oldestSeq - 1` when there is none.
   */
  pruned: Type.Optional(Type.Literal(true, { description: 'events after `after` were removed by retention before this read: the reader missed them' })),
  oldestSeq: Type.Optional(Type.Integer({ minimum: 1, description: 'with `pruned`: the oldest seq still kept (the next to be stored when none are)' })),
});
