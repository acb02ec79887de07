/**
 * A small CDCL satisfiability solver, written for package resolution rather than for SAT
 * competitions: the decision order is the resolver's, not a generic heuristic. Decisions come
 * from *goals* — clauses the resolver wants satisfied in a given order (the roots, then each
 * installed package's dependency groups, alternatives in the order the maintainer wrote them) —
 * so the first solution found is the one apt's "first installable alternative" rule would pick.
 * Once no goal is open, every unassigned package is decided "not installed". Conflicts are
 * learned (first UIP) and the solver backjumps, so the search is complete: when no install set
 * exists, it says so, and `core` names the original clauses that prove it.
 *
 * Literals are non-zero integers: `v` installs package variable `v` (1-based), `-v` leaves it out.
 */

export interface SatProblem {
  readonly variables: number;
  /** Original clauses; a clause's index is its id in goals and in the unsatisfiable core. */
  readonly clauses: readonly (readonly number[])[];
  /** Clauses to satisfy first, in order (the roots). */
  readonly rootGoals: readonly Goal[];
  /** Per variable (index v): goals that matter once v is installed (its dependency groups). */
  readonly goalsOf: readonly (readonly Goal[] | undefined)[];
}

/** Literals in preference order; `hard` goals are also clauses, soft ones (Recommends) are only tried. */
export interface Goal {
  readonly literals: readonly number[];
}

export type SatResult =
  | { readonly sat: true; readonly model: Int8Array; readonly conflicts: number; readonly decisions: number }
  | { readonly sat: false; readonly core: readonly number[]; readonly conflicts: number; readonly decisions: number };

const TRUE = 1;
const FALSE = -1;
const code = (lit: number): number => (lit > 0 ? 2 * lit : -2 * lit + 1);

export function solveSat(problem: SatProblem, enabled?: (clause: number) => boolean): SatResult {
  return new Cdcl(problem, enabled).solve();
}

class Cdcl {
  private readonly n: number;
  private readonly clauses: Int32Array[] = [];
  /** For learned clauses (id ≥ originals): the clauses resolved to derive it, for the core. */
  private readonly derivedFrom: (number[] | undefined)[] = [];
  private readonly originals: number;
  private readonly watches: number[][];
  private readonly value: Int8Array;
  private readonly level: Int32Array;
  private readonly reason: Int32Array;
  private readonly trail: number[] = [];
  private readonly trailLim: number[] = [];
  private qhead = 0;
  /** The depth-first walk over goals: frames of (package variable or 0 for the roots, next goal). */
  private readonly frames: { variable: number; next: number }[] = [];
  private readonly marked: Uint8Array;
  private walked = false;
  /** Trail entries before this one are reached or not installed. */
  private reachScan = 0;
  private nextFree = 1;
  private conflicts = 0;
  private decisions = 0;
  private readonly units: number[] = [];
  private empty = -1;

  constructor(private readonly problem: SatProblem, enabled?: (clause: number) => boolean) {
    this.n = problem.variables;
    this.originals = problem.clauses.length;
    this.watches = Array.from({ length: 2 * this.n + 2 }, () => []);
    this.value = new Int8Array(this.n + 1);
    this.level = new Int32Array(this.n + 1);
    this.reason = new Int32Array(this.n + 1).fill(-1);
    this.marked = new Uint8Array(this.n + 1);
    problem.clauses.forEach((lits, id) => {
      const clause = Int32Array.from(lits);
      this.clauses.push(clause);
      this.derivedFrom.push(undefined);
      if (enabled !== undefined && !enabled(id)) return;
      if (clause.length === 0) this.empty = id;
      else if (clause.length === 1) this.units.push(id);
      else this.watch(id);
    });
  }

