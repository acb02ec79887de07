/**
 * How steady the machine is while a benchmark runs. The project's machines are virtual and share
 * their host: on a busy host the same code runs up to 50% slower for minutes at a time, for us and
 * for the peer alike, and a latency target can fail for that alone. So the harness times one
 * fixed loop of plain arithmetic a few times before and after each benchmark; the fastest time is
 * the machine's speed, the slowest over the fastest is how much it wandered. Results whose spread
 * is large are not comparable with quiet runs (ratios to the peer, measured in the same run, still are).
 */
export interface Steadiness {
  /** Fastest and slowest time of the fixed loop, in ms. */
  readonly fastestMs: number;
  readonly slowestMs: number;
}

function probeOnce(): number {
  const start = performance.now();
  let x = 0;
  for (let i = 0; i < 50_000_000; i++) x = (x + (i & 7)) | 0;
  const ms = performance.now() - start;
  // Keeps the loop from being optimized away.
  if (x === 42) console.error('');
  return ms;
}

/** Times the fixed loop `runs` times. */
export function probe(runs = 5): number[] {
  return Array.from({ length: runs }, probeOnce);
}

export function steadiness(times: readonly number[]): Steadiness {
  return { fastestMs: Math.min(...times), slowestMs: Math.max(...times) };
}

export function describeSteadiness(s: Steadiness): string {
  const spread = s.slowestMs / s.fastestMs;
  const verdict = spread > 1.25 ? ': the host was busy, so absolute times are not comparable with quiet runs' : '';
  return `CPU probe (a fixed loop, timed 5 times before and after): ${s.fastestMs.toFixed(0)}–${s.slowestMs.toFixed(0)} ms, spread ${spread.toFixed(2)}×${verdict}.`;
}
