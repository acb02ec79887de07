/** The control-plane contract on SQLite, in a file (with tamper tests through a second connection) and in :memory:. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../audit/index.js';
import { ControlPlaneStoreFailureError, openSqliteControlPlane } from './index.js';
import { describeArtifactContract } from './testing/artifact-contract.test-support.js';
import { auditEvent, describeControlPlaneContract } from './testing/control-plane-contract.test-support.js';
import { describeEventStoreContract } from './testing/event-contract.test-support.js';
import { describeFeedStoreContract } from './testing/feed-contract.test-support.js';
import { describePolicyContract } from './testing/policy-contract.test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-control-plane-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
let last = '';
const tempFile = () => (last = join(dir, `control-plane-${++files}.db`));

describeControlPlaneContract('SQLite control plane in a file', {
  open: () => openSqliteControlPlane(tempFile()),
  execute: async (statement) => {
    const raw = new Database(last);
    try {
      raw.exec(statement);
    } finally {
      raw.close();
    }
  },
});
describeControlPlaneContract('SQLite control plane in :memory:', { open: () => openSqliteControlPlane(':memory:') });
// No twin: two better-sqlite3 connections in one process would block each other synchronously;
// one handle's transactions are serialized, which is the case the concurrency test then covers.
describePolicyContract('SQLite control plane in a file', { open: () => openSqliteControlPlane(tempFile()) });
describeArtifactContract('SQLite control plane in a file', { open: () => openSqliteControlPlane(tempFile()) });
describeArtifactContract('SQLite control plane in :memory:', { open: () => openSqliteControlPlane(':memory:') });
describeEventStoreContract('SQLite control plane in a file', { open: () => openSqliteControlPlane(tempFile()) });
describeFeedStoreContract('SQLite control plane in a file', { open: () => openSqliteControlPlane(tempFile()) });
describeFeedStoreContract('SQLite control plane in :memory:', { open: () => openSqliteControlPlane(':memory:') });

describe('SQLite control plane', () => {
  it('keeps the chain across reopening and continues it', async () => {
    const file = tempFile();
    const first = await openSqliteControlPlane(file);
    const one = await first.audit.append(auditEvent(1));
    await first.close();
    const second = await openSqliteControlPlane(file);
    try {
      const two = await second.audit.append(auditEvent(2));
      expect([two.seq, two.prevHash]).toEqual([2, one.hash]);
    } finally {
      await second.close();
    }
  });

  it('forms one chain from appenders in two processes on one file (the writer lock, taken first)', async () => {
    const file = tempFile();
    await (await openSqliteControlPlane(file)).close(); // migrate once, before the race
    const script = join(dir, 'append.mts');
    writeFileSync(script, `
      const { openSqliteControlPlane } = await import(${JSON.stringify(pathToFileURL(join(import.meta.dirname, 'index.ts')).href)});
      const [file, who, startAt] = process.argv.slice(2);
      const store = await openSqliteControlPlane(file);
      await new Promise((resolve) => setTimeout(resolve, Number(startAt) - Date.now())); // start together
      const event = (i) => ({ at: '2026-11-23T10:00:00Z', actor: 'user/' + who, action: 'tessera:Test', resource: 'trn:tessera:test/' + i, outcome: 'changed', detail: { i } });
      await Promise.all(Array.from({ length: 25 }, (_, i) => store.audit.append(event(i))));
      await store.close();
    `);
    const run = promisify(execFile);
    const startAt = String(Date.now() + 4000); // after both have started tsx and opened the store
    await Promise.all(['a', 'b'].map((who) => run(process.execPath, ['--import', 'tsx', script, file, who, startAt], { cwd: join(import.meta.dirname, '..', '..') })));
    const store = await openSqliteControlPlane(file);
    try {
      const log = await store.audit.read(0, 100);
      expect(verifyChain(log)).toMatchObject({ ok: true, records: 50 });
      expect(log.filter((r) => r.actor === 'user/a')).toHaveLength(25);
    } finally {
      await store.close();
    }
  });

  it('reports a file it cannot open as ControlPlaneStoreFailureError', async () => {
    const e = await openSqliteControlPlane(join(dir, 'missing', 'x.db')).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ControlPlaneStoreFailureError);
    expect((e as ControlPlaneStoreFailureError).code).toBe('control-plane-store/failure');
  });
});
