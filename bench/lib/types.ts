/**
 * The contract between the harness (bench/run.ts) and a benchmark module: a module exports
 * `run(options?)` resolving to a BenchResult; the harness adds the machine and the date, writes
 * `bench/results/<name>.json` and renders the README table. Kept free of any one benchmark's
 * vocabulary so that new benchmarks only add a module and a line in the registry.
 */

export interface BenchOptions {
  /** Exhaustive checks even where they are slow (e.g. every request through the slower engine). */
  readonly full?: boolean;
  /** A smoke run: small sizes and few rounds; the harness does not record its numbers. */
  readonly quick?: boolean;
  /** Progress messages (the harness prints them to stderr). */
  readonly log?: (message: string) => void;
}

export interface Target {
  /** What is compared, e.g. `ours: median per decision, 1,000 statements`. */
  readonly name: string;
  readonly measured: number;
  readonly comparison: '<=' | '>=';
  readonly limit: number;
  /** Unit of `measured` and `limit` (`µs`, `ms`, `×`). */
  readonly unit: string;
  readonly pass: boolean;
}

/** A table as rows of already formatted cells; the first column names the row. */
export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export interface BenchResult {
  /** Registry name (`npm run bench -- <name>`) and results file name. */
  readonly name: string;
  readonly title: string;
  /** The human summary the README shows. */
  readonly table: Table;
  /** Every number, unformatted, for tooling and comparisons between runs. */
  readonly metrics: Readonly<Record<string, number | string | boolean>>;
  readonly targets: readonly Target[];
  /** Caveats a reader of the table needs (methodology, sampling). */
  readonly notes?: readonly string[];
}

export interface BenchModule {
  run(options?: BenchOptions): Promise<BenchResult>;
}

/** Builds a Target, deciding pass/fail from the comparison. */
export function target(name: string, measured: number, comparison: '<=' | '>=', limit: number, unit: string): Target {
  return { name, measured, comparison, limit, unit, pass: comparison === '<=' ? measured <= limit : measured >= limit };
}
