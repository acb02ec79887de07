/**
 * Leadership on one PostgreSQL schema: of two nodes exactly one leads; when the leader's
 * connection dies (terminated by the server, as when its node crashes) the other takes over
 * within the retry interval. Skips with a reason without TESSERA_TEST_PG_URL (fails under CI).
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { pgTestUrl, withTestSchema } from '../../test/support/postgres.js';
import { PostgresLeadership, soleLeader } from './adapt-leader.js';

const url = pgTestUrl();
const RETRY_MS = 200;

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return condition();
}

describe('soleLeader', () => {
  it('always leads (SQLite, one node)', () => {
    expect(soleLeader().leading).toBe(true);
  });
});

describe.skipIf(url === undefined)('PostgresLeadership', () => {
  const schema = withTestSchema(url as string, 'tessera_leader');
  const nodes: PostgresLeadership[] = [];
  afterAll(async () => {
    for (const n of nodes) await n.close();
  });

  it('exactly one of two nodes leads; the other takes over when the leader\'s connection dies', async () => {
    const errors: Error[] = [];
    const a = new PostgresLeadership(url as string, { schema: schema.schema, retryMs: RETRY_MS, onError: (e) => errors.push(e) });
    const b = new PostgresLeadership(url as string, { schema: schema.schema, retryMs: RETRY_MS, onError: (e) => errors.push(e) });
    nodes.push(a, b);
    await Promise.all([a.start(), b.start()]);
    expect([a.leading, b.leading].filter(Boolean)).toHaveLength(1);
    // Several retry rounds later it is still exactly one.
    await new Promise((r) => setTimeout(r, RETRY_MS * 3));
    expect([a.leading, b.leading].filter(Boolean)).toHaveLength(1);

    const [leader, follower] = a.leading ? [a, b] : [b, a];
    const pid = leader.backendPid;
    expect(pid).toBeTypeOf('number');
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query('select pg_terminate_backend($1)', [pid]);
    } finally {
      await admin.end();
    }
    expect(await until(() => follower.leading, RETRY_MS * 4)).toBe(true);
    expect(await until(() => !leader.leading, RETRY_MS * 4)).toBe(true);
    // The old leader comes back as a follower, never a second leader.
    await new Promise((r) => setTimeout(r, RETRY_MS * 3));
    expect([a.leading, b.leading].filter(Boolean)).toHaveLength(1);
    expect(follower.leading).toBe(true);
    expect(errors.length).toBeGreaterThan(0);
  });

  it('a closed leader hands over', async () => {
    const a = new PostgresLeadership(url as string, { schema: `${schema.schema}_2`, retryMs: RETRY_MS });
    const b = new PostgresLeadership(url as string, { schema: `${schema.schema}_2`, retryMs: RETRY_MS });
    nodes.push(a, b);
    await a.start();
    await b.start();
    expect([a.leading, b.leading]).toEqual([true, false]);
    await a.close();
    expect(await until(() => b.leading, RETRY_MS * 4)).toBe(true);
  });
});
