/**
 * `npm run bench -- analysis`: exact containment checks on realistic policy pairs (a team
 * boundary and a delegated policy, 10–50 statements each, with conditions; bench/analysis/pairs.ts),
 * Tessera's decision procedure against a Zelkova-style SMT encoding solved by Z3
 * (bench/analysis/zelkova-z3.ts), on the same pairs in the same process. Every verdict must agree
 * and every counterexample of either engine must replay through Tessera's evaluator.
 */
import { Analyzer } from '../src/policy-analysis/index.js';
import { createAuthorizer, type AuthorizationRequest } from '../src/policy/index.js';
import { analysisPairs, type AnalysisPair, type PolicyDocument } from './analysis/pairs.js';
import { createZ3Checker } from './analysis/zelkova-z3.js';
import type { BenchOptions, BenchResult } from './lib/types.js';
import { target } from './lib/types.js';
import { ACTION_UNIVERSE } from './workload/aws-services.js';

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

function replays(request: AuthorizationRequest, candidate: PolicyDocument, within: PolicyDocument): boolean {
  const allowed = (p: PolicyDocument) => createAuthorizer({ identity: [JSON.stringify(p)] }).authorize(request).decision === 'Allow';
  return allowed(candidate) && !allowed(within);
}

interface Row { readonly pair: AnalysisPair; readonly ours: string; readonly oursMs: number; readonly z3: string; readonly z3Ms: number }

export async function run(options: BenchOptions = {}): Promise<BenchResult> {
  const log = options.log ?? (() => undefined);
  const count = options.quick === true ? 20 : options.full === true ? 1000 : 200;
  const pairs = analysisPairs(count);
  const z3 = await createZ3Checker({ timeoutMs: 30_000 });
  const rows: Row[] = [];
  const problems: string[] = [];
  try {
    // Warm both up on a few pairs (JIT, the Z3 wasm module) before timing.
    for (const p of pairs.slice(0, 3)) {
      new Analyzer({ actionUniverse: ACTION_UNIVERSE }).contains([JSON.stringify(p.candidate)], [[JSON.stringify(p.within)]]);
      await z3.contains(p.candidate, p.within);
    }
    for (const pair of pairs) {
      // A fresh analyzer per check: no automaton is reused between questions.
      let t = performance.now();
      const r = new Analyzer({ actionUniverse: ACTION_UNIVERSE }).contains([JSON.stringify(pair.candidate)], [[JSON.stringify(pair.within)]]);
      const oursMs = performance.now() - t;
      t = performance.now();
      const z = await z3.contains(pair.candidate, pair.within);
      const z3Ms = performance.now() - t;
      const ours = r.ok ? r.result.verdict : 'invalid';
      rows.push({ pair, ours, oursMs, z3: z.verdict, z3Ms });
      if (ours !== z.verdict) problems.push(`pair ${pair.id} (${pair.mutation ?? 'no mutation'}): ours ${ours}, z3 ${z.verdict}${z.reason ? ` (${z.reason})` : ''}`);
      if (r.ok && r.result.verdict === 'not-contained' && !replays(r.result.counterexample, pair.candidate, pair.within)) problems.push(`pair ${pair.id}: our counterexample does not replay`);
      if (z.counterexample !== undefined && !replays(z.counterexample, pair.candidate, pair.within)) problems.push(`pair ${pair.id}: the Z3 counterexample does not replay: ${JSON.stringify(z.counterexample)}`);
      if (rows.length % 50 === 0) log(`analysis: ${rows.length}/${pairs.length} pairs`);
    }
  } finally {
    await z3.close();
  }
  if (problems.length > 0) throw new Error(`the engines disagree:\n${problems.join('\n')}`);
  const ours = rows.map((r) => r.oursMs).sort((a, b) => a - b);
  const peer = rows.map((r) => r.z3Ms).sort((a, b) => a - b);
  const contained = rows.filter((r) => r.ours === 'contained').length;
  const notContained = rows.filter((r) => r.ours === 'not-contained').length;
  const statements = rows.map((r) => r.pair.statements).sort((a, b) => a - b);
  const ratio = quantile(peer, 0.5) / quantile(ours, 0.5);
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  return {
    name: 'analysis',
    title: 'exact containment: Tessera vs a Zelkova-style Z3 encoding',
    table: {
      columns: ['', 'Tessera (automata + intervals)', 'Z3 (SMT, strings + regex)'],
      rows: [
        ['pairs / contained / not contained', `${rows.length} / ${contained} / ${notContained}`, 'same verdicts on every pair'],
        ['statements per pair (both policies)', `${statements[0]}–${statements.at(-1)} (median ${quantile(statements, 0.5)})`, ''],
        ['median per check', ms(quantile(ours, 0.5)), ms(quantile(peer, 0.5))],
        ['p90 per check', ms(quantile(ours, 0.9)), ms(quantile(peer, 0.9))],
        ['p99 per check', ms(quantile(ours, 0.99)), ms(quantile(peer, 0.99))],
        ['max', ms(ours.at(-1) ?? 0), ms(peer.at(-1) ?? 0)],
        ['Z3 / Tessera (median)', '', `${ratio.toFixed(1)}×`],
      ],
    },
    metrics: {
      pairs: rows.length, contained, notContained, oursMedianMs: quantile(ours, 0.5), oursP90Ms: quantile(ours, 0.9), oursP99Ms: quantile(ours, 0.99), oursMaxMs: ours.at(-1) ?? 0,
      z3MedianMs: quantile(peer, 0.5), z3P99Ms: quantile(peer, 0.99), ratioMedian: ratio,
    },
    targets: [
      target('ours: median per check', quantile(ours, 0.5), '<=', 50, 'ms'),
      target('ours: p99 per check', quantile(ours, 0.99), '<=', 500, 'ms'),
    ],
    notes: [
      'Each check: parse, validate and translate both policies, then decide; Tessera builds a fresh Analyzer per check (no cache shared between pairs). Not-contained verdicts of both engines carry counterexamples, replayed through the evaluator.',
      "Cedar's symbolic compiler (cedar-symcc) averages about 75 ms per check on its own benchmarks; it is not in cedar-wasm, so it is not run here.",
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await run({ quick: process.argv.includes('--quick'), log: (m) => console.error(m) });
  console.log(JSON.stringify(r.table, null, 2));
  process.exit(0);
}
