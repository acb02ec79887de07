import { describe, expect, it } from 'vitest';
import { EventBus } from './events.js';

const input = (n: number) => ({ type: 'deployment.rebuilt', at: '2026-11-23T10:00:00Z', deploymentId: `d${n}`, detail: { n } });

describe('EventBus', () => {
  it('numbers events and pages after a sequence number', () => {
    const bus = new EventBus();
    for (let i = 1; i <= 5; i++) bus.emit(input(i));
    expect(bus.head()).toBe(5);
    expect(bus.after(2, 2).map((e) => e.seq)).toEqual([3, 4]);
    expect(bus.after(5)).toEqual([]);
  });

  it('keeps only the newest events and survives a failing listener', () => {
    const bus = new EventBus(3);
    const seen: number[] = [];
    bus.subscribe(() => {
      throw new Error('listener broke');
    });
    const stop = bus.subscribe((e) => seen.push(e.seq));
    for (let i = 1; i <= 5; i++) bus.emit(input(i));
    stop();
    bus.emit(input(6));
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(bus.after(0).map((e) => e.seq)).toEqual([4, 5, 6]);
  });

  it('delivers events numbered by the store with their own seq, and numbers later emits after them', () => {
    const bus = new EventBus();
    const seen: number[] = [];
    bus.subscribe((e) => seen.push(e.seq));
    bus.publish({ seq: 41, ...input(1) });
    bus.publish({ seq: 42, ...input(2) });
    expect(bus.emit(input(3)).seq).toBe(43);
    expect(seen).toEqual([41, 42, 43]);
    expect(bus.head()).toBe(43);
    expect(bus.after(41).map((e) => e.seq)).toEqual([42, 43]);
  });
});
