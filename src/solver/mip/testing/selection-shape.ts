/**
 * Models shaped like the component selection problem: packages as binaries, dependency closure
 * as implications `x_pkg ≤ x_dep`, a few conflict pairs, a size budget, and an objective of
 * benefits (security candidates) minus costs (installed size). Names are Debian-like and full of
 * characters the LP format refuses.
 */
import { MipModel, type Variable } from '../model.js';
import { between, seeded } from './random.js';

export interface SelectionShape {
  readonly model: MipModel;
  readonly packages: readonly Variable[];
  readonly candidates: readonly Variable[];
  /** Dependency edges [package, dependency], by package index. */
  readonly dependencies: readonly (readonly [number, number])[];
  readonly sizes: readonly number[];
}

export interface SelectionOptions {
  readonly seed: number;
  readonly packages?: number;
  readonly candidates?: number;
  readonly conflicts?: number;
  /** Share of the total size the budget allows (default 0.25). */
  readonly budgetShare?: number;
}

export function selectionShape(options: SelectionOptions): SelectionShape {
  const random = seeded(options.seed);
  const n = options.packages ?? 2000;
  const model = new MipModel();
  const packages = Array.from({ length: n }, (_, i) => model.binary(i % 3 === 0 ? `lib${i}c++-dev:amd64` : i % 3 === 1 ? `g++-${i}` : `python3.${i}-tls`));
  const sizes = packages.map(() => between(random, 10, 2000));

  // Each package depends on 1–4 earlier ones, skewed towards the first (the base libraries).
  const dependencies: [number, number][] = [];
  for (let i = 1; i < n; i++) {
    const deps = new Set<number>();
    for (let k = between(random, 1, 4); k > 0; k--) deps.add(Math.floor(random() * random() * i));
    for (const j of deps) {
      dependencies.push([i, j]);
      model.atMost(`depends:${packages[i]?.name}->${packages[j]?.name}`, [[1, packages[i] as Variable], [-1, packages[j] as Variable]], 0, { role: 'background' });
    }
  }

  const chosen = new Set<number>();
  while (chosen.size < (options.candidates ?? 60)) chosen.add(n - 1 - Math.floor(random() * n * 0.5));
  const candidates = [...chosen].map((i) => packages[i] as Variable);
  for (let k = 0; k < (options.conflicts ?? 8); k++) {
    const a = candidates[Math.floor(random() * candidates.length)] as Variable;
    const b = candidates[Math.floor(random() * candidates.length)] as Variable;
    if (a !== b && model.constraint(`conflicts:${a.name}|${b.name}`) === undefined && model.constraint(`conflicts:${b.name}|${a.name}`) === undefined) {
      model.atMost(`conflicts:${a.name}|${b.name}`, [[1, a], [1, b]], 1, { role: 'background' });
    }
  }

  const total = sizes.reduce((a, b) => a + b, 0);
  model.atMost('budget:installed-size', packages.map((p, i) => [sizes[i] as number, p] as const), Math.round(total * (options.budgetShare ?? 0.25)));
  const benefit = new Map(candidates.map((c) => [c.index, between(random, 1000, 50000)]));
  model.maximize(packages.map((p, i) => [(benefit.get(i) ?? 0) - (sizes[i] as number), p] as const));
  return { model, packages, candidates, dependencies, sizes };
}
