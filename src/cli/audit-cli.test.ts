import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { tessera } from '../../test/support/cli.js';
import { openSqliteControlPlane } from '../store/index.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-audit-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;

/** A data directory whose store holds `n` audit records. */
async function dataDir(n: number): Promise<string> {
  const dir = join(root, `data-${++dirs}`);
  mkdirSync(dir, { recursive: true });
  const store = await openSqliteControlPlane(join(dir, 'tessera.db'));
  try {
    for (let i = 1; i <= n; i++) {
      await store.audit.append({ at: `2026-11-23T10:00:${String(i).padStart(2, '0')}Z`, actor: 'user/alice', action: 'tessera:ApproveFragment', resource: `trn:tessera:fragment/f-${i}@1`, outcome: 'changed', detail: { i } });
    }
  } finally {
    await store.close();
  }
  return dir;
}

function tamper(dir: string, statement: string): void {
  const db = new Database(join(dir, 'tessera.db'));
  try {
    db.exec(statement);
  } finally {
    db.close();
  }
}

describe('tessera audit verify', () => {
  it('exits 0 and names the head when the chain holds', async () => {
    const dir = await dataDir(5);
    const r = await tessera(['--data-dir', dir, 'audit', 'verify']);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toMatch(/^audit log verified: 5 records, head seq 5 [0-9a-f]{64}\n$/);
    const j = await tessera(['--data-dir', dir, 'audit', 'verify', '--json']);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.out)).toMatchObject({ ok: true, records: 5, head: { seq: 5 }, problems: [] });
  });

  it('verifies an empty log (a fresh data directory)', async () => {
    const r = await tessera(['--data-dir', join(root, 'fresh'), 'audit', 'verify']);
    expect([r.code, r.out]).toEqual([0, `audit log verified: 0 records, head seq 0 ${'0'.repeat(64)}\n`]);
  });

  it('exits 1 with where and how the chain breaks: an edited row', async () => {
    const dir = await dataDir(6);
    tamper(dir, "update audit_log set outcome = 'denied' where seq = 4");
    const r = await tessera(['--data-dir', dir, 'audit', 'verify']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('tessera: the audit chain is broken at seq 4: record 4 does not match its hash');
    expect(r.err).toContain('audit/edited at seq 4');
    expect(r.err).toContain('help:');
    const j = await tessera(['--data-dir', dir, 'audit', 'verify', '--json']);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.out).problems[0]).toMatchObject({ code: 'audit/edited', seq: 4 });
  });

  it('exits 1 for removed and for reordered rows', async () => {
    const removed = await dataDir(6);
    tamper(removed, 'delete from audit_log where seq in (2, 3)');
    const r = await tessera(['--data-dir', removed, 'audit', 'verify', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).problems).toMatchObject([{ code: 'audit/removed', seq: 2, message: 'records 2–3 are missing' }]);
    const swapped = await dataDir(6);
    tamper(swapped, 'update audit_log set seq = 100 where seq = 5; update audit_log set seq = 5 where seq = 6; update audit_log set seq = 6 where seq = 100');
    const s = await tessera(['--data-dir', swapped, 'audit', 'verify']);
    expect(s.code).toBe(1);
    expect(s.err).toContain('broken at seq 5: the record stored as seq 5 was written as seq 6');
  });

  it('reports a row it cannot read (detail that is not JSON) as exit 1', async () => {
    const dir = await dataDir(3);
    tamper(dir, "update audit_log set detail = '{not json' where seq = 2");
    const r = await tessera(['--data-dir', dir, 'audit', 'verify']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('detail of audit record 2 is not JSON');
  });

  it('verifies an export file offline', async () => {
    const dir = await dataDir(4);
    const exported = (await tessera(['--data-dir', dir, 'audit', 'export'])).out;
    expect((await tessera(['audit', 'verify', '--file', 'a.jsonl'], { files: { 'a.jsonl': exported } })).code).toBe(0);
    const lines = exported.trim().split('\n');
    const reordered = [lines[0], lines[2], lines[1], lines[3]].join('\n');
    const r = await tessera(['audit', 'verify', '--file', 'a.jsonl', '--json'], { files: { 'a.jsonl': reordered } });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).problems[0]).toMatchObject({ code: 'audit/reordered', seq: 2 });
    expect((await tessera(['audit', 'verify', '--file', 'a.jsonl'], { files: { 'a.jsonl': '{"seq": 1}\n' } })).code).toBe(2);
  });

  it('reads an export file from disk line by line, naming the line that is not a record', async () => {
    const dir = await dataDir(30);
    const exported = (await tessera(['--data-dir', dir, 'audit', 'export'])).out;
    const file = join(dir, 'audit.jsonl');
    writeFileSync(file, exported);
    const ok = await tessera(['audit', 'verify', '--file', file, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ ok: true, records: 30, head: { seq: 30 } });
    const lines = exported.trim().split('\n');
    writeFileSync(file, [...lines.slice(0, 10), ...lines.slice(12)].join('\r\n') + '\r\n');
    const gap = await tessera(['audit', 'verify', '--file', file, '--json']);
    expect(gap.code).toBe(1);
    expect(JSON.parse(gap.out).problems).toEqual([expect.objectContaining({ code: 'audit/removed', seq: 11, message: 'records 11–12 are missing' })]);
    writeFileSync(file, [...lines.slice(0, 20), 'not json', ...lines.slice(20)].join('\n'));
    const bad = await tessera(['audit', 'verify', '--file', file]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(`${file}:21: not a JSON line`);
    const missing = await tessera(['audit', 'verify', '--file', join(dir, 'nope.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot read audit export');
  });
});

describe('tessera audit export', () => {
  it('prints records as JSON lines, after a seq, at most a limit', async () => {
    const dir = await dataDir(5);
    const all = await tessera(['--data-dir', dir, 'audit', 'export']);
    expect(all.code).toBe(0);
    const records = all.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(Object.keys(records[0])).toEqual(['seq', 'prevHash', 'hash', 'at', 'actor', 'action', 'resource', 'outcome', 'detail']);
    expect(records[1].prevHash).toBe(records[0].hash);
    const some = await tessera(['--data-dir', dir, 'audit', 'export', '--after', '2', '--limit', '2']);
    expect(some.out.trim().split('\n').map((l) => JSON.parse(l).seq)).toEqual([3, 4]);
    expect((await tessera(['--data-dir', dir, 'audit', 'export', '--after', '5'])).out).toBe('');
  });

  it('exits 2 on a bad number, and documents itself', async () => {
    expect((await tessera(['audit', 'export', '--limit', '-3'])).code).toBe(2);
    const help = await tessera(['audit', 'export', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('tessera audit export --after 1200 --limit 100');
    expect((await tessera(['audit', 'verify', '--help'])).out).toContain('Exit status 0');
  });
});
