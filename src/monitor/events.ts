/**
 * The in-process event bus of the adaptation loop: every event gets the next sequence number;
 * readers page with `after(seq)` (as GET /v1/events?after=SEQ does) or subscribe. Only the
 * newest `capacity` events are kept, so a reader that falls further behind sees a gap in seq.
 */

export interface MonitorEventInput {
  /** e.g. `deployment.rebuilt`, `deployment.rebuild-failed`, `deployment.notice`. */
  readonly type: string;
  readonly at: string;
  readonly deploymentId: string;
  readonly detail: unknown;
}

export interface MonitorEvent extends MonitorEventInput {
  readonly seq: number;
}

export type EventListener = (event: MonitorEvent) => void;

export class EventBus {
  private readonly events: MonitorEvent[] = [];
  private readonly listeners = new Set<EventListener>();
  private last = 0;

  constructor(private readonly capacity = 10_000) {}

  emit(input: MonitorEventInput): MonitorEvent {
    return this.publish({ seq: this.last + 1, ...input });
  }

  /**
   * Delivers an event numbered elsewhere (the store's seq, when events are persisted). Seqs must
   * grow; the bus then numbers later `emit`s after it.
   */
  publish(event: MonitorEvent): MonitorEvent {
    this.last = Math.max(this.last, event.seq);
    this.events.push(event);
    if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity);
    // A failing listener must not stop the loop or the other listeners.
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        /* the listener owns its failures */
      }
    }
    return event;
  }

  /** Events with seq > `seq`, oldest first, at most `limit`. */
  after(seq: number, limit = 100): MonitorEvent[] {
    const out: MonitorEvent[] = [];
    for (const e of this.events) {
      if (e.seq <= seq) continue;
      out.push(e);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** The sequence number of the newest event (0 before any). */
  head(): number {
    return this.last;
  }

  /** Returns the function that unsubscribes. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
