/**
 * The benchmark harness behind `npm run bench`, which compiles src/ and bench/ with tsc into
 * bench-dist/ and runs the JavaScript under plain node: what users run, without tsx's on-the-fly
 * transform (which wraps every closure with a naming helper and slowed the authorizer by ~50%).
 *
 *
 *   npm run bench                    every benchmark
 *   npm run bench -- authorize       only the named one(s)
 *   npm run bench -- --full          exhaustive checks where a benchmark samples by default
 *   npm run bench -- --quick         smoke run: small and fast, nothing recorded
 *   npm run bench -- --strict        exit non-zero when a target is missed
 *
 * Each benchmark is a module exporting `run(options?): Promise<BenchResult>` (bench/lib/types.ts).
 * The harness records the machine and date with each result in `bench/results/<name>.json` and
 * regenerates the results section of bench/README.md from every recorded result, so running one
 * benchmark leaves the others' rows in place.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, arch, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNodeFlags } from './lib/node-flags.js';
import { ROOT } from './lib/root.js';
import { describeSteadiness, probe, steadiness, type Steadiness } from './lib/steadiness.js';
import type { BenchModule, BenchOptions, BenchResult, Table, Target } from './lib/types.js';

/** The registry: a new benchmark is one line here. */
const BENCHMARKS: Readonly<Record<string, () => Promise<BenchModule>>> = {
  authorize: () => import('./authorize-vs-cedar.js'),
  analysis: () => import('./analysis.js'),
  synthesis: () => import('./synthesis.js'),
  risk: () => import('./risk.js'),
  catalog: () => import('./catalog.js'),
  resolve: () => import('./resolve.js'),
  selection: () => import('./selection.js'),
  image: () => import('./image.js'),
  store: () => import('./store.js'),
  server: () => import('./server.js'),
};

const RESULTS_DIR = join(ROOT, 'bench', 'results');
const README = join(ROOT, 'bench', 'README.md');
const START = '<!-- results:start -->';
const END = '<!-- results:end -->';
const FORMAT = 'tessera-bench/1';

interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly platform: string;
  readonly arch: string;
  readonly osRelease: string;
}

/** What `bench/results/<name>.json` holds. */
interface ResultFile {
  readonly format: typeof FORMAT;
  readonly name: string;
  readonly date: string;
  readonly durationMs: number;
  readonly node: string;
  readonly machine: Machine;
  readonly options: { readonly full: boolean };
  readonly pass: boolean;
  readonly result: BenchResult;
  /** Absent in results recorded before the probe existed. */
  readonly steadiness?: Steadiness;
}

function machine(): Machine {
  const list = cpus();
  return { cpu: list[0]?.model.trim() ?? 'unknown', cores: list.length, memoryBytes: totalmem(), platform: platform(), arch: arch(), osRelease: release() };
}

const formatNumber = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));
const cell = (s: string): string => s.replace(/\|/g, '\\|');

function markdownTable(t: Table): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(t.columns), line(t.columns.map(() => '---')), ...t.rows.map(line)].join('\n');
}

function targetsTable(targets: readonly Target[]): string {
  return markdownTable({
    columns: ['target', 'measured', 'limit', 'result'],
    rows: targets.map((g) => [g.name, `${formatNumber(g.measured)} ${g.unit}`, `${g.comparison === '<=' ? '≤' : '≥'} ${g.limit} ${g.unit}`, g.pass ? 'pass' : '**FAIL**']),
  });
}

function renderResult(f: ResultFile): string {
  const m = f.machine;
  const gib = (m.memoryBytes / 1024 ** 3).toFixed(1);
  return [
    `### \`${f.name}\`: ${f.result.title}`,
    '',
    `Run ${f.date.slice(0, 16).replace('T', ' ')} UTC on ${m.cpu} (${m.cores} cores, ${gib} GiB), Node ${f.node}, ${m.platform} ${m.arch}${f.options.full ? ', `--full`' : ''}; took ${(f.durationMs / 1000).toFixed(0)} s.`,
    '',
    markdownTable(f.result.table),
    '',
    targetsTable(f.result.targets),
    ...notesOf(f).flatMap((n, i) => (i === 0 ? ['', `- ${n}`] : [`- ${n}`])),
  ].join('\n');
}

