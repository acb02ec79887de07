/**
 * A reader held by GET /v1/events?wait=… is answered when the server closes: shutdown does not
 * wait out the reader's wait (real server on a real port, SQLite in memory).
 */
import { describe, expect, it } from 'vitest';
import { openSqliteControlPlane } from '../store/index.js';
import { createToken, startServer } from './index.js';

describe('GET /v1/events?wait', () => {
  it('answers held readers when the server closes', async () => {
    const store = await openSqliteControlPlane(':memory:');
    try {
      const { token } = await createToken(store, { principal: 'user/admin', role: 'central-admin', at: new Date() });
      const server = await startServer({ store, port: 0 });
      const held = fetch(`${server.url}/v1/events?after=0&wait=30`, { headers: { authorization: `Bearer ${token}` } });
      await new Promise((r) => setTimeout(r, 300));
      const started = Date.now();
      await server.close();
      const closedInMs = Date.now() - started;
      const reply = await held;
      expect(reply.status).toBe(200);
      expect(await reply.json()).toMatchObject({ items: [] });
      // Far from the 30 s the reader asked to wait (a generous bound: this is not a timing test).
      expect(closedInMs).toBeLessThan(10_000);
    } finally {
      await store.close();
    }
  });
});
