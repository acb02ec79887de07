/**
 * GET /v1/events end to end: events stored through node A's loop sink are listed, paged and
 * long-polled over HTTP. `a` and `b` may be two servers on one database (PostgreSQL: any node
 * serves what the leader stored) or the same server (SQLite). `busA` is node A's bus, the one its
 * server was started with. Each test starts from an empty event list.
 */
import { expect, it } from 'vitest';
import { storedEventSink } from '../../app/index.js';
import type { EventBus } from '../../monitor/index.js';
import type { Harness } from './harness.js';

export function eventSuite(a: () => Harness, b: () => Harness, busA: () => EventBus): void {
  const rebuilt = (deploymentId: string, i: number) => ({ type: 'deployment.rebuilt', at: `2026-11-23T10:00:0${i}Z`, deploymentId, detail: { i, to: `sha256:${String(i).repeat(64)}` } });

  it('lists on one node what the loop stored on the other, page by page', async () => {
    const sink = storedEventSink(a().store.events, busA());
    const base = await a().store.events.head();
    for (let i = 1; i <= 3; i++) await sink.emit(rebuilt('billing', i));
    const first = await b().call('GET', `/v1/events?after=${base}&limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([{ seq: base + 1, ...rebuilt('billing', 1) }, { seq: base + 2, ...rebuilt('billing', 2) }]);
    expect(first.body.head).toBe(base + 3);
    expect(first.body.next).toBe(`/v1/events?after=${base + 2}&limit=2`);
    const second = await b().call('GET', first.body.next as string);
    expect(second.body.items).toEqual([{ seq: base + 3, ...rebuilt('billing', 3) }]);
    expect(second.body.next).toBeNull();
    // Node A serves the same list.
    expect((await a().call('GET', `/v1/events?after=${base}&limit=10`)).body.items).toEqual([...first.body.items, ...second.body.items]);
  });

  it('holds a caught-up reader until the loop stores the next event', async () => {
    const sink = storedEventSink(a().store.events, busA());
    const head = await a().store.events.head();
    const waiting = a().call('GET', `/v1/events?after=${head}&wait=30`);
    // The request is being held: once the server has it, store an event.
    await new Promise((r) => setTimeout(r, 200));
    await sink.emit(rebuilt('ledger', 7));
    const reply = await waiting;
    expect(reply.status).toBe(200);
    expect(reply.body.items).toEqual([{ seq: head + 1, ...rebuilt('ledger', 7) }]);
  });

  it('answers a long poll with nothing when the wait runs out, and rejects a wait over 30 s', async () => {
    const head = await b().store.events.head();
    const reply = await b().call('GET', `/v1/events?after=${head}&wait=1`);
    expect(reply.status).toBe(200);
    expect(reply.body.items).toEqual([]);
    expect((await b().call('GET', '/v1/events?wait=31')).status).toBe(400);
    expect((await b().call('GET', '/v1/events?after=-1')).status).toBe(400);
  });

  it('tells a reader behind pruned events that it missed them, and answers it without waiting', async () => {
    const sink = storedEventSink(a().store.events, busA());
    const base = await a().store.events.head();
    for (let i = 1; i <= 5; i++) await sink.emit(rebuilt('payroll', i));
    expect(await a().store.events.prune({ keepLatest: 2 })).toBe(base + 3);
    const behind = await b().call('GET', `/v1/events?after=${base}&limit=10`);
    expect(behind.status).toBe(200);
    expect(behind.body.items.map((e: { seq: number }) => e.seq)).toEqual([base + 4, base + 5]);
    expect(behind.body).toMatchObject({ head: base + 5, pruned: true, oldestSeq: base + 4, next: null });
    // A reader that read up to the pruning point missed nothing.
    const current = await b().call('GET', `/v1/events?after=${base + 3}&limit=10`);
    expect(current.body.items.map((e: { seq: number }) => e.seq)).toEqual([base + 4, base + 5]);
    expect(current.body).not.toHaveProperty('pruned');
    expect(current.body).not.toHaveProperty('oldestSeq');
    // Everything pruned: a long poll from behind is answered at once (its wait would outlast the test).
    expect(await a().store.events.prune({ keepLatest: 0 })).toBe(2);
    const none = await b().call('GET', `/v1/events?after=${base + 1}&wait=30`);
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ items: [], head: base + 5, pruned: true, oldestSeq: base + 6 });
    // The OpenAPI document describes the two fields.
    const doc = (await b().call('GET', '/openapi.json', { as: null })).body;
    const schema = doc.paths['/v1/events'].get.responses['200'].content['application/json'].schema;
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['pruned', 'oldestSeq']));
  }, 10_000);
}
