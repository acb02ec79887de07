/**
 * An oracle independent of HiGHS for implication models: the maximum-weight closure of a
 * directed graph (choose nodes so that every chosen node's successors are chosen, maximising
 * total weight) equals the positive weight minus a minimum s–t cut (Picard 1976). The cut is
 * found with Dinic's max-flow algorithm.
 */
export function maxClosureWeight(weights: readonly number[], implications: readonly (readonly [from: number, to: number])[]): number {
  const n = weights.length;
  const source = n;
  const sink = n + 1;
  const flow = new FlowNetwork(n + 2);
  let positive = 0;
  weights.forEach((w, i) => {
    if (w > 0) {
      positive += w;
      flow.add(source, i, w);
    } else if (w < 0) flow.add(i, sink, -w);
  });
  for (const [from, to] of implications) flow.add(from, to, Infinity);
  return positive - flow.maxFlow(source, sink);
}

class FlowNetwork {
  readonly #head: number[];
  readonly #to: number[] = [];
  readonly #capacity: number[] = [];
  readonly #next: number[] = [];

  constructor(nodes: number) {
    this.#head = new Array<number>(nodes).fill(-1);
  }

  add(from: number, to: number, capacity: number): void {
    for (const [a, b, c] of [[from, to, capacity], [to, from, 0]] as const) {
      this.#to.push(b);
      this.#capacity.push(c);
      this.#next.push(this.#head[a] as number);
      this.#head[a] = this.#to.length - 1;
    }
  }

  maxFlow(source: number, sink: number): number {
    let total = 0;
    for (;;) {
      const level = this.#levels(source);
      if ((level[sink] as number) < 0) return total;
      const cursor = [...this.#head];
      for (let pushed = this.#push(source, sink, Infinity, level, cursor); pushed > 0; pushed = this.#push(source, sink, Infinity, level, cursor)) total += pushed;
    }
  }

  #levels(source: number): number[] {
    const level = new Array<number>(this.#head.length).fill(-1);
    level[source] = 0;
    const queue = [source];
    for (let q = 0; q < queue.length; q++) {
      const u = queue[q] as number;
      for (let e = this.#head[u] as number; e >= 0; e = this.#next[e] as number) {
        const v = this.#to[e] as number;
        if ((this.#capacity[e] as number) > 0 && (level[v] as number) < 0) {
          level[v] = (level[u] as number) + 1;
          queue.push(v);
        }
      }
    }
    return level;
  }

  /** One augmenting path in the level graph (iterative, so deep graphs cannot overflow the stack). */
  #push(source: number, sink: number, limit: number, level: number[], cursor: number[]): number {
    const path: number[] = [];
    let u = source;
    for (;;) {
      if (u === sink) {
        const amount = path.reduce((m, e) => Math.min(m, this.#capacity[e] as number), limit);
        for (const e of path) {
          this.#capacity[e] = (this.#capacity[e] as number) - amount;
          this.#capacity[e ^ 1] = (this.#capacity[e ^ 1] as number) + amount;
        }
        return amount;
      }
      let e = cursor[u] as number;
      while (e >= 0 && !((this.#capacity[e] as number) > 0 && level[this.#to[e] as number] === (level[u] as number) + 1)) e = this.#next[e] as number;
      cursor[u] = e;
      if (e >= 0) {
        path.push(e);
        u = this.#to[e] as number;
      } else {
        if (path.length === 0) return 0;
        level[u] = -1; // a dead end: never enter it again in this phase
        const back = path.pop() as number;
        u = this.#to[back ^ 1] as number;
      }
    }
  }
}
