/**
 * `npx tsx bench/analysis/z3-agreement.ts [count]` (default 100): Tessera's containment analyzer
 * and the Zelkova-style Z3 peer (zelkova-z3.ts) on the benchmark pairs (pairs.ts). Reports how
 * often the verdicts agree, each engine's median and p99 time per check, and whether every
 * counterexample (of either engine) replays through Tessera's evaluator: allowed by the candidate,
 * not allowed by `within`. Prints every disagreement in full.
 *
 * Exits 0 only when every verdict agrees and every counterexample replays. `unknown` from either
 * engine counts as a disagreement: on this workload both engines are complete, so an `unknown`
 * means a timeout or an unmodelled feature, which the benchmark must not hide.
 */
import { Analyzer } from '../../src/policy-analysis/index.js';
import { createAuthorizer, type AuthorizationRequest } from '../../src/policy/index.js';
import { ACTION_UNIVERSE } from '../workload/aws-services.js';
import { analysisPairs, type AnalysisPair, type PolicyDocument } from './pairs.js';
import { createZ3Checker, type Z3Checker, type Z3Verdict } from './zelkova-z3.js';

interface Outcome {
  readonly verdict: string;
  readonly ms: number;
  readonly counterexample?: AuthorizationRequest;
  readonly reason?: string;
}

interface Row {
  readonly pair: AnalysisPair;
  readonly tessera: Outcome;
  readonly z3: Outcome;
}

function allowedBy(policy: PolicyDocument, request: AuthorizationRequest): boolean {
  return createAuthorizer({ identity: [JSON.stringify(policy)] }).authorize(request).decision === 'Allow';
}

/** A real counterexample: the candidate allows it and `within` does not. */
function replays(request: AuthorizationRequest, pair: AnalysisPair): boolean {
  return allowedBy(pair.candidate, request) && !allowedBy(pair.within, request);
}

function runTessera(pair: AnalysisPair): Outcome {
  // A fresh analyzer per check, as in the benchmark: no automaton is reused between questions.
  const start = performance.now();
  const r = new Analyzer({ actionUniverse: ACTION_UNIVERSE }).contains([JSON.stringify(pair.candidate)], [[JSON.stringify(pair.within)]]);
  const ms = performance.now() - start;
  if (!r.ok) return { verdict: 'invalid', ms, reason: r.diagnostics.map((d) => d.message).join('; ') };
  const res = r.result;
  if (res.verdict === 'not-contained') return { verdict: res.verdict, ms, counterexample: res.counterexample };
  if (res.verdict === 'unknown') return { verdict: res.verdict, ms, reason: res.reasons.join('; ') };
  return { verdict: res.verdict, ms };
}

async function runZ3(checker: Z3Checker, pair: AnalysisPair): Promise<Outcome> {
  const start = performance.now();
  const v: Z3Verdict = await checker.contains(pair.candidate, pair.within);
  return { ...v, ms: performance.now() - start };
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

function timing(name: string, rows: readonly Row[], pick: (r: Row) => Outcome): string {
  const ms = rows.map((r) => pick(r).ms).sort((a, b) => a - b);
  const f = (x: number) => `${x.toFixed(1)} ms`;
  return `${name.padEnd(8)} median ${f(quantile(ms, 0.5))}, p90 ${f(quantile(ms, 0.9))}, p99 ${f(quantile(ms, 0.99))}, max ${f(ms.at(-1) ?? 0)}`;
}

function describe(name: string, o: Outcome): string {
  const lines = [`  ${name}: ${o.verdict} (${o.ms.toFixed(1)} ms)${o.reason !== undefined ? ` — ${o.reason}` : ''}`];
  if (o.counterexample !== undefined) lines.push(`    counterexample: ${JSON.stringify(o.counterexample)}`);
  return lines.join('\n');
}

function rssMb(): string {
  return `${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`;
}

async function main(): Promise<number> {
  const count = Number(process.argv[2] ?? 100);
  if (!Number.isInteger(count) || count < 1) throw new Error(`usage: z3-agreement.ts [count]; got ${process.argv[2]}`);
  const pairs = analysisPairs(count);
  const checker = await createZ3Checker({ timeoutMs: 60_000 });
  const rows: Row[] = [];
  const problems: string[] = [];
  let replayed = 0;
  try {
    // Warm-up (JIT, the Z3 wasm module), not timed.
    for (const p of pairs.slice(0, 3)) {
      runTessera(p);
      await runZ3(checker, p);
    }
    const rssBefore = rssMb();
    for (const pair of pairs) {
      const row: Row = { pair, tessera: runTessera(pair), z3: await runZ3(checker, pair) };
      rows.push(row);
      const issues: string[] = [];
      if (row.tessera.verdict !== row.z3.verdict || row.z3.verdict === 'unknown') issues.push('the verdicts differ (or are unknown)');
      for (const [name, o] of [['Z3', row.z3], ['Tessera', row.tessera]] as const) {
        if (o.counterexample === undefined) continue;
        if (replays(o.counterexample, pair)) replayed++;
        else issues.push(`the ${name} counterexample does not replay through Tessera's evaluator`);
      }
      if (issues.length > 0) {
        problems.push(`pair ${pair.id} (mutation: ${pair.mutation ?? 'none'}, ${pair.statements} statements): ${issues.join('; ')}\n${describe('Tessera', row.tessera)}\n${describe('Z3', row.z3)}\n  candidate: ${JSON.stringify(pair.candidate)}\n  within: ${JSON.stringify(pair.within)}`);
      }
      if (rows.length % 50 === 0) console.error(`${rows.length}/${pairs.length} pairs, rss ${rssMb()}`);
    }
    const agree = rows.filter((r) => r.tessera.verdict === r.z3.verdict && r.z3.verdict !== 'unknown').length;
    const byVerdict = (v: string) => rows.filter((r) => r.tessera.verdict === v).length;
    const counterexamples = rows.reduce((n, r) => n + (r.tessera.counterexample ? 1 : 0) + (r.z3.counterexample ? 1 : 0), 0);
    console.log(`pairs: ${rows.length} (Tessera: ${byVerdict('contained')} contained, ${byVerdict('not-contained')} not contained)`);
    console.log(`agreement: ${agree}/${rows.length}`);
    console.log(`counterexamples replayed: ${replayed}/${counterexamples} (Z3: ${rows.filter((r) => r.z3.counterexample).length}, Tessera: ${rows.filter((r) => r.tessera.counterexample).length})`);
    console.log(timing('Tessera', rows, (r) => r.tessera));
    console.log(timing('Z3', rows, (r) => r.z3));
    console.log(`process rss: ${rssBefore} after warm-up, ${rssMb()} at the end`);
  } finally {
    await checker.close();
  }
  for (const p of problems) console.log(`\nDISAGREEMENT ${p}`);
  return problems.length === 0 ? 0 : 1;
}

// Explicit exit: nothing of Z3's (workers, timers) may keep the process alive.
main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(2);
  },
);
