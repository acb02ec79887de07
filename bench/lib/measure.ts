/**
 * Measurement helpers shared by benchmarks: batched timing (a timer read costs tens of
 * nanoseconds, as much as the fastest decisions, so single calls are never timed alone), order
 * statistics, garbage collection for heap deltas, and number formatting.
 */

/**
 * Times `fn` over `items` in consecutive batches of `batch` calls and returns, per batch, the
 * mean nanoseconds per call. Repeats passes over `items` until at least `minPasses` are done and
 * `budgetMs` has elapsed, or `maxPasses` are done.
 */
export function timeBatches<T>(
  items: readonly T[],
  fn: (item: T) => void,
  opts: { batch: number; minPasses: number; maxPasses: number; budgetMs: number },
): { samples: number[]; calls: number; totalNs: number } {
  const samples: number[] = [];
  let calls = 0;
  let totalNs = 0;
  const start = process.hrtime.bigint();
  for (let pass = 0; pass < opts.maxPasses; pass++) {
    if (pass >= opts.minPasses && Number(process.hrtime.bigint() - start) / 1e6 >= opts.budgetMs) break;
    for (let from = 0; from < items.length; from += opts.batch) {
      const to = Math.min(items.length, from + opts.batch);
      const t0 = process.hrtime.bigint();
      for (let i = from; i < to; i++) fn(items[i] as T);
      const ns = Number(process.hrtime.bigint() - t0);
      samples.push(ns / (to - from));
      calls += to - from;
      totalNs += ns;
    }
  }
  return { samples, calls, totalNs };
}

/** Wall time of `fn` in milliseconds. */
export function timeMs(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Nearest-rank percentile (p in [0, 100]) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export const median = (values: readonly number[]): number => percentile(values, 50);

/** Median wall time (ms) of `runs` calls of `fn`. */
export function medianMs(runs: number, fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(timeMs(fn));
  return median(times);
}

/**
 * A full garbage collection via `global.gc`. Node must start with --expose-gc (V8 does not support
 * setting flags after startup); entry scripts re-execute themselves with it (node-flags.ts).
 */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: unknown }).gc;
  if (typeof gc !== 'function') throw new Error('heap measurements need a garbage collector: run node with --expose-gc (bench/lib/node-flags.ts)');
  (gc as () => void)();
  (gc as () => void)();
}

/** Heap in use after a full collection, in bytes. */
export function settledHeap(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/**
 * Memory outside the JS heap after a full collection, in bytes. WebAssembly linear memory is
 * counted here, and it only grows (by `memory.grow`), so a delta around a wasm call is that call's
 * high-water mark: what it retains plus whatever scratch it did not return.
 */
export function settledExternal(): number {
  collectGarbage();
  return process.memoryUsage().external;
}

/** A duration given in nanoseconds, in the unit that reads best. */
export function formatNs(ns: number): string {
  if (ns < 1_000) return `${ns.toFixed(0)} ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(ns < 10_000 ? 2 : 1)} µs`;
  if (ns < 1_000_000_000) return `${(ns / 1_000_000).toFixed(ns < 10_000_000 ? 2 : 1)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

export const formatMs = (ms: number): string => formatNs(ms * 1e6);

export function formatBytes(bytes: number): string {
  if (Math.abs(bytes) < 1024) return `${bytes.toFixed(0)} B`;
  if (Math.abs(bytes) < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Operations per second with thousands separators. */
export const formatRate = (perSecond: number): string => `${Math.round(perSecond).toLocaleString('en-US')}/s`;

export const formatRatio = (x: number): string => `${x >= 100 ? x.toFixed(0) : x.toFixed(2)}×`;
