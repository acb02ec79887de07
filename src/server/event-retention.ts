/**
 * Event retention (`tessera serve --event-retention DAYS`): the adaptation loop's stored events
 * would otherwise grow forever. Prunes events older than DAYS once at start, then every hour.
 * Pruning takes the oldest only and never reuses a seq, so readers of GET /v1/events keep their
 * place; one that fell behind the pruned stretch is told so (`pruned`, `oldestSeq`). On
 * PostgreSQL every node prunes: the deletes are idempotent, whichever node runs first does the work.
 */
import type { EventStore } from '../store/index.js';

export const DEFAULT_EVENT_RETENTION_DAYS = 30;
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

export interface EventRetentionOptions {
  /** Keep events this many days (a positive number). */
  days: number;
  /** The clock the age is measured against. */
  now: () => Date;
  /** How often to prune after the first time (default hourly). */
  everyMs?: number;
  /** A failed prune is reported here and retried on the next tick; it never stops the server. */
  onError: (error: unknown) => void;
}

export interface EventRetention {
  /** How many events the prune at start removed (0 when it failed: see onError). */
  readonly started: Promise<number>;
  /** Stops the timer and waits for a prune under way, so the store can close after it. */
  stop(): Promise<void>;
}

export function startEventRetention(events: Pick<EventStore, 'prune'>, options: EventRetentionOptions): EventRetention {
  if (!(Number.isFinite(options.days) && options.days > 0)) throw new RangeError(`event retention is a positive number of days, not ${options.days}`);
  let stopped = false;
  // One prune at a time: a tick that finds the last one still running skips.
  let running: Promise<number> | undefined;
  const prune = (): Promise<number> => {
    const olderThan = new Date(options.now().getTime() - options.days * DAY_MS).toISOString();
    const run = events.prune({ olderThan }).catch((e: unknown) => {
      options.onError(e);
      return 0;
    }).finally(() => {
      if (running === run) running = undefined;
    });
    running = run;
    return run;
  };
  const started = prune();
  const timer = setInterval(() => {
    if (!stopped && running === undefined) void prune();
  }, options.everyMs ?? HOUR_MS);
  // The timer alone must not keep the process alive.
  timer.unref();
  return {
    started,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
