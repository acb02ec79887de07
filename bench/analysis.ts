/**
 * `npm run bench -- analysis`: exact containment checks on realistic policy pairs (a team
 * boundary and a delegated policy, 10–50 statements each, with conditions; bench/analysis/pairs.ts),
 * Tessera's decision procedure on every pair (the targets), and a Zelkova-style SMT encoding
 * solved by Z3 (bench/analysis/zelkova-z3.ts) on a prefix of the same pairs in the same process,
 * with a time limit per check. Decided verdicts must agree and every counterexample of either
 * engine must replay through Tessera's evaluator.
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

interface OursRow { readonly pair: AnalysisPair; readonly verdict: string; readonly ms: number }
interface PeerRow { readonly pair: AnalysisPair; readonly ours: string; readonly oursMs: number; readonly z3: string; readonly z3Ms: number }

/** Z3 gets this long per check; what it has not decided by then counts as a timeout. */
const Z3_TIMEOUT_MS = 5_000;

function checkOurs(pair: AnalysisPair): { verdict: string; ms: number; counterexample?: AuthorizationRequest } {
  // A fresh analyzer per check: no automaton is reused between questions.
  const t = performance.now();
  const r = new Analyzer({ actionUniverse: ACTION_UNIVERSE }).contains([JSON.stringify(pair.candidate)], [[JSON.stringify(pair.within)]]);
  const ms = performance.now() - t;
  if (!r.ok) return { verdict: 'invalid', ms };
  return r.result.verdict === 'not-contained' ? { verdict: r.result.verdict, ms, counterexample: r.result.counterexample } : { verdict: r.result.verdict, ms };
}

