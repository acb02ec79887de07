/** Event retention's timer against a real SQLite store: prunes at start, on each tick as time passes, and stops. */
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteControlPlane } from '../store/index.js';
import type { ControlPlaneStore } from '../store/index.js';
import { startEventRetention } from './event-retention.js';

const day = (d: number) => `2026-11-${String(d).padStart(2, '0')}T12:00:00.000Z`;
let store: ControlPlaneStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function storeWithEventsOnDays(days: readonly number[]): Promise<ControlPlaneStore> {
  store = await openSqliteControlPlane(':memory:');
  for (const d of days) await store.events.append({ type: 'deployment.rebuilt', at: day(d), deploymentId: 'web', detail: { d } });
  return store;
}

const until = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('startEventRetention', () => {
  it('prunes events older than the retention at start, then on every tick as the clock moves', async () => {
    const s = await storeWithEventsOnDays([1, 2, 10, 20]);
    let now = new Date(day(12));
    const errors: unknown[] = [];
    const retention = startEventRetention(s.events, { days: 5, now: () => now, everyMs: 20, onError: (e) => errors.push(e) });
    expect(await retention.started).toBe(2);
    expect((await s.events.list(0, 10)).map((e) => e.seq)).toEqual([3, 4]);
    now = new Date(day(22));
    await until(async () => (await s.events.list(0, 10)).length === 1);
    expect((await s.events.list(0, 10)).map((e) => e.seq)).toEqual([4]);
    await retention.stop();
    now = new Date(day(30));
    await new Promise((r) => setTimeout(r, 80));
    // Stopped: the last event is past retention now, and stays.
    expect((await s.events.list(0, 10)).map((e) => e.seq)).toEqual([4]);
    expect(await s.events.head()).toBe(4);
    expect(errors).toEqual([]);
  });

  it('reports a failed prune instead of throwing, and refuses a retention that is not positive', async () => {
    const s = await storeWithEventsOnDays([1]);
    await s.close();
    const errors: unknown[] = [];
    const retention = startEventRetention(s.events, { days: 1, now: () => new Date(day(30)), onError: (e) => errors.push(e) });
    expect(await retention.started).toBe(0);
    await retention.stop();
    expect(errors).toEqual([expect.objectContaining({ name: 'ControlPlaneClosedError' })]);
    expect(() => startEventRetention(s.events, { days: 0, now: () => new Date(), onError: () => undefined })).toThrow(RangeError);
    store = undefined;
  });
});
