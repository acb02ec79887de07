/**
 * GET /v1/events?after=SEQ&limit=N[&wait=S]: the adaptation loop's events, read from the store
 * (store.events), so every node serves the same list and a restart keeps it. With `wait`, a reader
 * that is caught up is held until this node's bus announces a new event (the leader's loop
 * publishes there after storing) or the wait ends, then reads the store again; on a follower the
 * wait simply runs out, and the next poll sees what the leader stored.
 *
 * Old events are pruned (`tessera serve --event-retention`), oldest first, and seqs are never
 * reused: a reader whose `after` is below the oldest kept seq gets what remains, marked `pruned`
 * with `oldestSeq`, so that it knows it missed events instead of silently skipping them.
 */
import type { EventBus } from '../../monitor/index.js';
import type { App, ServerContext } from '../context.js';
import { trn } from '../resources.js';
import { EventPage, EventsQuery } from '../schemas/events.js';

export function eventRoutes(app: App, ctx: ServerContext, bus: EventBus): void {
  // Held readers are answered when the server closes, so that shutdown does not wait out their `wait`.
  const held = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const release of [...held]) release();
  });
  app.get('/v1/events', {
    config: { access: () => [{ action: 'tessera:ReadEvents', resource: trn.events }] },
    schema: { summary: 'adaptation-loop events after a sequence number, oldest first', 'x-tessera-action': 'tessera:ReadEvents', querystring: EventsQuery, response: { 200: EventPage } },
  }, async (req, reply) => {
    const limit = req.query.limit ?? 100;
    const after = req.query.after ?? 0;
    // The head before listing: every event up to it was stored before the list was read.
    const headBefore = await ctx.store.events.head();
    let items = await ctx.store.events.list(after, limit);
    // Only a reader that is caught up waits; one behind a pruned stretch is answered at once.
    if (items.length === 0 && after >= headBefore && (req.query.wait ?? 0) > 0) {
      await nextAnnouncement(bus, (req.query.wait ?? 0) * 1000, reply.raw, held);
      items = await ctx.store.events.list(after, limit);
    }
    const last = items.at(-1);
    const page = { items, head: await ctx.store.events.head(), next: items.length === limit && last !== undefined ? `/v1/events?after=${last.seq}&limit=${limit}` : null };
    const oldestSeq = prunedFrom(after, items, headBefore);
    return oldestSeq === undefined ? page : { ...page, pruned: true as const, oldestSeq };
  });
}

/**
 * The oldest kept seq when events after `after` were pruned, else undefined. Seqs are gap-free in
 * commit order and pruning takes the oldest only, so a first item beyond `after + 1` means the ones
 * between are gone; with no items, so are all up to the head read before listing.
 */
function prunedFrom(after: number, items: readonly { seq: number }[], headBefore: number): number | undefined {
  const first = items[0];
  if (first !== undefined) return first.seq > after + 1 ? first.seq : undefined;
  return after < headBefore ? headBefore + 1 : undefined;
}

/** Resolves on the bus's next event, after `ms`, when the client goes away or the server closes, whichever is first. */
function nextAnnouncement(bus: EventBus, ms: number, response: NodeJS.EventEmitter, held: Set<() => void>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      response.off('close', done);
      held.delete(done);
      resolve();
    };
    held.add(done);
    const timer = setTimeout(done, ms);
    const unsubscribe = bus.subscribe(done);
    response.once('close', done);
  });
}
