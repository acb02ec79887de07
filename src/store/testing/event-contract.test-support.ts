/**
 * The event store contract (the adaptation loop's events, 007-events), passed by the SQLite and
 * PostgreSQL control planes. `open` must give an empty store; `openTwin` a second handle on the
 * same database, standing in for a second node.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlPlaneClosedError, InvalidStoreArgumentError } from '../control-plane-errors.js';
import type { ControlPlaneStore, StoredEventInput } from '../control-plane-port.js';

export interface EventStoreHarness {
  open(): Promise<ControlPlaneStore>;
  openTwin?(): Promise<ControlPlaneStore>;
}

const event = (i: number, over: Partial<StoredEventInput> = {}): StoredEventInput => ({
  type: 'deployment.rebuilt',
  at: `2026-11-23T10:00:${String(i % 60).padStart(2, '0')}Z`,
  deploymentId: `web-${i}`,
  detail: { i, reasons: [{ kind: 'kev', cve: 'CVE-2024-3094' }], note: 'ü' },
  ...over,
});

const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

export function describeEventStoreContract(name: string, harness: EventStoreHarness): void {
  describe(`${name}: event store contract`, () => {
    let store: ControlPlaneStore;
    beforeEach(async () => {
      store = await harness.open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('is empty at first: head 0, no events', async () => {
      expect(await store.events.head()).toBe(0);
      expect(await store.events.list(0, 10)).toEqual([]);
    });

    it('numbers events 1, 2, 3 and reads them back as appended', async () => {
      const appended = [];
      for (let i = 1; i <= 3; i++) appended.push(await store.events.append(event(i)));
      expect(appended.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(await store.events.list(0, 10)).toEqual(appended);
      expect(appended[0]).toEqual({ seq: 1, ...event(1) });
      expect(await store.events.head()).toBe(3);
    });

    it('pages with after and limit', async () => {
      for (let i = 1; i <= 5; i++) await store.events.append(event(i));
      expect((await store.events.list(0, 2)).map((e) => e.seq)).toEqual([1, 2]);
      expect((await store.events.list(2, 2)).map((e) => e.seq)).toEqual([3, 4]);
      expect((await store.events.list(4, 2)).map((e) => e.seq)).toEqual([5]);
      expect(await store.events.list(5, 2)).toEqual([]);
      expect(await store.events.list(0, 0)).toEqual([]);
    });

    it('rejects bad arguments and writes nothing', async () => {
      expect(await failure(store.events.list(-1, 10))).toBeInstanceOf(InvalidStoreArgumentError);
      expect(await failure(store.events.list(0, 1.5))).toBeInstanceOf(InvalidStoreArgumentError);
      expect(await failure(store.events.append(event(1, { type: '' })))).toBeInstanceOf(InvalidStoreArgumentError);
      expect(await store.events.head()).toBe(0);
    });

    it('gives concurrent appends distinct, gap-free seqs', async () => {
      const twin = harness.openTwin === undefined ? undefined : await harness.openTwin();
      try {
        const handles = twin === undefined ? [store] : [store, twin];
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => handles[i % handles.length]!.events.append(event(i))));
        expect(results.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        // Any node reads the same list.
        expect(await (twin ?? store).events.list(0, 100)).toEqual(await store.events.list(0, 100));
      } finally {
        await twin?.close();
      }
    });

    it('prunes all but the latest N, keeping seqs and the head where they were', async () => {
      for (let i = 1; i <= 10; i++) await store.events.append(event(i));
      expect(await store.events.prune({ keepLatest: 3 })).toBe(7);
      expect((await store.events.list(0, 100)).map((e) => e.seq)).toEqual([8, 9, 10]);
      expect(await store.events.head()).toBe(10);
      expect((await store.events.append(event(11))).seq).toBe(11);
      expect(await store.events.prune({ keepLatest: 3 })).toBe(1);
      expect(await store.events.prune({ keepLatest: 3 })).toBe(0);
      expect(await store.events.prune({ keepLatest: 0 })).toBe(3);
      expect(await store.events.list(0, 100)).toEqual([]);
      // Pruned to nothing, the head still stands: the next event is 12, never a reused seq.
      expect(await store.events.head()).toBe(11);
      expect((await store.events.append(event(12))).seq).toBe(12);
      expect((await store.events.list(0, 100)).map((e) => e.seq)).toEqual([12]);
    });

    it('prunes events older than an instant, oldest first, up to the first one that is not', async () => {
      const at = (minute: number) => `2026-11-23T10:${String(minute).padStart(2, '0')}:00.000Z`;
      // Minutes 1, 2, 3, 9, 4, 10: the 4 comes after a newer event and stays with it.
      for (const [i, minute] of [1, 2, 3, 9, 4, 10].entries()) await store.events.append(event(i, { at: at(minute) }));
      expect(await store.events.prune({ olderThan: at(2) })).toBe(1);
      expect(await store.events.prune({ olderThan: '2026-11-23T10:05:00Z' })).toBe(2);
      expect((await store.events.list(0, 100)).map((e) => e.seq)).toEqual([4, 5, 6]);
      expect(await store.events.prune({ olderThan: '2026-11-23T11:00:00+01:00' })).toBe(0);
      expect(await store.events.prune({ olderThan: at(30) })).toBe(3);
      expect(await store.events.list(0, 100)).toEqual([]);
      expect(await store.events.head()).toBe(6);
      expect(await store.events.prune({ olderThan: at(30) })).toBe(0);
    });

    it('prunes what either limit selects when given both', async () => {
      const at = (minute: number) => `2026-11-23T10:${String(minute).padStart(2, '0')}:00.000Z`;
      for (let i = 1; i <= 8; i++) await store.events.append(event(i, { at: at(i) }));
      expect(await store.events.prune({ keepLatest: 6, olderThan: at(4) })).toBe(3);
      expect((await store.events.list(0, 100)).map((e) => e.seq)).toEqual([4, 5, 6, 7, 8]);
      expect(await store.events.prune({ keepLatest: 2, olderThan: at(1) })).toBe(3);
      expect((await store.events.list(0, 100)).map((e) => e.seq)).toEqual([7, 8]);
    });

    it('refuses a prune without a limit or with a bad one, and removes nothing', async () => {
      for (let i = 1; i <= 3; i++) await store.events.append(event(i));
      for (const bad of [{}, { keepLatest: -1 }, { keepLatest: 1.5 }, { olderThan: 'last week' }]) {
        expect(await failure(store.events.prune(bad))).toBeInstanceOf(InvalidStoreArgumentError);
      }
      expect(await store.events.prune({ keepLatest: 5 })).toBe(0);
      expect((await store.events.list(0, 100)).map((e) => e.seq)).toEqual([1, 2, 3]);
    });

    it('fails with ControlPlaneClosedError once closed', async () => {
      await store.close();
      expect(await failure(store.events.head())).toBeInstanceOf(ControlPlaneClosedError);
    });
  });
}
