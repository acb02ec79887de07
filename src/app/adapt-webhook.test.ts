/** The webhook against a real local HTTP server: delivery, retries with backoff, giving up without blocking. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { MonitorEvent } from '../monitor/index.js';
import { WebhookNotifier } from './adapt-webhook.js';

const event = (seq: number): MonitorEvent => ({ seq, type: 'deployment.rebuilt', at: '2026-11-23T10:00:00Z', deploymentId: 'payments', detail: { reasons: [{ kind: 'kev' }] } });

async function receiver(statuses: number[]): Promise<{ server: Server; url: string; bodies: unknown[]; times: number[] }> {
  const bodies: unknown[] = [];
  const times: number[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      times.push(Date.now());
      const status = statuses.shift() ?? 200;
      if (status === 200) bodies.push(JSON.parse(text));
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies, times };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

describe('WebhookNotifier', () => {
  it('posts each event as JSON, retrying failures with growing delays', async () => {
    const r = await receiver([500, 503, 200, 200]);
    servers.push(r.server);
    const hook = new WebhookNotifier({ url: r.url, backoffMs: 50 });
    const started = Date.now();
    hook.notify(event(1));
    hook.notify(event(2));
    // notify returns at once: nothing has been delivered yet.
    expect(r.bodies).toEqual([]);
    await hook.drain();
    expect(r.bodies).toEqual([event(1), event(2)]);
    expect(r.times).toHaveLength(4);
    expect(r.times[1]! - r.times[0]!).toBeGreaterThanOrEqual(45);
    expect(r.times[2]! - r.times[1]!).toBeGreaterThanOrEqual(95);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('gives up after its attempts and reports, then goes on with the next event', async () => {
    const r = await receiver([500, 500, 500, 200]);
    servers.push(r.server);
    const errors: string[] = [];
    const hook = new WebhookNotifier({ url: r.url, attempts: 3, backoffMs: 10, onError: (e) => errors.push(e.message) });
    hook.notify(event(1));
    hook.notify(event(2));
    await hook.close();
    expect(errors).toEqual([expect.stringContaining('event 1 not delivered after 3 tries: HTTP 500')]);
    expect(r.bodies).toEqual([event(2)]);
  });

  it('survives a receiver that is not there', async () => {
    const errors: string[] = [];
    const hook = new WebhookNotifier({ url: 'http://127.0.0.1:9/hook', attempts: 2, backoffMs: 10, onError: (e) => errors.push(e.message) });
    hook.notify(event(1));
    await hook.drain();
    expect(errors).toHaveLength(1);
  });
});