function notesOf(f: ResultFile): string[] {
  return [...(f.result.notes ?? []), ...(f.steadiness !== undefined ? [describeSteadiness(f.steadiness)] : [])];
}

function isResultFile(x: unknown): x is ResultFile {
  return typeof x === 'object' && x !== null && (x as { format?: unknown }).format === FORMAT;
}

/** Every recorded result (other JSON in bench/results, e.g. fuzz crash reports, is skipped). */
function recordedResults(): ResultFile[] {
  if (!existsSync(RESULTS_DIR)) return [];
  const out: ResultFile[] = [];
  for (const file of readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.json')).sort()) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(join(RESULTS_DIR, file), 'utf8'));
      if (isResultFile(parsed)) out.push(parsed);
    } catch {
      // not ours or unreadable: leave it alone
    }
  }
  return out;
}

function updateReadme(): void {
  const body = recordedResults().map(renderResult).join('\n\n') || '_No results recorded yet: run `npm run bench`._';
  const section = `${START}\n${body}\n${END}`;
  const text = existsSync(README) ? readFileSync(README, 'utf8') : '# Benchmarks\n';
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  const next = from >= 0 && to > from ? text.slice(0, from) + section + text.slice(to + END.length) : `${text.trimEnd()}\n\n## Results\n\n${section}\n`;
  writeFileSync(README, next);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const flags = new Set(args.filter((a) => a.startsWith('--')));
  const unknownFlags = [...flags].filter((f) => !['--full', '--quick', '--strict'].includes(f));
  const names = args.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !(n in BENCHMARKS));
  if (unknown.length > 0 || unknownFlags.length > 0) {
    console.error(`unknown ${unknown.length > 0 ? `benchmark(s): ${unknown.join(', ')}` : `flag(s): ${unknownFlags.join(', ')}`}`);
    console.error(`benchmarks: ${Object.keys(BENCHMARKS).join(', ')}; flags: --full, --quick, --strict`);
    return 2;
  }
  const options: BenchOptions = { full: flags.has('--full'), quick: flags.has('--quick'), log: (m) => console.error(`  ${m}`) };
  let failed = false;
  let missed = false;
  for (const name of names.length > 0 ? names : Object.keys(BENCHMARKS)) {
    const load = BENCHMARKS[name];
    if (load === undefined) continue;
    console.error(`bench ${name}${options.quick ? ' (quick: not recorded)' : ''}`);
    const started = Date.now();
    const before = probe();
    let result: BenchResult;
    try {
      result = await (await load()).run(options);
    } catch (e) {
      console.error(`bench ${name} FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      failed = true;
      continue;
    }
    const file: ResultFile = {
      format: FORMAT, name: result.name, date: new Date().toISOString(), durationMs: Date.now() - started, node: process.version,
      machine: machine(), options: { full: options.full === true }, pass: result.targets.every((t) => t.pass), result,
      steadiness: steadiness([...before, ...probe()]),
    };
    console.log(`\n${renderResult(file)}\n`);
    if (!file.pass) missed = true;
    if (!options.quick) {
      mkdirSync(RESULTS_DIR, { recursive: true });
      writeFileSync(join(RESULTS_DIR, `${result.name}.json`), `${JSON.stringify(file, null, 2)}\n`);
    }
  }
  if (!options.quick) updateReadme();
  if (failed) return 1;
  return missed && flags.has('--strict') ? 1 : 0;
}

// Benchmarks need node flags that a plain `node` or `tsx` start does not pass: re-run with them.
if (ensureNodeFlags(fileURLToPath(import.meta.url))) process.exitCode = await main();
