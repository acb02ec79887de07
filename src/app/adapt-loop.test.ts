import { describe, expect, it } from 'vitest';
import { startAdaptationLoop } from './adapt-loop.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('startAdaptationLoop', () => {
  it('runs at once, again on new intel and on schedule, never while following', async () => {
    const runs: string[] = [];
    let fingerprint = 'a';
    const leadership = { leading: true, start: async () => {}, close: async () => {} };
    let now = 0;
    const loop = startAdaptationLoop({ leadership, intervalMs: 1000, pollMs: 10, fingerprint: async () => fingerprint, run: async (why) => void runs.push(why), clock: () => now });
    await wait(40);
    expect(runs).toEqual(['schedule']);
    fingerprint = 'b';
    await wait(40);
    expect(runs).toEqual(['schedule', 'intel']);
    now = 5000;
    await wait(40);
    expect(runs).toEqual(['schedule', 'intel', 'schedule']);
    leadership.leading = false;
    fingerprint = 'c';
    now = 10_000;
    await wait(40);
    expect(runs).toHaveLength(3);
    await loop.stop();
  });

  it('reports a failed run and goes on', async () => {
    const errors: string[] = [];
    let n = 0;
    const loop = startAdaptationLoop({
      leadership: { leading: true, start: async () => {}, close: async () => {} }, intervalMs: 1, pollMs: 5, fingerprint: async () => 'x',
      run: async () => {
        n++;
        throw new Error('store down');
      },
      onError: (e) => errors.push(e.message),
    });
    await wait(50);
    await loop.stop();
    expect(n).toBeGreaterThan(1);
    expect(errors[0]).toBe('store down');
  });

  it('looks at once when poked, instead of at the next poll, and after a run in progress', async () => {
    const runs: string[] = [];
    let fingerprint = 'a';
    let release!: () => void;
    let gate: Promise<void> | undefined;
    const loop = startAdaptationLoop({
      leadership: { leading: true, start: async () => {}, close: async () => {} },
      intervalMs: 3_600_000, pollMs: 3_600_000, fingerprint: async () => fingerprint,
      run: async (why) => {
        runs.push(why);
        if (gate !== undefined) await gate;
      },
    });
    await wait(20);
    expect(runs).toEqual(['schedule']);
    fingerprint = 'b';
    await wait(20);
    // The poll is an hour away: nothing yet.
    expect(runs).toEqual(['schedule']);
    gate = new Promise((r) => (release = r));
    loop.poke();
    await wait(20);
    expect(runs).toEqual(['schedule', 'intel']);
    // Poked while that run is in progress: answered when it ends.
    fingerprint = 'c';
    loop.poke();
    await wait(20);
    expect(runs).toEqual(['schedule', 'intel']);
    gate = undefined;
    release();
    await wait(20);
    expect(runs).toEqual(['schedule', 'intel', 'intel']);
    // A poke with nothing new runs nothing.
    loop.poke();
    await wait(20);
    expect(runs).toHaveLength(3);
    await loop.stop();
  });
});