export async function run(options: BenchOptions = {}): Promise<BenchResult> {
  const log = options.log ?? (() => undefined);
  const count = options.quick === true ? 20 : options.full === true ? 1000 : 200;
  // Z3 needs up to Z3_TIMEOUT_MS a pair, so it gets a prefix of the same pairs.
  // Not more: on the 19th pair z3-solver 5.2's wasm build aborts the process (a stack overflow in
  // `smt::context::internalize_rec`), and on the first 18 it decided nothing within the limit.
  const peerCount = options.quick === true ? 3 : 12;
  const pairs = analysisPairs(count);
  const problems: string[] = [];

  // Ours on every pair, after a warm-up (JIT) on a few.
  for (const p of pairs.slice(0, 3)) checkOurs(p);
  const ours: OursRow[] = [];
  for (const pair of pairs) {
    const r = checkOurs(pair);
    ours.push({ pair, verdict: r.verdict, ms: r.ms });
    if (r.verdict === 'invalid' || r.verdict === 'unknown') problems.push(`pair ${pair.id}: ours answered ${r.verdict}`);
    if (r.counterexample !== undefined && !replays(r.counterexample, pair.candidate, pair.within)) problems.push(`pair ${pair.id}: our counterexample does not replay`);
    if (ours.length % 50 === 0) log(`analysis: ${ours.length}/${pairs.length} pairs (ours)`);
  }

  // The Z3 peer on a prefix, each pair timed again for ours right beside it.
  const z3 = await createZ3Checker({ timeoutMs: Z3_TIMEOUT_MS });
  const peer: PeerRow[] = [];
  try {
    await z3.contains(pairs[0]?.candidate ?? { Version: '2012-10-17', Statement: [] }, pairs[0]?.within ?? { Version: '2012-10-17', Statement: [] }); // loads the wasm module
    for (const pair of pairs.slice(0, peerCount)) {
      const o = checkOurs(pair);
      const t = performance.now();
      const z = await z3.contains(pair.candidate, pair.within);
      const z3Ms = performance.now() - t;
      peer.push({ pair, ours: o.verdict, oursMs: o.ms, z3: z.verdict, z3Ms });
      // A timeout is reported, not a failure; two different decided verdicts are a failure.
      if (z.verdict !== 'unknown' && z.verdict !== o.verdict) problems.push(`pair ${pair.id} (${pair.mutation ?? 'no mutation'}): ours ${o.verdict}, z3 ${z.verdict}`);
      if (z.counterexample !== undefined && !replays(z.counterexample, pair.candidate, pair.within)) problems.push(`pair ${pair.id}: the Z3 counterexample does not replay: ${JSON.stringify(z.counterexample)}`);
      log(`analysis: z3 ${peer.length}/${peerCount}: ${z.verdict} in ${z3Ms.toFixed(0)} ms${z.reason !== undefined ? ` (${z.reason})` : ''}`);
    }
  } finally {
    await z3.close();
  }
  if (problems.length > 0) throw new Error(`analysis benchmark failed:\n${problems.join('\n')}`);

  const times = ours.map((r) => r.ms).sort((a, b) => a - b);
  const contained = ours.filter((r) => r.verdict === 'contained').length;
  const notContained = ours.filter((r) => r.verdict === 'not-contained').length;
  const statements = ours.map((r) => r.pair.statements).sort((a, b) => a - b);
  const decided = peer.filter((r) => r.z3 !== 'unknown');
  const peerOurs = peer.map((r) => r.oursMs).sort((a, b) => a - b);
  const peerZ3 = peer.map((r) => r.z3Ms).sort((a, b) => a - b);
  // With timeouts in the sample, Z3's median is a lower bound (a timeout counts as the limit).
  const ratio = quantile(peerZ3, 0.5) / quantile(peerOurs, 0.5);
  const bound = decided.length < peer.length ? '≥ ' : '';
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  return {
    name: 'analysis',
    title: 'exact containment: Tessera vs a Zelkova-style Z3 encoding',
    table: {
      columns: ['', 'Tessera (automata + intervals)', `Z3 (SMT: strings, regex, reals, bit-vectors; ${Z3_TIMEOUT_MS / 1000} s limit)`],
      rows: [
        ['pairs checked', `${ours.length} (${contained} contained, ${notContained} not contained)`, `first ${peer.length} of them`],
        ['statements per pair (both policies)', `${statements[0]}–${statements.at(-1)} (median ${quantile(statements, 0.5)})`, ''],
        ['decided', `${contained + notContained} / ${ours.length}`, `${decided.length} / ${peer.length} (the rest timed out)`],
        ['verdicts where both decided', '', decided.length === 0 ? 'none to compare' : `${decided.length} / ${decided.length} agree`],
        ['median per check (all pairs)', ms(quantile(times, 0.5)), ''],
        ['p90 / p99 / max per check (all pairs)', `${ms(quantile(times, 0.9))} / ${ms(quantile(times, 0.99))} / ${ms(times.at(-1) ?? 0)}`, ''],
        [`median per check (first ${peer.length} pairs)`, ms(quantile(peerOurs, 0.5)), `${bound}${ms(quantile(peerZ3, 0.5))}`],
        ['Z3 / Tessera (median, same pairs)', '', `${bound}${ratio.toFixed(0)}×`],
      ],
    },
    metrics: {
      pairs: ours.length, contained, notContained, oursMedianMs: quantile(times, 0.5), oursP90Ms: quantile(times, 0.9), oursP99Ms: quantile(times, 0.99), oursMaxMs: times.at(-1) ?? 0,
      peerPairs: peer.length, z3Decided: decided.length, z3TimeoutMs: Z3_TIMEOUT_MS, z3MedianMs: quantile(peerZ3, 0.5), oursMedianOnPeerPairsMs: quantile(peerOurs, 0.5), ratioMedian: ratio, ratioIsLowerBound: bound !== '',
    },
    targets: [
      target('ours: median per check', quantile(times, 0.5), '<=', 50, 'ms'),
      target('ours: p99 per check', quantile(times, 0.99), '<=', 500, 'ms'),
    ],
    notes: [
      'Each check: parse, validate and translate both policies, then decide; Tessera builds a fresh Analyzer per check (no cache shared between pairs). Every not-contained verdict of either engine carries a counterexample, replayed through the evaluator.',
      `The Z3 peer (bench/analysis/zelkova-z3.ts, z3-solver wasm) encodes the question as one formula, as Zelkova does; a check it has not decided in ${Z3_TIMEOUT_MS / 1000} s counts as a timeout at that limit, so its median is then a lower bound. Decided verdicts must match ours, or the run fails.`,
      "Cedar's symbolic compiler (cedar-symcc) averages about 75 ms per check on its own benchmarks; it is not in cedar-wasm, so it is not run here.",
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await run({ quick: process.argv.includes('--quick'), log: (m) => console.error(m) });
  console.log(JSON.stringify(r.table, null, 2));
  process.exit(0);
}