  solve(): SatResult {
    if (this.empty >= 0) return this.unsat(this.empty);
    for (const id of this.units) {
      const lit = this.clauses[id]![0]!;
      const v = this.valueOf(lit);
      if (v === FALSE) return this.unsat(id);
      if (v === 0) this.assign(lit, id);
    }
    for (;;) {
      const conflict = this.propagate();
      if (conflict >= 0) {
        this.conflicts++;
        if (this.trailLim.length === 0) return this.unsat(conflict);
        const [learned, backLevel, from] = this.analyze(conflict);
        this.backjump(backLevel);
        const id = this.learn(learned, from);
        this.assign(learned[0]!, id);
        continue;
      }
      const decision = this.pickDecision();
      if (decision === 0) return { sat: true, model: this.value.slice(), conflicts: this.conflicts, decisions: this.decisions };
      this.decisions++;
      this.trailLim.push(this.trail.length);
      this.assign(decision, -1);
    }
  }

  private valueOf(lit: number): number {
    const v = this.value[lit > 0 ? lit : -lit]!;
    return lit > 0 ? v : -v;
  }

  private assign(lit: number, reason: number): void {
    const v = lit > 0 ? lit : -lit;
    this.value[v] = lit > 0 ? TRUE : FALSE;
    this.level[v] = this.trailLim.length;
    this.reason[v] = reason;
    this.trail.push(lit);
  }

  private watch(id: number): void {
    const c = this.clauses[id]!;
    this.watches[code(c[0]!)]!.push(id);
    this.watches[code(c[1]!)]!.push(id);
  }

  /** Unit propagation over two watched literals; the id of a falsified clause, or -1. */
  private propagate(): number {
    while (this.qhead < this.trail.length) {
      const falsified = -this.trail[this.qhead++]!;
      const list = this.watches[code(falsified)]!;
      let keep = 0;
      for (let i = 0; i < list.length; i++) {
        const id = list[i]!;
        const c = this.clauses[id]!;
        if (c[0] === falsified) {
          c[0] = c[1]!;
          c[1] = falsified;
        }
        if (this.valueOf(c[0]!) === TRUE) {
          list[keep++] = id;
          continue;
        }
        let moved = false;
        for (let k = 2; k < c.length; k++) {
          if (this.valueOf(c[k]!) !== FALSE) {
            c[1] = c[k]!;
            c[k] = falsified;
            this.watches[code(c[1])]!.push(id);
            moved = true;
            break;
          }
        }
        if (moved) continue;
        list[keep++] = id;
        if (this.valueOf(c[0]!) === FALSE) {
          for (let j = i + 1; j < list.length; j++) list[keep++] = list[j]!;
          list.length = keep;
          return id;
        }
        this.assign(c[0]!, id);
      }
      list.length = keep;
    }
    return -1;
  }

  /** First-UIP learning; returns the clause (asserting literal first), its level and the clauses used. */
  private analyze(conflict: number): [number[], number, number[]] {
    const seen = new Uint8Array(this.n + 1);
    const learned = [0];
    const from: number[] = [];
    const current = this.trailLim.length;
    let pending = 0;
    let p = 0;
    let index = this.trail.length - 1;
    let clause = conflict;
    for (;;) {
      from.push(clause);
      for (const lit of this.clauses[clause]!) {
        const v = lit > 0 ? lit : -lit;
        if (v === (p > 0 ? p : -p) || seen[v] === 1) continue;
        seen[v] = 1;
        if (this.level[v] === 0) from.push(this.reason[v]!); // a fact: its reason joins the proof
        else if (this.level[v] === current) pending++;
        else learned.push(lit);
      }
      while (seen[Math.abs(this.trail[index]!)] !== 1) index--;
      p = this.trail[index--]!;
      clause = this.reason[Math.abs(p)]!;
      pending--;
      if (pending === 0) break;
    }
    learned[0] = -p;
    let back = 0;
    for (let i = 1; i < learned.length; i++) {
      const l = this.level[Math.abs(learned[i]!)]!;
      if (l > back) {
        back = l;
        [learned[1], learned[i]] = [learned[i]!, learned[1]!];
      }
    }
    return [learned, back, from];
  }

