/**
 * The node flags benchmarks need, applied by re-executing the entry script when they are missing
 * (V8 flags cannot safely be set after startup).
 *
 * - `--expose-gc`: `global.gc`, for heap deltas.
 * - `--no-turbo-inline-js-wasm-calls`: Node 20's V8 (11.3) aborts with "Fatal error ... unreachable
 *   code" in `Deoptimizer::DoComputeBuiltinContinuation` after a few thousand cedar-wasm calls
 *   from an optimized function, when that function is deoptimized while a JS-to-Wasm call it
 *   inlined is on the stack (reproduced on 20.20.2 with this benchmark; the flag makes it go away).
 *   It only changes how JS calls into wasm (a generic wrapper instead of an inlined one), a few
 *   nanoseconds on a call that takes milliseconds, and nothing for the TypeScript authorizer.
 */
import { spawnSync } from 'node:child_process';

export const REQUIRED_NODE_FLAGS = ['--expose-gc', '--no-turbo-inline-js-wasm-calls'] as const;

const CHILD_MARK = 'TESSERA_BENCH_REEXEC';

/**
 * Returns true when this process has the flags (go on); otherwise runs `script` again in a child
 * node with them (and tsx), waits for it, sets this process's exit code from it and returns false.
 */
export function ensureNodeFlags(script: string): boolean {
  const missing = REQUIRED_NODE_FLAGS.filter((f) => !process.execArgv.includes(f));
  if (missing.length === 0 || process.env[CHILD_MARK] === '1') return true;
  // Compiled (bench-dist/, `npm run bench`): plain node. TypeScript (a module run on its own): tsx.
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawnSync(process.execPath, [...REQUIRED_NODE_FLAGS, ...loader, script, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, [CHILD_MARK]: '1' },
  });
  process.exitCode = child.status ?? 1;
  return false;
}
