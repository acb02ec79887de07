import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scoreCvss, withEnvironment } from './cvss.js';

/**
 * The CVSS v3.1 equations, written from the specification (section 7) as an independent oracle
 * for the library we score with.
 */
function roundup(x: number): number {
  const i = Math.round(x * 100000);
  return i % 10000 === 0 ? i / 100000 : (Math.floor(i / 10000) + 1) / 10;
}
const AV: Record<string, number> = { N: 0.85, A: 0.62, L: 0.55, P: 0.2 };
const AC: Record<string, number> = { L: 0.77, H: 0.44 };
const UI: Record<string, number> = { N: 0.85, R: 0.62 };
const CIA: Record<string, number> = { H: 0.56, L: 0.22, N: 0 };
const REQ: Record<string, number> = { X: 1, H: 1.5, M: 1, L: 0.5 };
const E: Record<string, number> = { X: 1, H: 1, F: 0.97, P: 0.94, U: 0.91 };
const RL: Record<string, number> = { X: 1, U: 1, W: 0.97, T: 0.96, O: 0.95 };
const RC: Record<string, number> = { X: 1, C: 1, R: 0.96, U: 0.92 };
const pr = (v: string, changed: boolean) => ({ N: 0.85, L: changed ? 0.68 : 0.62, H: changed ? 0.5 : 0.27 })[v] as number;

function v31(m: Record<string, string>): { base: number; temporal: number; environmental: number } {
  const g = (k: string) => m[k] as string;
  const mod = (k: string) => (m[`M${k}`] ?? 'X') === 'X' ? g(k) : (m[`M${k}`] as string);
  const changed = g('S') === 'C';
  const iss = 1 - (1 - (CIA[g('C')] as number)) * (1 - (CIA[g('I')] as number)) * (1 - (CIA[g('A')] as number));
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 : 6.42 * iss;
  const expl = 8.22 * (AV[g('AV')] as number) * (AC[g('AC')] as number) * pr(g('PR'), changed) * (UI[g('UI')] as number);
  const base = impact <= 0 ? 0 : roundup(Math.min((changed ? 1.08 : 1) * (impact + expl), 10));
  const t = (E[m.E ?? 'X'] as number) * (RL[m.RL ?? 'X'] as number) * (RC[m.RC ?? 'X'] as number);
  const temporal = roundup(base * t);
  const mChanged = mod('S') === 'C';
  const miss = Math.min(1 - (1 - (REQ[m.CR ?? 'X'] as number) * (CIA[mod('C')] as number)) * (1 - (REQ[m.IR ?? 'X'] as number) * (CIA[mod('I')] as number)) * (1 - (REQ[m.AR ?? 'X'] as number) * (CIA[mod('A')] as number)), 0.915);
  const mImpact = mChanged ? 7.52 * (miss - 0.029) - 3.25 * (miss * 0.9731 - 0.02) ** 13 : 6.42 * miss;
  const mExpl = 8.22 * (AV[mod('AV')] as number) * (AC[mod('AC')] as number) * pr(mod('PR'), mChanged) * (UI[mod('UI')] as number);
  const environmental = mImpact <= 0 ? 0 : roundup(roundup(Math.min((mChanged ? 1.08 : 1) * (mImpact + mExpl), 10)) * t);
  return { base, temporal, environmental };
}

const BASE_METRICS: [string, string[]][] = [['AV', ['N', 'A', 'L', 'P']], ['AC', ['L', 'H']], ['PR', ['N', 'L', 'H']], ['UI', ['N', 'R']], ['S', ['U', 'C']], ['C', ['H', 'L', 'N']], ['I', ['H', 'L', 'N']], ['A', ['H', 'L', 'N']]];
const OTHER_METRICS: [string, string[]][] = [['E', ['X', 'U', 'P', 'F', 'H']], ['RL', ['X', 'O', 'T', 'W', 'U']], ['RC', ['X', 'U', 'R', 'C']], ['CR', ['X', 'L', 'M', 'H']], ['IR', ['X', 'L', 'M', 'H']], ['AR', ['X', 'L', 'M', 'H']], ['MAV', ['X', 'N', 'A', 'L', 'P']], ['MAC', ['X', 'L', 'H']], ['MPR', ['X', 'N', 'L', 'H']], ['MUI', ['X', 'N', 'R']], ['MS', ['X', 'U', 'C']], ['MC', ['X', 'N', 'L', 'H']], ['MI', ['X', 'N', 'L', 'H']], ['MA', ['X', 'N', 'L', 'H']]];

function allBaseVectors(): Record<string, string>[] {
  let out: Record<string, string>[] = [{}];
  for (const [k, values] of BASE_METRICS) out = out.flatMap((m) => values.map((v) => ({ ...m, [k]: v })));
  return out;
}
const text = (m: Record<string, string>) => `CVSS:3.1/${Object.entries(m).map(([k, v]) => `${k}:${v}`).join('/')}`;

