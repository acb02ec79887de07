/**
 * GET /v1/events?after=SEQ: the adaptation loop's events on this node (rebuilds, failures), read
 * by polling with the last seq seen. Events live in memory (monitor/EventBus); the audit log is
 * the durable record of every rebuild.
 */
import type { EventBus } from '../../monitor/index.js';
import type { App } from '../context.js';
import { trn } from '../resources.js';
import { EventPage, EventsQuery } from '../schemas/events.js';

export function eventRoutes(app: App, events: EventBus): void {
  app.get('/v1/events', {
    config: { access: () => [{ action: 'tessera:ReadEvents', resource: trn.events }] },
    schema: { summary: 'adaptation-loop events after a sequence number, oldest first', 'x-tessera-action': 'tessera:ReadEvents', querystring: EventsQuery, response: { 200: EventPage } },
  }, async (req) => {
    const limit = req.query.limit ?? 100;
    const items = events.after(req.query.after ?? 0, limit);
    const last = items.at(-1);
    return { items, head: events.head(), next: items.length === limit && last !== undefined ? `/v1/events?after=${last.seq}&limit=${limit}` : null };
  });
}
