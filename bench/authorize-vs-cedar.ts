/**
 * Benchmark `authorize`: our compiled IAM authorizer against Cedar (cedar-wasm) on the same
 * decision problem, at 1,000 and 10,000 statements.
 *
 * For each size: generate the workload (bench/workload/iam-workload.ts), translate it to Cedar
 * (to-cedar.ts), compile both, check that both engines decide every checked request the same way
 * (any disagreement throws), then time decisions. Run alone (it adds the node flags it needs,
 * bench/lib/node-flags.ts) with
 *   npx tsx bench/authorize-vs-cedar.ts [--full] [--quick]
 * or through the harness, which records the result: `npm run bench -- authorize`.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
// The built package (what users run), not the sources through tsx: esbuild's keepNames wrappers
// would add a call to every closure created on the hot path. `npm run bench` builds first.
import { createAuthorizer, type Authorizer, type Decision } from '../src/index.js';
import { compare, describeMismatch, type Agreement } from './authorize/agreement.js';
import { cedarVersion, decide, decideRaw, preparse, statefulCalls } from './authorize/cedar-engine.js';
import {
  formatBytes, formatMs, formatNs, formatRate, formatRatio, median, medianMs, percentile, settledExternal, settledHeap, timeBatches, timeMs,
} from './lib/measure.js';
import { ensureNodeFlags } from './lib/node-flags.js';
import { target, type BenchOptions, type BenchResult } from './lib/types.js';
import { DEFAULT_SEED, generateWorkload } from './workload/iam-workload.js';
import { toCedar } from './workload/to-cedar.js';

export const name = 'authorize';

const SIZES = [1000, 10000] as const;
const REQUESTS = 10_000;

/** How much work each size gets; Cedar at 10,000 statements takes 60–80 ms a decision. */
interface Plan {
  readonly requests: number;
  readonly compileRuns: number;
  readonly cedarCompileRuns: number;
  /** Check every k-th request against Cedar (1 = all). */
  readonly agreementStride: number;
  /** Requests timed through Cedar (a prefix of the workload's, in batches of `cedarBatch`). */
  readonly cedarTimed: number;
  readonly cedarBatch: number;
  readonly oursBudgetMs: number;
  readonly oursMinPasses: number;
}

function planFor(size: number, options: BenchOptions): Plan {
  const big = size >= 10_000;
  if (options.quick) {
    return { requests: 1000, compileRuns: 2, cedarCompileRuns: 1, agreementStride: big ? 20 : 5, cedarTimed: big ? 20 : 100, cedarBatch: 10, oursBudgetMs: 200, oursMinPasses: 2 };
  }
  return {
    requests: REQUESTS,
    compileRuns: big ? 5 : 9,
    cedarCompileRuns: big ? 3 : 5,
    agreementStride: big && !options.full ? 10 : 1,
    cedarTimed: big ? 200 : 1000,
    cedarBatch: 10,
    oursBudgetMs: 3000,
    oursMinPasses: 10,
  };
}

interface SizeResult {
  readonly size: number;
  readonly requests: number;
  readonly agreement: Agreement;
  readonly ours: EngineNumbers & { readonly coldPassMs: number; readonly heapPerStatementCompiled: number; readonly heapPerStatementWarm: number };
  readonly cedar: EngineNumbers & { readonly firstPreparseMs: number; readonly wasmBytesPerStatement: number; readonly timedDecisions: number };
}

/** A type alias (not an interface) so that it is assignable to a Record when flattened into metrics. */
type EngineNumbers = {
  readonly compileMs: number;
  readonly medianNs: number;
  readonly p99Ns: number;
  readonly throughput: number;
};

/** Every `stride`-th index below `n`. */
const strided = (n: number, stride: number): number[] => Array.from({ length: Math.ceil(n / stride) }, (_, i) => i * stride);

