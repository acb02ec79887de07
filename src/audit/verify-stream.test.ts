/**
 * The streaming verifier against the whole-log one it replaced (testing/reference-verifier.ts):
 * random logs, randomly tampered, must verify the same (ok, records, head, problems) while the
 * streaming one holds only its window.
 */
import { describe, expect, it } from 'vitest';
import { ChainVerifier, GENESIS_HASH, chainRecord, hashRecord, verifyChain, verifyChainStream } from './index.js';
import type { AuditRecord } from './index.js';
import { verifyChainInMemory } from './testing/reference-verifier.js';

/** mulberry32: a seeded generator, so a failing case can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function chain(n: number): AuditRecord[] {
  const out: AuditRecord[] = [];
  for (let seq = 1; seq <= n; seq++) {
    out.push(chainRecord(out.at(-1)?.hash ?? GENESIS_HASH, { at: `2026-11-23T10:${String(seq % 60).padStart(2, '0')}:00Z`, actor: 'user/alice', action: 'tessera:ApproveFragment', resource: `trn:tessera:fragment/f-${seq}@1`, outcome: 'changed', detail: { seq } }, seq));
  }
  return out;
}

type Tampering = 'edit' | 're-hash' | 'remove' | 'swap rows' | 'swap lines' | 'truncate';
const TAMPERINGS: readonly Tampering[] = ['edit', 're-hash', 'remove', 'swap rows', 'swap lines', 'truncate'];

/** Applies one tampering in place; a swap stays within the verifier's window of 8. */
function tamper(records: AuditRecord[], kind: Tampering, rnd: () => number): void {
  if (records.length < 2) return;
  const at = Math.floor(rnd() * records.length);
  const r = records[at] as AuditRecord;
  switch (kind) {
    case 'edit':
      records[at] = { ...r, actor: 'user/mallory' };
      return;
    case 're-hash': {
      const changed = { ...r, resource: 'trn:tessera:fragment/other@1' };
      records[at] = { ...changed, hash: hashRecord(changed) };
      return;
    }
    case 'remove':
      records.splice(at, 1 + Math.floor(rnd() * 3));
      return;
    case 'swap rows':
    case 'swap lines': {
      const other = Math.min(records.length - 1, at + 1 + Math.floor(rnd() * 7));
      if (other === at) return;
      const a = records[at] as AuditRecord;
      const b = records[other] as AuditRecord;
      // Rows: contents swapped, the seq column kept. Lines: whole records swapped (an export).
      records[at] = kind === 'swap rows' ? { ...b, seq: a.seq } : b;
      records[other] = kind === 'swap rows' ? { ...a, seq: b.seq } : a;
      return;
    }
    case 'truncate':
      records.splice(at);
  }
}

describe('ChainVerifier (streaming) against the whole-log verifier', () => {
  it('agrees on 3000 random logs with random tampering', () => {
    let broken = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const rnd = random(seed);
      const original = chain(1 + Math.floor(rnd() * 60));
      const records = [...original];
      const tamperings = Math.floor(rnd() * 4);
      let swapped = false;
      for (let i = 0; i < tamperings; i++) {
        const kind = TAMPERINGS[Math.floor(rnd() * TAMPERINGS.length)] as Tampering;
        // One swap a log: two composed can carry a record beyond the window (the last test).
        if (kind.startsWith('swap') && swapped) continue;
        swapped ||= kind.startsWith('swap');
        tamper(records, kind, rnd);
      }
      const last = original.at(-1) as AuditRecord;
      const options = rnd() < 0.5 ? { expectedHead: { seq: last.seq, hash: last.hash } } : {};
      const want = verifyChainInMemory(records, options);
      const verifier = new ChainVerifier(options);
      let peak = 0;
      for (const r of records) {
        verifier.push(r);
        peak = Math.max(peak, verifier.retained);
      }
      expect(peak).toBeLessThanOrEqual(16);
      expect({ seed, ...verifier.finish() }).toEqual({ seed, ...want });
      if (!want.ok) broken++;
    }
    // The tampering is real: most logs come out broken, and some intact.
    expect(broken).toBeGreaterThan(1500);
    expect(broken).toBeLessThan(3000);
  });

  it('verifies an async stream like the array, and keeps its result once finished', async () => {
    const records = chain(30);
    records[12] = { ...(records[12] as AuditRecord), actor: 'user/mallory' };
    async function* pages() {
      for (let i = 0; i < records.length; i += 7) yield* records.slice(i, i + 7);
    }
    const streamed = await verifyChainStream(pages());
    expect(streamed).toEqual(verifyChain(records));
    expect(streamed.problems.map((p) => [p.code, p.seq])).toEqual([['audit/edited', 13]]);
    const verifier = new ChainVerifier();
    verifier.pushAll(records);
    expect(verifier.finish()).toBe(verifier.finish());
    expect(() => verifier.push(records[0] as AuditRecord)).toThrow(/after finish/);
  });

  it('reports a record moved beyond its window as edited: the break is still found', () => {
    const records = chain(40);
    const a = records[2] as AuditRecord;
    const b = records[30] as AuditRecord;
    records[2] = { ...b, seq: a.seq };
    records[30] = { ...a, seq: b.seq };
    // The whole-log verifier finds b's predecessor anywhere; the window only near its place.
    expect(verifyChainInMemory(records).problems[0]).toMatchObject({ code: 'audit/reordered', seq: 3 });
    expect(verifyChain(records).problems[0]).toMatchObject({ code: 'audit/edited', seq: 3 });
    expect(verifyChain(records).ok).toBe(false);
  });
});