describe('CVSS scoring', () => {
  it('v3.1: every one of the 2,592 base vectors scores as the specification’s equations say', () => {
    const vectors = allBaseVectors();
    expect(vectors.length).toBe(2592);
    for (const m of vectors) {
      const r = scoreCvss(text(m));
      if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
      expect([text(m), r.value.base]).toEqual([text(m), v31(m).base]);
    }
  });

  it('v3.1: temporal and environmental scores match the equations on 3,000 seeded vectors', () => {
    let state = 7;
    const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const bases = allBaseVectors();
    for (let n = 0; n < 3000; n++) {
      const m: Record<string, string> = { ...bases[Math.floor(random() * bases.length)] };
      for (const [k, values] of OTHER_METRICS) if (random() < 0.4) m[k] = values[Math.floor(random() * values.length)] as string;
      const r = scoreCvss(text(m));
      if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
      const want = v31(m);
      const hasTemporal = ['E', 'RL', 'RC'].some((k) => m[k] !== undefined && m[k] !== 'X');
      const hasEnv = OTHER_METRICS.slice(3).some(([k]) => m[k] !== undefined && m[k] !== 'X');
      expect([text(m), r.value.threat ?? null]).toEqual([text(m), hasTemporal ? want.temporal : null]);
      expect([text(m), r.value.environmental ?? null]).toEqual([text(m), hasEnv ? want.environmental : null]);
    }
  });

  it('v3.1 and v3.0: the specification’s worked examples', () => {
    expect(scoreCvss('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N')).toMatchObject({ ok: true, value: { base: 7.5, severity: 'high' } }); // Heartbleed
    expect(scoreCvss('CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N')).toMatchObject({ ok: true, value: { base: 6.1, severity: 'medium' } }); // phpMyAdmin XSS
    expect(scoreCvss('CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toMatchObject({ ok: true, value: { version: '3.0', base: 9.8, severity: 'critical' } }); // Shellshock
  });

  it('v4.0: every vector of FIRST’s reference calculator scores the same (testdata/intel/cvss4-reference.txt)', () => {
    const lines = readFileSync(join(import.meta.dirname, '..', '..', 'testdata', 'intel', 'cvss4-reference.txt'), 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(500);
    for (const line of lines) {
      const [vector, score] = line.split(' - ') as [string, string];
      const r = scoreCvss(vector);
      if (!r.ok) throw new Error(`${vector}: ${JSON.stringify(r.diagnostics)}`);
      expect([vector, r.value.overall]).toEqual([vector, Number(score)]);
    }
  });

  it('v4.0: base, threat and environmental scores apart', () => {
    const r = scoreCvss('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U');
    expect(r).toMatchObject({ ok: true, value: { version: '4.0', base: 9.3, threat: 8.1, overall: 8.1, severity: 'high' } });
    expect(r.ok && r.value.environmental).toBeUndefined();
  });

  it('v2: the guide’s examples, with or without parentheses', () => {
    expect(scoreCvss('AV:N/AC:L/Au:N/C:N/I:N/A:C')).toMatchObject({ ok: true, value: { version: '2.0', base: 7.8, severity: 'high' } });
    expect(scoreCvss('(AV:L/AC:H/Au:N/C:C/I:C/A:C)')).toMatchObject({ ok: true, value: { base: 6.2, severity: 'medium' } });
  });

  it.each([
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H', /base metric `A` missing/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Q', /`Q` is not a value of `A`/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:L', /`AV` is given twice/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:1', /`XX` is not a CVSS 3.1 metric/],
    ['CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /base metric `AV` missing/],
    ['CVSS:5.0/AV:N', /not a CVSS version/],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N', /`SA` missing/],
    ['', /is not a CVSS 2.0 metric/],
  ])('rejects %s', (vector, message) => {
    const r = scoreCvss(vector);
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]?.message).toMatch(message);
  });

  it('sets the deployment’s requirements and attack vector, in the specification’s order', () => {
    const env = { confidentialityRequirement: 'H', integrityRequirement: 'H', availabilityRequirement: 'L', modifiedAttackVector: 'L' } as const;
    const v3 = withEnvironment('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MAC:H/CR:L', env);
    expect(v3).toMatchObject({ ok: true, value: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/CR:H/IR:H/AR:L/MAV:L/MAC:H' });
    const scored = scoreCvss(v3.ok ? v3.value : '');
    expect(scored.ok && scored.value.environmental).toBe(v31({ AV: 'N', AC: 'L', PR: 'N', UI: 'N', S: 'U', C: 'H', I: 'H', A: 'H', CR: 'H', IR: 'H', AR: 'L', MAV: 'L', MAC: 'H' }).environmental);
    expect(withEnvironment('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A', env)).toMatchObject({ ok: true, value: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/CR:H/IR:H/AR:L/MAV:L' });
    // v2 has no modified base metrics: only the requirements are set.
    expect(withEnvironment('AV:N/AC:L/Au:N/C:P/I:P/A:P', env)).toMatchObject({ ok: true, value: 'AV:N/AC:L/Au:N/C:P/I:P/A:P/CR:H/IR:H/AR:L' });
    expect(withEnvironment('CVSS:3.1/AV:N', env).ok).toBe(false);
  });
});