function measureOurs(size: number, policies: Parameters<typeof createAuthorizer>[0], requests: Parameters<Authorizer['authorize']>[0][], plan: Plan, log: (m: string) => void) {
  // Heap held by the compiled set: measured around the first compile, then again once a pass over
  // the requests has built the per-action plans the authorizer caches lazily.
  const h0 = settledHeap();
  const authz = createAuthorizer(policies);
  const h1 = settledHeap();
  let decisions: Decision[] = [];
  const coldPassMs = timeMs(() => (decisions = requests.map((r) => authz.authorize(r))));
  const h2 = settledHeap();
  const compileMs = medianMs(plan.compileRuns, () => createAuthorizer(policies));
  log(`ours: compile ${formatMs(compileMs)} (median of ${plan.compileRuns}), first pass ${formatMs(coldPassMs)}`);

  let allows = 0; // consumed below so that the calls cannot be optimised away
  const decideOne = (r: (typeof requests)[number]) => {
    if (authz.authorize(r).decision === 'Allow') allows++;
  };
  for (let i = 0; i < 3; i++) for (const r of requests) decideOne(r);
  const t = timeBatches(requests, decideOne, { batch: 1000, minPasses: plan.oursMinPasses, maxPasses: 500, budgetMs: plan.oursBudgetMs });
  if (allows === 0 && requests.length > 100) log('ours: no request was allowed (unexpected for this workload)');
  const ours = {
    compileMs, coldPassMs, medianNs: median(t.samples), p99Ns: percentile(t.samples, 99), throughput: t.calls / (t.totalNs / 1e9),
    heapPerStatementCompiled: (h1 - h0) / size, heapPerStatementWarm: (h2 - h0) / size,
  };
  log(`ours: median ${formatNs(ours.medianNs)}, p99 ${formatNs(ours.p99Ns)} over ${t.samples.length} batches of 1,000`);
  return { ours, decisions };
}

