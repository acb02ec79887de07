/**
 * The model as CPLEX LP text, in the dialect HiGHS's reader accepts (`highs.solve(text)` and
 * `createModel({ format: 'lp' })`). Used to export a model for a person or another solver and as
 * the second, independent route into HiGHS that tests compare against the array route.
 *
 * What the reader needs, found by testing highs 1.15 (see docs/decisions.md):
 * - names from `names.ts` only; the original names never appear;
 * - no ranged rows (`-3 <= x + y <= 1.5` aborts), so a range becomes two rows, `c<k>_…` for the
 *   lower side and `r<k>_…` for the upper;
 * - short lines: older readers had a fixed line buffer (255, later 560 characters), so lines
 *   are wrapped well below that;
 * - repeated objective terms are not summed (the model has already merged them);
 * - every variable must appear somewhere: binaries in `Binaries`, the rest in `Bounds`.
 */
import type { MipModel } from './model.js';
import { lpName } from './names.js';

export interface LpText {
  readonly text: string;
  /** The LP name of each variable, by the variable's index. */
  readonly columnNames: readonly string[];
  /** For each row of the LP text, in order, the index of the model constraint it came from. */
  readonly rowConstraints: readonly number[];
}

export interface LpWriteOptions {
  /** Write a zero objective (a pure feasibility question) instead of the model's. */
  readonly objective?: boolean;
}

const LINE_LIMIT = 200;

/** A fixed-at-zero column that empty rows can mention when the model has no variables. */
const PLACEHOLDER = 'z0_';

export function writeLp(model: MipModel, options: LpWriteOptions = {}): LpText {
  const columnNames = model.variables.map((v) => lpName('x', v.index, v.name));
  const out = new LineWriter();
  const objective = model.objective;

  out.line(objective.sense === 'maximize' ? 'Maximize' : 'Minimize');
  out.start(' obj:');
  if (options.objective !== false) {
    writeTerms(out, objective.columns, objective.coefficients, columnNames);
    if (objective.offset !== 0) out.word(`${sign(objective.offset)} ${num(Math.abs(objective.offset))}`);
  }
  out.end();

  out.line('Subject To');
  const rowConstraints: number[] = [];
  const emptyRowColumn = columnNames[0] ?? PLACEHOLDER;
  for (const c of model.constraints) {
    const row = (kind: 'c' | 'r', relation: string, rhs: number): void => {
      out.start(` ${lpName(kind, c.index, c.name)}:`);
      if (c.columns.length === 0) out.word(`0 ${emptyRowColumn}`);
      else writeTerms(out, c.columns, c.coefficients, columnNames);
      out.word(`${relation} ${num(rhs)}`);
      out.end();
      rowConstraints.push(c.index);
    };
    const hasLower = c.lower !== -Infinity;
    const hasUpper = c.upper !== Infinity;
    if (hasLower && hasUpper && c.lower === c.upper) row('c', '=', c.lower);
    else {
      if (hasLower) row('c', '>=', c.lower);
      if (hasUpper) row(hasLower ? 'r' : 'c', '<=', c.upper);
    }
    // A row with neither bound restricts nothing and is left out.
  }

  out.line('Bounds');
  for (const v of model.variables) {
    if (v.kind === 'binary') continue;
    const name = columnNames[v.index] as string;
    if (v.lower === v.upper) out.line(` ${name} = ${num(v.lower)}`);
    else if (v.lower === -Infinity && v.upper === Infinity) out.line(` ${name} free`);
    else out.line(` ${bound(v.lower)} <= ${name} <= ${bound(v.upper)}`);
  }
  if (model.variables.length === 0) out.line(` ${PLACEHOLDER} = 0`);

  writeList(out, 'Binaries', model.variables.filter((v) => v.kind === 'binary').map((v) => columnNames[v.index] as string));
  writeList(out, 'Generals', model.variables.filter((v) => v.kind === 'integer').map((v) => columnNames[v.index] as string));
  out.line('End');
  return { text: out.text(), columnNames, rowConstraints };
}

function writeTerms(out: LineWriter, columns: readonly number[], coefficients: readonly number[], names: readonly string[]): void {
  for (let k = 0; k < columns.length; k++) {
    const a = coefficients[k] as number;
    out.word(`${sign(a)} ${num(Math.abs(a))} ${names[columns[k] as number]}`);
  }
}

function writeList(out: LineWriter, header: string, names: readonly string[]): void {
  if (names.length === 0) return;
  out.line(header);
  out.start('');
  for (const name of names) out.word(name);
  out.end();
}

function sign(value: number): '+' | '-' {
  return value < 0 ? '-' : '+';
}

/** Shortest text that reads back as the same double; `-0` becomes `0`. */
function num(value: number): string {
  return value === 0 ? '0' : String(value);
}

function bound(value: number): string {
  if (value === Infinity) return '+inf';
  if (value === -Infinity) return '-inf';
  return num(value);
}

/** Accumulates words into lines no longer than LINE_LIMIT (a longer single word stays whole). */
class LineWriter {
  readonly #lines: string[] = [];
  #current = '';

  line(text: string): void {
    this.#lines.push(text);
  }

  start(prefix: string): void {
    this.#current = prefix;
  }

  word(word: string): void {
    if (this.#current.length + 1 + word.length > LINE_LIMIT && this.#current.trim() !== '') {
      this.#lines.push(this.#current);
      this.#current = ' ';
    }
    this.#current += ` ${word}`;
  }

  end(): void {
    if (this.#current.trim() !== '') this.#lines.push(this.#current);
    this.#current = '';
  }

  text(): string {
    return `${this.#lines.join('\n')}\n`;
  }
}
