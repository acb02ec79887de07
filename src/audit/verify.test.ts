import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../fragments/index.js';
import { GENESIS_HASH, chainEvent, chainRecord, hashRecord, hashedText, verifyChain } from './index.js';
import type { AuditEventInput, AuditRecord } from './index.js';

const event = (i: number): AuditEventInput => ({
  at: `2026-11-23T10:00:${String(i).padStart(2, '0')}Z`,
  actor: i % 2 === 0 ? 'user/alice' : 'system/monitor',
  action: 'tessera:ApproveFragment',
  resource: `trn:tessera:fragment/f-${i}@1`,
  outcome: 'changed',
  detail: { i, note: 'x', nested: { b: 1, a: [1, 2] } },
});

function chain(n: number): AuditRecord[] {
  const out: AuditRecord[] = [];
  for (let seq = 1; seq <= n; seq++) out.push(chainRecord(out.at(-1)?.hash ?? GENESIS_HASH, event(seq), seq));
  return out;
}

const codes = (records: readonly AuditRecord[]) => verifyChain(records).problems.map((p) => [p.code, p.seq]);

describe('chainRecord', () => {
  it('links each record to the one before, from 64 zeros', () => {
    const [a, b] = chain(2);
    expect(a?.prevHash).toBe(GENESIS_HASH);
    expect(b?.prevHash).toBe(a?.hash);
    expect(a?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a?.hash).not.toBe(b?.hash);
  });

  it('hashes the canonical JSON: key order of detail does not matter, values do', () => {
    const one = chainRecord(GENESIS_HASH, { ...event(1), detail: { a: 1, b: 2 } }, 1);
    const two = chainRecord(GENESIS_HASH, { ...event(1), detail: { b: 2, a: 1 } }, 1);
    const three = chainRecord(GENESIS_HASH, { ...event(1), detail: { b: 2, a: 1.5 } }, 1);
    expect(one.hash).toBe(two.hash);
    expect(three.hash).not.toBe(one.hash);
  });

  it('covers seq and prevHash, and normalizes detail to what JSON reads back', () => {
    const r = chainRecord(GENESIS_HASH, { ...event(1), detail: { keep: 1, drop: undefined } }, 1);
    expect(r.detail).toEqual({ keep: 1 });
    expect(chainRecord(GENESIS_HASH, { ...event(1), detail: undefined }, 1).detail).toBeNull();
    expect(hashRecord({ ...r, seq: 2 })).not.toBe(r.hash);
    expect(hashRecord({ ...r, prevHash: 'f'.repeat(64) })).not.toBe(r.hash);
    expect(hashRecord(JSON.parse(JSON.stringify(r)) as AuditRecord)).toBe(r.hash);
  });

  it('hashes as it always has: records chained before the written-out hash text still verify (golden hashes)', () => {
    // Hashes computed by the earlier chainRecord (canonicalJson of the whole record): a log written
    // before and after the change must verify as one chain.
    const a = chainRecord(GENESIS_HASH, {
      at: '2026-11-23T12:00:00.000Z', actor: 'service/bench', action: 'tessera:Authorize', resource: 'trn:tessera:authorizer', outcome: 'denied',
      detail: { principal: 'arn:aws:iam::111122223333:user/alice', action: 's3:GetObject', resource: 'arn:aws:s3:::reports/hr/"q3"\u2028.csv', decision: 'Deny', summary: 'implicit deny — ünïcode ✓ 😀', context: { z: [1, 2.5, null, undefined], a: { drop: undefined } } },
    }, 1);
    const b = chainRecord(a.hash, { at: '2026-11-23T12:00:01.000Z', actor: 'user/alice', action: 'tessera:ApproveFragment', resource: 'trn:tessera:fragment/f@1', outcome: 'changed', detail: undefined }, 2);
    expect([a.hash, b.hash]).toEqual(['2f249bf2899470d8d1253b290b82077692a8c8ac5aa556cfcc3f40e71820996a', '970182723a1d6e52419cc186c53e972f64260092bb87dd46f9d345ba53e762ec']);
    expect(verifyChain([a, b]).ok).toBe(true);
  });

  it('writes out the same hash text as canonicalJson of the record, and keeps the detail text it stores', () => {
    const details: unknown[] = [{ b: [1, { d: 'x', c: null }], a: 'q"\\\n' }, 'text', 42, null, [], {}, { '': 1, 'é': 2, Z: 3 }];
    for (const [i, detail] of details.entries()) {
      const { record, detailText } = chainEvent('a'.repeat(64), { ...event(i + 1), detail }, i + 1);
      expect(detailText).toBe(canonicalJson(detail));
      const { hash: _hash, ...fields } = record;
      expect(hashedText(fields, detailText)).toBe(canonicalJson(fields));
      expect(record.hash).toBe(createHash('sha256').update(canonicalJson(fields)).digest('hex'));
    }
    // A hand-made record of another shape (a missing field, a detail left out) hashes as canonicalJson has it.
    const odd = { seq: 3, prevHash: GENESIS_HASH, at: undefined as unknown as string, actor: 'a', action: 'b', resource: 'c', outcome: 'denied' as const, detail: undefined };
    expect(hashRecord(odd)).toBe(createHash('sha256').update(canonicalJson(odd)).digest('hex'));
    expect(hashRecord({ ...odd, at: 'now', detail: { x: 1 } })).toBe(createHash('sha256').update(canonicalJson({ ...odd, at: 'now', detail: { x: 1 } })).digest('hex'));
  });

  it('refuses a seq that is not a positive integer', () => {
    expect(() => chainRecord(GENESIS_HASH, event(1), 0)).toThrow(RangeError);
    expect(() => chainRecord(GENESIS_HASH, event(1), 1.5)).toThrow(RangeError);
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and an empty one', () => {
    const records = chain(10);
    expect(verifyChain(records)).toEqual({ ok: true, records: 10, head: { seq: 10, hash: records[9]?.hash }, problems: [] });
    expect(verifyChain([])).toEqual({ ok: true, records: 0, head: { seq: 0, hash: GENESIS_HASH }, problems: [] });
  });

  it('finds an edited field at its seq, and only there', () => {
    for (const edit of [{ actor: 'user/mallory' }, { outcome: 'allowed' as const }, { detail: { i: 4 } }, { at: '2026-11-24T00:00:00Z' }]) {
      const records = chain(8);
      records[3] = { ...(records[3] as AuditRecord), ...edit };
      expect(codes(records)).toEqual([['audit/edited', 4]]);
      expect(verifyChain(records).problems[0]?.message).toContain('does not match its hash');
    }
  });

  it('finds a record changed and re-hashed by the link the next record holds', () => {
    const records = chain(8);
    const changed = { ...(records[3] as AuditRecord), actor: 'user/mallory' };
    records[3] = { ...changed, hash: hashRecord(changed) };
    expect(codes(records)).toEqual([['audit/edited', 4]]);
    expect(verifyChain(records).problems[0]?.message).toContain('re-hashed');
  });

  it('finds removed records as a gap in seq, at the first missing seq', () => {
    const records = chain(10);
    expect(codes([...records.slice(0, 4), ...records.slice(6)])).toEqual([['audit/removed', 5]]);
    expect(verifyChain([...records.slice(0, 4), ...records.slice(6)]).problems[0]?.message).toBe('records 5–6 are missing');
    expect(codes(records.slice(1))).toEqual([['audit/removed', 1]]);
  });

  it('finds records removed at the end only against a head kept elsewhere', () => {
    const records = chain(10);
    const head = { seq: 10, hash: records[9]?.hash ?? '' };
    expect(verifyChain(records.slice(0, 8)).ok).toBe(true);
    expect(verifyChain(records.slice(0, 8), { expectedHead: head }).problems.map((p) => [p.code, p.seq])).toEqual([['audit/removed', 9]]);
    expect(verifyChain(records, { expectedHead: head }).ok).toBe(true);
  });

  it('finds records in the wrong order (an export with lines swapped)', () => {
    const records = chain(6);
    const swapped = [records[0], records[1], records[3], records[2], records[4], records[5]] as AuditRecord[];
    const result = verifyChain(swapped);
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatchObject({ code: 'audit/reordered', seq: 3 });
  });

  it('finds rows whose places were swapped (contents moved, seq column kept)', () => {
    for (const [i, j] of [[2, 3], [1, 7]] as const) {
      const records = chain(10);
      const a = records[i] as AuditRecord;
      const b = records[j] as AuditRecord;
      records[i] = { ...b, seq: a.seq };
      records[j] = { ...a, seq: b.seq };
      const result = verifyChain(records);
      expect(result.problems[0]).toMatchObject({ code: 'audit/reordered', seq: a.seq });
      expect(result.problems[0]?.message).toContain(`written as seq ${b.seq}`);
    }
  });

  it('reports the first break first when there are several', () => {
    const records = chain(12);
    records[2] = { ...(records[2] as AuditRecord), resource: 'trn:tessera:fragment/other@1' };
    const result = verifyChain([...records.slice(0, 7), ...records.slice(8)]);
    expect(result.problems.map((p) => [p.code, p.seq])).toEqual([['audit/edited', 3], ['audit/removed', 8]]);
  });
});
