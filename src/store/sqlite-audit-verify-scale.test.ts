/**
 * Verifying a long audit log in bounded memory: 200,000 records in a SQLite file stream through
 * the chain verifier a page at a time (as `tessera audit verify` and GET /v1/audit/verify read
 * them), and the verifier never holds more than its window, however far the log goes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ChainVerifier, pagedAuditRecords } from '../audit/index.js';
import type { AuditEventInput } from '../audit/index.js';
import { MAX_APPEND_BATCH } from './kysely-audit-log.js';
import { openSqliteControlPlane } from './index.js';

const RECORDS = 200_000;
const PAGE = 1000;
const root = mkdtempSync(join(tmpdir(), 'tessera-audit-scale-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const event = (i: number): AuditEventInput => ({ at: '2026-11-23T10:00:00Z', actor: 'user/alice', action: 'tessera:Authorize', resource: `trn:tessera:deployment/web-${i % 50}`, outcome: 'denied', detail: { i } });

describe(`a ${RECORDS.toLocaleString('en')}-record audit log in SQLite`, () => {
  it('verifies page by page with the verifier holding at most its window', async () => {
    const file = join(root, 'tessera.db');
    const store = await openSqliteControlPlane(file);
    try {
      for (let i = 0; i < RECORDS; i += MAX_APPEND_BATCH) await store.audit.appendMany(Array.from({ length: MAX_APPEND_BATCH }, (_, k) => event(i + k)));
    } finally {
      await store.close();
    }
    // One row edited in place, far into the log: the stream must still reach and name it.
    const db = new Database(file);
    db.prepare("UPDATE audit_log SET actor = 'user/mallory' WHERE seq = ?").run(150_001);
    db.close();

    const reopened = await openSqliteControlPlane(file);
    try {
      const verifier = new ChainVerifier();
      let peak = 0;
      let pages = 0;
      const reads = (after: number, limit: number) => {
        pages++;
        return reopened.audit.read(after, limit);
      };
      for await (const record of pagedAuditRecords(reads, PAGE)) {
        verifier.push(record);
        peak = Math.max(peak, verifier.retained);
      }
      const result = verifier.finish();
      expect(result.records).toBe(RECORDS);
      expect(result.head.seq).toBe(RECORDS);
      expect(result.problems.map((p) => [p.code, p.seq])).toEqual([['audit/edited', 150_001]]);
      // The window of 8 after and 8 before the record checked; the page is the reader's, one at a time.
      expect(peak).toBe(16);
      expect(pages).toBe(RECORDS / PAGE + 1);
    } finally {
      await reopened.close();
    }
  }, 120_000);
});
