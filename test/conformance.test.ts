/**
 * The IAM conformance suite: every case in testdata/iam-conformance/ runs through the same path as
 * `tessera authorize` (scenario text → parser → compiled authorizer), and through `explain`, which
 * must reach the same decision. Each case names the documented rule it checks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileParsedSet, explain, parseScenario } from '../src/policy/index.js';

interface Expect {
  decision: 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';
  implicitDenyBy?: string;
  implicitDenyLevel?: number;
  missingContextKeys?: string[];
  decidingSids?: string[];
}
interface Case {
  name: string;
  rule: string;
  scenario: unknown;
  expect: Expect;
}
interface CaseFile {
  topic: string;
  cases: Case[];
}

const DIR = join(import.meta.dirname, '..', 'testdata', 'iam-conformance');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const suites = files.map((f) => ({ file: f, data: JSON.parse(readFileSync(join(DIR, f), 'utf8')) as CaseFile }));
const total = suites.reduce((n, s) => n + s.data.cases.length, 0);

describe('IAM conformance suite', () => {
  it('has at least 300 cases, each citing a rule, with unique names', () => {
    expect(total).toBeGreaterThanOrEqual(300);
    const names = suites.flatMap((s) => s.data.cases.map((c) => c.name));
    expect(new Set(names).size).toBe(names.length);
    for (const s of suites) for (const c of s.data.cases) expect(c.rule.length, `${s.file}: ${c.name}`).toBeGreaterThan(10);
  });

  for (const { file, data } of suites) {
    describe(`${file}: ${data.topic}`, () => {
      it.each(data.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
        const text = JSON.stringify(c.scenario, null, 2);
        const parsed = parseScenario(text, file);
        expect(parsed.ok, JSON.stringify(parsed.diagnostics)).toBe(true);
        if (!parsed.ok) return;
        const compiled = compileParsedSet(parsed.scenario.policies);
        expect(compiled.authorizer, JSON.stringify(compiled.diagnostics)).toBeDefined();
        if (compiled.authorizer === undefined) return;
        const d = compiled.authorizer.authorize(parsed.scenario.request);
        const why = `${c.rule}\n${d.summary}`;
        expect(d.decision, why).toBe(c.expect.decision);
        if (c.expect.implicitDenyBy !== undefined) expect(d.implicitDeny?.policyType, why).toBe(c.expect.implicitDenyBy);
        if (c.expect.implicitDenyLevel !== undefined) expect(d.implicitDeny?.level, why).toBe(c.expect.implicitDenyLevel);
        if (c.expect.missingContextKeys !== undefined) {
          const lower = (ks: readonly string[]) => [...ks].map((k) => k.toLowerCase()).sort();
          expect(lower(d.missingContextKeys), why).toEqual(lower(c.expect.missingContextKeys));
        }
        if (c.expect.decidingSids !== undefined) {
          const sids = d.decidingStatements.map((r) => r.sid);
          for (const sid of c.expect.decidingSids) expect(sids, why).toContain(sid);
        }
        // The explained (linear) view reaches the same decision.
        expect(explain(compiled.authorizer, parsed.scenario.request).decision.decision).toBe(d.decision);
      });
    });
  }
});