async function measureSize(size: number, options: BenchOptions, log: (m: string) => void): Promise<SizeResult> {
  const plan = planFor(size, options);
  const w = generateWorkload({ statements: size, requests: plan.requests });
  const c = toCedar(w.documents, w.requests, w.actionUniverse);
  log(`${size} statements in ${w.documents.length} documents, ${w.requests.length} requests`);

  const { ours, decisions } = measureOurs(size, w.policies, [...w.requests], plan, log);

  // Cedar: wasm memory growth around the first preparse, and preparse times. Every run uses a
  // fresh id: re-using one also frees the previous set, which at 10,000 statements takes longer
  // than parsing it. cedar-wasm cannot drop a set, so these stay until the process exits, and
  // later runs get slower as wasm memory fills (hence the first run is reported too).
  const ext0 = settledExternal();
  const ids = Array.from({ length: plan.cedarCompileRuns }, (_, i) => `bench-authorize-${size}-${i}`);
  const times = [timeMs(() => preparse(ids[0] as string, c.policies))];
  const ext1 = settledExternal();
  for (const id of ids.slice(1)) times.push(timeMs(() => preparse(id, c.policies)));
  const cedarCompileMs = median(times);
  log(`cedar: preparse ${formatMs(cedarCompileMs)} (median of ${times.map(formatMs).join(', ')})`);
  const id = ids[0] as string;

  const calls = statefulCalls(id, c.requests);
  const indices = strided(calls.length, plan.agreementStride);
  const outcomes = [];
  const started = Date.now();
  for (let k = 0; k < indices.length; k++) {
    outcomes.push(decide(calls[indices[k] as number] as (typeof calls)[number]));
    if (k > 0 && k % 1000 === 0) log(`cedar: checked ${k}/${indices.length} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  const agreement = compare(w.requests, decisions, indices, outcomes);
  if (agreement.mismatches.length > 0) {
    for (const m of agreement.mismatches.slice(0, 10)) log(describeMismatch(m, c.policies));
    throw new Error(`${agreement.mismatches.length} of ${agreement.checked} requests decided differently by ours and Cedar at ${size} statements (first: ${agreement.mismatches[0]?.problem})`);
  }
  log(`agreement: ${agreement.checked}/${agreement.checked} requests decided alike (${JSON.stringify(agreement.mix)})`);

  // The agreement pass above has warmed Cedar up; time a prefix of the same calls.
  const timed = calls.slice(0, plan.cedarTimed);
  const t = timeBatches(timed, decideRaw, { batch: plan.cedarBatch, minPasses: 1, maxPasses: 1, budgetMs: 0 });
  const cedar = {
    compileMs: cedarCompileMs, firstPreparseMs: times[0] as number, medianNs: median(t.samples), p99Ns: percentile(t.samples, 99), throughput: t.calls / (t.totalNs / 1e9),
    wasmBytesPerStatement: (ext1 - ext0) / size, timedDecisions: t.calls,
  };
  log(`cedar: median ${formatNs(cedar.medianNs)}, p99 ${formatNs(cedar.p99Ns)} over ${t.samples.length} batches of ${plan.cedarBatch}`);
  return { size, requests: w.requests.length, agreement, ours, cedar };
}

const fmtSize = (n: number) => n.toLocaleString('en-US');

function report(results: readonly SizeResult[]): BenchResult {
  const [small, large] = results as [SizeResult, SizeResult];
  const ratio = (r: SizeResult) => r.cedar.medianNs / r.ours.medianNs;
  const scaling = large.ours.medianNs / small.ours.medianNs;
  const mix = (r: SizeResult) => {
    const pct = (k: keyof Agreement['mix']) => `${((100 * r.agreement.mix[k]) / r.agreement.checked).toFixed(0)}%`;
    return `${pct('Allow')} / ${pct('ExplicitDeny')} / ${pct('ImplicitDeny')}`;
  };
  const row = (label: string, f: (r: SizeResult) => string): string[] => [label, ...results.map(f)];
  const table = {
    columns: ['', ...results.map((r) => `${fmtSize(r.size)} statements`)],
    rows: [
      row('requests / agreeing with Cedar', (r) => `${fmtSize(r.requests)} / ${fmtSize(r.agreement.checked - r.agreement.mismatches.length)} of ${fmtSize(r.agreement.checked)} checked`),
      row('Allow / ExplicitDeny / ImplicitDeny', mix),
      row('ours: compile (median)', (r) => formatMs(r.ours.compileMs)),
      row('ours: first pass (builds per-action plans)', (r) => formatMs(r.ours.coldPassMs)),
      row('ours: median per decision', (r) => formatNs(r.ours.medianNs)),
      row('ours: p99 (of 1,000-decision batch means)', (r) => formatNs(r.ours.p99Ns)),
      row('ours: throughput (1 thread)', (r) => formatRate(r.ours.throughput)),
      row('ours: heap per statement (compiled / + plans)', (r) => `${formatBytes(r.ours.heapPerStatementCompiled)} / ${formatBytes(r.ours.heapPerStatementWarm)}`),
      row('cedar: preparse (first / median)', (r) => `${formatMs(r.cedar.firstPreparseMs)} / ${formatMs(r.cedar.compileMs)}`),
      row('cedar: median per decision', (r) => formatNs(r.cedar.medianNs)),
      row('cedar: p99 (of 10-decision batch means)', (r) => formatNs(r.cedar.p99Ns)),
      row('cedar: throughput (1 thread)', (r) => formatRate(r.cedar.throughput)),
      row('cedar: wasm memory growth per statement', (r) => formatBytes(r.cedar.wasmBytesPerStatement)),
      row('cedar / ours (median per decision)', (r) => formatRatio(ratio(r))),
      row('ours at this size / ours at 1,000', (r) => formatRatio(r.ours.medianNs / small.ours.medianNs)),
    ],
  };

  const metrics: Record<string, number | string | boolean> = { cedarVersion: cedarVersion(), seed: DEFAULT_SEED, scaling10kOver1k: scaling };
  for (const r of results) {
    const at = `@${r.size}`;
    const put = (prefix: string, o: Readonly<Record<string, number>>) => {
      for (const [k, v] of Object.entries(o)) metrics[`${prefix}.${k}${at}`] = v;
    };
    put('ours', r.ours);
    put('cedar', r.cedar);
    metrics[`cedarOverOurs${at}`] = ratio(r);
    metrics[`requests${at}`] = r.requests;
    metrics[`agreementChecked${at}`] = r.agreement.checked;
    put('mix', r.agreement.mix);
  }

  return {
    name,
    title: 'IAM authorizer vs Cedar (cedar-wasm)',
    table,
    metrics,
    targets: [
      target('ours: median per decision, 1,000 statements', small.ours.medianNs / 1000, '<=', 2, 'µs'),
      target('ours: median at 10,000 / at 1,000 statements', scaling, '<=', 2, '×'),
      target('cedar-wasm / ours per decision, 1,000 statements', ratio(small), '>=', 100, '×'),
      target('cedar-wasm / ours per decision, 10,000 statements', ratio(large), '>=', 100, '×'),
      target('ours: compile 1,000 statements', small.ours.compileMs, '<=', 50, 'ms'),
    ],
    notes: [
      `Cedar ${cedarVersion()} via preparsePolicySet + statefulIsAuthorized (nodejs build, no schema); call objects are built before timing for both engines.`,
      `Agreement: every request at 1,000 statements; at 10,000 every ${planFor(10_000, {}).agreementStride}th unless run with --full (Cedar takes 60–80 ms a decision there).`,
      'Latency: median and p99 of per-batch mean latency (process.hrtime.bigint around each batch), after warm-up passes; with 20 Cedar batches at 10,000 statements, its p99 is the slowest batch.',
    ],
  };
}

export async function run(options: BenchOptions = {}): Promise<BenchResult> {
  const log = options.log ?? (() => undefined);
  const results: SizeResult[] = [];
  for (const size of SIZES) results.push(await measureSize(size, options, (m) => log(`[${fmtSize(size)}] ${m}`)));
  return report(results);
}

// Run directly (no recording): print the table and targets.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && ensureNodeFlags(fileURLToPath(import.meta.url))) {
  const args = process.argv.slice(2);
  const result = await run({ full: args.includes('--full'), quick: args.includes('--quick'), log: (m) => console.error(m) });
  console.log(JSON.stringify({ table: result.table, targets: result.targets }, null, 2));
}
