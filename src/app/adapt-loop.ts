/**
 * The adaptation loop's schedule: every `pollMs` the leader looks at the intel fingerprint (the
 * current feed snapshots); a change (an import, by any process) or `intervalMs` since the last
 * run re-evaluates every deployment. Runs never overlap; a failed run is reported and the loop
 * goes on. Followers only wait: their Leadership keeps trying for the lock.
 */
import type { Leadership } from './adapt-leader.js';

export interface LoopOptions {
  readonly leadership: Leadership;
  /** Re-evaluate at least this often (the schedule). */
  readonly intervalMs: number;
  /** How often to look for new intel (default: the interval, at most 5 s). */
  readonly pollMs?: number;
  /** Changes whenever a feed snapshot is imported. */
  readonly fingerprint: () => Promise<string>;
  readonly run: (why: 'intel' | 'schedule') => Promise<void>;
  readonly onError?: (error: Error) => void;
  readonly clock?: () => number;
}

export interface RunningLoop {
  /** Looks at the fingerprint now (after the run in progress, if any), not at the next poll. */
  poke(): void;
  /** Resolves once the run in progress (if any) has finished. */
  stop(): Promise<void>;
}

export function startAdaptationLoop(options: LoopOptions): RunningLoop {
  const clock = options.clock ?? Date.now;
  const pollMs = options.pollMs ?? Math.min(options.intervalMs, 5000);
  let lastFingerprint: string | undefined;
  let lastRun = Number.NEGATIVE_INFINITY;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let current: Promise<void> | undefined;
  let poked = false;

  const tick = async () => {
    if (!options.leadership.leading) return;
    const fingerprint = await options.fingerprint();
    const due = clock() - lastRun >= options.intervalMs;
    if (fingerprint === lastFingerprint && !due) return;
    const why = fingerprint !== lastFingerprint && lastFingerprint !== undefined ? 'intel' : 'schedule';
    lastFingerprint = fingerprint;
    lastRun = clock();
    await options.run(why);
  };
  const look = () => {
    poked = false;
    current = tick().catch((e: unknown) => options.onError?.(e as Error)).finally(() => {
      current = undefined;
      // A poke during the run is answered right after it, not a poll interval later.
      if (poked && !stopped) look();
      else schedule();
    });
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(look, pollMs);
  };
  // The first look happens at once, not a poll interval later.
  look();
  return {
    poke() {
      if (stopped) return;
      poked = true;
      if (current !== undefined) return;
      if (timer !== undefined) clearTimeout(timer);
      look();
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await current;
    },
  };
}
