/**
 * Monitor events to a webhook: each event is POSTed as JSON from a queue in the background, so a
 * slow or failing receiver never blocks the loop. A failure (network error, timeout, non-2xx) is
 * retried with exponential backoff up to `attempts`, then dropped and reported to `onError`; the
 * events stay readable at GET /v1/events and the audit log holds every rebuild regardless.
 */
import type { MonitorEvent } from '../monitor/index.js';

export interface WebhookOptions {
  readonly url: string;
  /** Tries per event (default 5). */
  readonly attempts?: number;
  /** The first retry's delay; each next one doubles (default 500 ms). */
  readonly backoffMs?: number;
  /** Per request (default 10 s). */
  readonly timeoutMs?: number;
  readonly onError?: (error: Error, event: MonitorEvent) => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class WebhookNotifier {
  private readonly queue: MonitorEvent[] = [];
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: WebhookOptions) {
    if (!/^https?:\/\//.test(options.url)) throw new TypeError(`a webhook URL must be http(s), got \`${options.url}\``);
  }

  /** Queues the event and returns at once. */
  notify(event: MonitorEvent): void {
    if (this.closed) return;
    this.queue.push(event);
    this.running ??= this.work().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves when every queued event was delivered or given up on. */
  async drain(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  /** Stops taking events; the ones queued are still tried. */
  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }

  private async work(): Promise<void> {
    for (let event = this.queue.shift(); event !== undefined; event = this.queue.shift()) await this.deliver(event);
  }

  private async deliver(event: MonitorEvent): Promise<void> {
    const attempts = this.options.attempts ?? 5;
    let delay = this.options.backoffMs ?? 500;
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await fetch(this.options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'tessera-monitor' },
          body: JSON.stringify(event),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        });
        // The body is not needed; reading it frees the connection.
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) return;
        throw new Error(`HTTP ${response.status}`);
      } catch (e) {
        if (attempt >= attempts) {
          this.options.onError?.(new Error(`webhook ${this.options.url}: event ${event.seq} not delivered after ${attempts} tries: ${(e as Error).message}`), event);
          return;
        }
        await sleep(delay);
        delay *= 2;
      }
    }
  }
}