  private backjump(level: number): void {
    const start = this.trailLim[level]!;
    for (let i = this.trail.length - 1; i >= start; i--) {
      const v = Math.abs(this.trail[i]!);
      this.value[v] = 0;
      this.reason[v] = -1;
    }
    this.trail.length = start;
    this.trailLim.length = level;
    this.qhead = start;
    // A goal satisfied by a literal now undone is open again: walk the goals afresh.
    this.frames.length = 0;
    this.marked.fill(0);
    this.walked = false;
    this.reachScan = 0;
    this.nextFree = 1;
  }

  private learn(lits: number[], from: number[]): number {
    const id = this.clauses.length;
    this.clauses.push(Int32Array.from(lits));
    this.derivedFrom.push(from);
    if (lits.length >= 2) this.watch(id);
    return id;
  }

  /**
   * The next decision literal, or 0 when every variable is assigned (a model). Goals are walked
   * depth first, as apt's MarkInstall recurses: a package's groups are taken in order, and a
   * group's chosen package has all its own groups handled before the next group is looked at.
   * A group counts as satisfied only by a package the walk has reached ("marked"), not by one
   * that unit propagation happened to set first, so propagation order does not change choices.
   */
  private pickDecision(): number {
    if (!this.walked) {
      this.walked = true;
      this.frames.push({ variable: 0, next: 0 });
    }
    for (;;) {
      while (this.frames.length > 0) {
        const frame = this.frames[this.frames.length - 1]!;
        const goals = frame.variable === 0 ? this.problem.rootGoals : this.problem.goalsOf[frame.variable] ?? [];
        if (frame.next >= goals.length) {
          this.frames.pop();
          continue;
        }
        const choice = this.choose(goals[frame.next]!);
        if (choice === 0) {
          frame.next++;
          continue;
        }
        if (this.value[choice] === 0) return choice;
        // Already installed (propagated) but not reached yet: reach it now.
        this.marked[choice] = 1;
        frame.next++;
        this.frames.push({ variable: choice, next: 0 });
      }
      // Installed packages no goal reached (forced by a learned clause): walk their goals too.
      let unreached = 0;
      for (; this.reachScan < this.trail.length && unreached === 0; this.reachScan++) {
        const lit = this.trail[this.reachScan]!;
        if (lit > 0 && this.marked[lit] === 0) unreached = lit;
      }
      if (unreached === 0) break;
      this.marked[unreached] = 1;
      this.frames.push({ variable: unreached, next: 0 });
    }
    for (; this.nextFree <= this.n; this.nextFree++) {
      if (this.value[this.nextFree] === 0) return -this.nextFree;
    }
    return 0;
  }

  /** 0 when a reached package satisfies the goal (or nothing can); else its first possible literal. */
  private choose(goal: Goal): number {
    let choice = 0;
    for (const lit of goal.literals) {
      if (lit < 0) continue;
      const v = this.value[lit]!;
      if (v === TRUE && this.marked[lit] === 1) return 0;
      if (v !== FALSE && choice === 0) choice = lit;
    }
    return choice;
  }

  /** The original clauses behind a conflict at level 0. */
  private unsat(conflict: number): SatResult {
    const core = new Set<number>();
    const visited = new Set<number>();
    const stack = [conflict];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (id < 0 || visited.has(id)) continue;
      visited.add(id);
      if (id < this.originals) core.add(id);
      else stack.push(...this.derivedFrom[id]!);
      for (const lit of this.clauses[id]!) {
        const v = Math.abs(lit);
        if (this.value[v] !== 0 && this.level[v] === 0) stack.push(this.reason[v]!);
      }
    }
    return { sat: false, core: [...core].sort((a, b) => a - b), conflicts: this.conflicts, decisions: this.decisions };
  }
}
