/**
 * GET /v1/events?after=SEQ&limit=N[&wait=S]: the adaptation loop's events, read from the store
 * (store.events), so every node serves the same list and a restart keeps it. With `wait`, a reader
 * that is caught up is held until this node's bus announces a new event (the leader's loop
 * publishes there after storing) or the wait ends, then reads the store again; on a follower the
 * wait simply runs out, and the next poll sees what the leader stored.
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
    let items = await ctx.store.events.list(after, limit);
    if (items.length === 0 && (req.query.wait ?? 0) > 0) {
      await nextAnnouncement(bus, (req.query.wait ?? 0) * 1000, reply.raw, held);
      items = await ctx.store.events.list(after, limit);
    }
    const last = items.at(-1);
    return { items, head: await ctx.store.events.head(), next: items.length === limit && last !== undefined ? `/v1/events?after=${last.seq}&limit=${limit}` : null };
  });
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
