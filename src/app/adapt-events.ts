/**
 * Where the adaptation loop's events go: into the store first (the source of truth every node
 * serves at GET /v1/events), then onto this process's bus with the stored seq, for the webhook and
 * long-polling readers. A bus listener's failure never fails the loop (EventBus isolates them).
 */
import type { EventBus, MonitorEvent, MonitorEventInput } from '../monitor/index.js';
import type { EventStore } from '../store/index.js';

/** What the loop emits to; an EventBus alone is one (nothing stored: dry runs and unit tests). */
export interface MonitorEventSink {
  emit(input: MonitorEventInput): MonitorEvent | Promise<MonitorEvent>;
}

export function storedEventSink(store: EventStore, bus: EventBus): MonitorEventSink {
  return {
    async emit(input) {
      const stored = await store.append(input);
      bus.publish(stored);
      return stored;
    },
  };
}
