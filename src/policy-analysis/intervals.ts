/**
 * Sets of numbers as sorted, disjoint, closed intervals. Two instantiations: finite doubles (Numeric
 * and Date condition values, which the evaluator compares as JavaScript numbers — so an open bound
 * becomes the adjacent double, and `(1, nextUp(1))` is rightly empty) and unsigned big integers
 * (IPv6 addresses, IPv4 as numbers).
 */

export interface Interval<N> {
  readonly lo: N;
  readonly hi: N;
}

export interface NumberLine<N> {
  readonly min: N;
  readonly max: N;
  next(n: N): N;
  prev(n: N): N;
  less(a: N, b: N): boolean;
}

export class IntervalSet<N> {
  constructor(
    readonly line: NumberLine<N>,
    readonly intervals: readonly Interval<N>[],
  ) {}

  static all<N>(line: NumberLine<N>): IntervalSet<N> {
    return new IntervalSet(line, [{ lo: line.min, hi: line.max }]);
  }

  static none<N>(line: NumberLine<N>): IntervalSet<N> {
    return new IntervalSet(line, []);
  }

  static of<N>(line: NumberLine<N>, lo: N, hi: N): IntervalSet<N> {
    return line.less(hi, lo) ? IntervalSet.none(line) : new IntervalSet(line, [{ lo, hi }]);
  }

  get isEmpty(): boolean {
    return this.intervals.length === 0;
  }

  union(other: IntervalSet<N>): IntervalSet<N> {
    const { less, next } = this.line;
    const all = [...this.intervals, ...other.intervals].sort((a, b) => (less(a.lo, b.lo) ? -1 : less(b.lo, a.lo) ? 1 : 0));
    const out: Interval<N>[] = [];
    for (const i of all) {
      const last = out[out.length - 1];
      // Merge overlapping or adjacent intervals (hi + 1 = next lo).
      if (last !== undefined && (!less(last.hi, i.lo) || (last.hi !== this.line.max && !less(next(last.hi), i.lo)))) {
        if (less(last.hi, i.hi)) out[out.length - 1] = { lo: last.lo, hi: i.hi };
      } else out.push(i);
    }
    return new IntervalSet(this.line, out);
  }

  intersect(other: IntervalSet<N>): IntervalSet<N> {
    const { less } = this.line;
    const out: Interval<N>[] = [];
    let i = 0;
    let j = 0;
    while (i < this.intervals.length && j < other.intervals.length) {
      const a = this.intervals[i] as Interval<N>;
      const b = other.intervals[j] as Interval<N>;
      const lo = less(a.lo, b.lo) ? b.lo : a.lo;
      const hi = less(a.hi, b.hi) ? a.hi : b.hi;
      if (!less(hi, lo)) out.push({ lo, hi });
      if (less(a.hi, b.hi)) i++;
      else j++;
    }
    return new IntervalSet(this.line, out);
  }

  complement(): IntervalSet<N> {
    const { min, max, less, next, prev } = this.line;
    const out: Interval<N>[] = [];
    let from: N | undefined = min;
    for (const i of this.intervals) {
      if (from !== undefined && less(from, i.lo)) out.push({ lo: from, hi: prev(i.lo) });
      from = i.hi === max || !less(i.hi, max) ? undefined : next(i.hi);
    }
    if (from !== undefined) out.push({ lo: from, hi: max });
    return new IntervalSet(this.line, out);
  }

  /** A member, preferring a value that `nice` says is nice (e.g. a whole number of seconds). */
  pick(nice?: (lo: N, hi: N) => N | undefined): N | undefined {
    const first = this.intervals[0];
    if (first === undefined) return undefined;
    for (const i of this.intervals) {
      const n = nice?.(i.lo, i.hi);
      if (n !== undefined) return n;
    }
    return first.lo;
  }
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** The adjacent finite double above (below) `x`; -0 is treated as 0. */
function step(x: number, up: boolean): number {
  if (x === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
  f64[0] = x;
  const bits = u64[0] as bigint;
  u64[0] = (x > 0) === up ? bits + 1n : bits - 1n;
  return f64[0] as number;
}

/** Finite doubles, as the evaluator compares Numeric and Date values. */
export const DOUBLES: NumberLine<number> = {
  min: -Number.MAX_VALUE,
  max: Number.MAX_VALUE,
  next: (n) => step(n, true),
  prev: (n) => step(n, false),
  less: (a, b) => a < b,
};

/** Unsigned integers of a given bit width (IP address spaces). */
export function bigLine(bits: number): NumberLine<bigint> {
  return { min: 0n, max: (1n << BigInt(bits)) - 1n, next: (n) => n + 1n, prev: (n) => n - 1n, less: (a, b) => a < b };
}
