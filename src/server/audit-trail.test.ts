/**
 * AuditTrail's group commit over a real SQLite store (a file, WAL): single records that arrive
 * while a commit is under way share the next transaction, and a caller hears "done" only for a
 * record that is in the log.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../audit/index.js';
import { openSqliteControlPlane, type AuditEventInput, type ControlPlaneStore } from '../store/index.js';
import { AuditTrail } from './audit-trail.js';

const NOW = () => new Date('2026-11-23T12:00:00Z');

describe('AuditTrail.record (group commit)', () => {
  let dir: string;
  let store: ControlPlaneStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-audit-trail-'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits 300 parallel records as one chain, in far fewer transactions than records', async () => {
    store = await openSqliteControlPlane(join(dir, 'db.sqlite'));
    // Counts the store's appends; the appends themselves are the real store's.
    const calls: number[] = [];
    const counted: ControlPlaneStore = Object.create(store) as ControlPlaneStore;
    Object.defineProperty(counted, 'audit', {
      value: { ...store.audit, append: store.audit.append.bind(store.audit), read: store.audit.read.bind(store.audit), head: store.audit.head.bind(store.audit),
        appendMany: (events: readonly AuditEventInput[]) => {
          calls.push(events.length);
          return store.audit.appendMany(events);
        } },
    });
    const trail = new AuditTrail(counted, NOW);
    await Promise.all(Array.from({ length: 300 }, (_, i) => trail.record(`user/${i}`, 'tessera:Authorize', 'trn:tessera:authorizer', 'denied', { i })));
    const log = await store.audit.read(0, 1000);
    expect(verifyChain(log)).toMatchObject({ ok: true, records: 300 });
    // Each caller's record is there, once.
    expect(new Set(log.map((r) => r.actor)).size).toBe(300);
    expect(calls.reduce((a, b) => a + b, 0)).toBe(300);
    expect(calls.length).toBeLessThan(10);
    expect(Math.max(...calls)).toBeLessThanOrEqual(256);
  });

  it('resolves exactly the records that were committed when a batch fails', async () => {
    store = await openSqliteControlPlane(join(dir, 'db.sqlite'), {
      audit: {
        beforeAppend: (e) => {
          if (e.actor === 'user/bad') throw new Error('injected audit failure');
        },
      },
    });
    const trail = new AuditTrail(store, NOW);
    const actors = Array.from({ length: 60 }, (_, i) => (i === 30 ? 'user/bad' : `user/${i}`));
    const outcomes = await Promise.allSettled(actors.map((actor) => trail.record(actor, 'tessera:Authorize', 'trn:tessera:authorizer', 'denied', {})));
    const logged = new Set((await store.audit.read(0, 1000)).map((r) => r.actor));
    outcomes.forEach((o, i) => expect([actors[i], o.status, logged.has(actors[i] as string)]).toEqual([actors[i], logged.has(actors[i] as string) ? 'fulfilled' : 'rejected', o.status === 'fulfilled']));
    expect(outcomes[30]?.status).toBe('rejected');
    expect(logged.has('user/bad')).toBe(false);
    // The trail keeps working after a failed batch.
    await trail.record('user/after', 'tessera:Authorize', 'trn:tessera:authorizer', 'denied', {});
    const log = await store.audit.read(0, 1000);
    expect(log.at(-1)?.actor).toBe('user/after');
    expect(verifyChain(log).ok).toBe(true);
  });
});
