import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../test/support/shared-data.js';
import { CISA_COORDINATOR, COORDINATOR_TRIAGE, decide, DEPLOYER, SSVC_MODELS, SUPPLIER, type DecisionModel } from './ssvc.js';

/** A CERT/CC table: a header naming each point `Name vX.Y.Z`, then `row,value,...,outcome`. */
function readTable(path: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  // Quoted fields only appear in the header (the outcome group's name has commas).
  const split = (line: string) => (line.match(/("[^"]*"|[^,]+)/g) ?? []).map((f) => f.replace(/^"|"$/g, ''));
  return { header: split(lines[0] as string).slice(1), rows: lines.slice(1).map((l) => split(l).slice(1)) };
}

const TABLES: [string, DecisionModel][] = [
  ['deployer_patch_application_priority_1_0_0.csv', DEPLOYER],
  ['supplier_patch_development_priority_1_0_0.csv', SUPPLIER],
  ['cisa_coordinator_2_0_3.csv', CISA_COORDINATOR],
  ['coordinator_triage_1_0_0.csv', COORDINATOR_TRIAGE],
];

describe('SSVC decision functions against the CERT/CC tables', () => {
  for (const [file, model] of TABLES) {
    const path = sharedData(join('intel', 'ssvc', file));
    it.skipIf(path === undefined)(`${model.name} ${model.version} reproduces every row of ${file}`, () => {
      const { header, rows } = readTable(path as string);
      // The table's points are ours, in the same order and versions.
      expect(header.slice(0, -1)).toEqual(model.points.map((p) => `${p.name} v${p.version}`));
      // Every combination of values appears exactly once.
      expect(rows.length).toBe(model.points.reduce((n, p) => n * p.values.length, 1));
      expect(new Set(rows.map((r) => r.slice(0, -1).join('|'))).size).toBe(rows.length);
      for (const row of rows) {
        const input = Object.fromEntries(model.points.map((p, i) => [p.key, row[i] as string]));
        const r = decide(model, input);
        if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
        expect({ input: row.slice(0, -1).join(', '), outcome: r.decision.outcome }).toEqual({ input: row.slice(0, -1).join(', '), outcome: row.at(-1) });
      }
    });
  }

  it('frontier entries use only the points’ own values and are minimal', () => {
    for (const model of SSVC_MODELS) {
      const m = model as DecisionModel;
      for (const [outcome, entries] of Object.entries(m.frontier)) {
        expect(m.outcomes).toContain(outcome);
        for (const entry of entries ?? []) {
          expect(entry.length).toBe(m.points.length);
          entry.forEach((v, i) => expect(m.points[i]?.values).toContain(v));
        }
      }
    }
  });

  it('explains a decision by the rule that fired', () => {
    const r = decide(DEPLOYER, { exploitation: 'active', systemExposure: 'open', automatable: 'yes', humanImpact: 'very high' });
    expect(r.ok && r.decision.outcome).toBe('immediate');
    expect(r.ok && r.decision.because).toEqual({ exploitation: 'active', systemExposure: 'open', automatable: 'no', humanImpact: 'very high' });
    const low = decide(DEPLOYER, { exploitation: 'none', systemExposure: 'small', automatable: 'no', humanImpact: 'low' });
    expect(low.ok && low.decision).toMatchObject({ outcome: 'defer', because: null });
  });

  it('reads values in any case and reports missing or unknown ones', () => {
    expect(decide(CISA_COORDINATOR, { exploitation: 'Active', automatable: 'YES', technicalImpact: 'total', missionAndWellBeingImpact: 'High' })).toMatchObject({ ok: true, decision: { outcome: 'act' } });
    const bad = decide(DEPLOYER, { exploitation: 'weaponized', systemExposure: 'open', automatable: 'yes' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.diagnostics.map((d) => [d.code, d.point])).toEqual([['ssvc/unknown-value', 'exploitation'], ['ssvc/missing-value', 'humanImpact']]);
  });
});
