/**
 * A mixed-integer linear model, built in memory and independent of any solver: variables with
 * bounds, named linear constraints `lower ≤ Σ a·x ≤ upper`, and a linear objective.
 *
 * Names are the caller's (package names, policy identifiers) and may contain anything; writers
 * derive solver-safe names from positions (`names.ts`) and results come back under these names.
 * Misuse of the builder (a duplicate name, a non-finite coefficient, a variable of another model)
 * is a programming error and throws `MipModelError`; solving never throws.
 */

export type VariableKind = 'binary' | 'integer' | 'continuous';

/**
 * `background` constraints are always part of the model (a dependency closure, a domain rule);
 * `policy` constraints are the ones an infeasibility explanation may name.
 */
export type ConstraintRole = 'background' | 'policy';

export type ObjectiveSense = 'maximize' | 'minimize';

export interface Variable {
  readonly index: number;
  readonly name: string;
  readonly kind: VariableKind;
  readonly lower: number;
  readonly upper: number;
}

/** One term `coefficient · variable` of a linear expression. */
export type Term = readonly [coefficient: number, variable: Variable];

export interface Constraint {
  readonly index: number;
  readonly name: string;
  readonly role: ConstraintRole;
  /** Variable indices, ascending and distinct (duplicate terms are summed, zeros dropped). */
  readonly columns: readonly number[];
  readonly coefficients: readonly number[];
  /** `-Infinity` when there is no lower bound. */
  readonly lower: number;
  /** `Infinity` when there is no upper bound. */
  readonly upper: number;
}

export interface Objective {
  readonly sense: ObjectiveSense;
  readonly columns: readonly number[];
  readonly coefficients: readonly number[];
  readonly offset: number;
}

export interface ConstraintOptions {
  /** Defaults to `policy`: without tags, every constraint is a candidate for an explanation. */
  readonly role?: ConstraintRole;
}

export class MipModelError extends Error {
  override readonly name = 'MipModelError';
}

/**
 * HiGHS treats |matrix entries| ≥ 1e15 and |costs| or |bounds| ≥ 1e20 as infinite (options
 * `large_matrix_value`, `infinite_cost`, `infinite_bound`), silently changing the model; a cost
 * of 1.5e21 turned an optimal objective into `Infinity` in a test. One limit below both keeps
 * every finite number finite.
 */
export const MAX_MAGNITUDE = 1e15;

export class MipModel {
  readonly #variables: Variable[] = [];
  readonly #constraints: Constraint[] = [];
  readonly #variableByName = new Map<string, Variable>();
  readonly #constraintByName = new Map<string, Constraint>();
  #objective: Objective = { sense: 'minimize', columns: [], coefficients: [], offset: 0 };

  get variables(): readonly Variable[] {
    return this.#variables;
  }

  get constraints(): readonly Constraint[] {
    return this.#constraints;
  }

  get objective(): Objective {
    return this.#objective;
  }

  variable(name: string): Variable | undefined {
    return this.#variableByName.get(name);
  }

  constraint(name: string): Constraint | undefined {
    return this.#constraintByName.get(name);
  }

  binary(name: string): Variable {
    return this.#addVariable(name, 'binary', 0, 1);
  }

  integer(name: string, lower: number, upper: number): Variable {
    return this.#addVariable(name, 'integer', lower, upper);
  }

  continuous(name: string, lower = 0, upper = Infinity): Variable {
    return this.#addVariable(name, 'continuous', lower, upper);
  }

  /** `lower ≤ Σ terms ≤ upper`; omit a side for a one-sided row. */
  addConstraint(name: string, terms: readonly Term[], bounds: { readonly lower?: number; readonly upper?: number }, options: ConstraintOptions = {}): Constraint {
    if (this.#constraintByName.has(name)) throw new MipModelError(`duplicate constraint name ${JSON.stringify(name)}`);
    const lower = bounds.lower ?? -Infinity;
    const upper = bounds.upper ?? Infinity;
    const where = (): string => `constraint ${JSON.stringify(name)}`;
    checkBounds(where, lower, upper);
    const { columns, coefficients } = this.#linear(terms, where);
    const constraint: Constraint = Object.freeze({ index: this.#constraints.length, name, role: options.role ?? 'policy', columns, coefficients, lower, upper });
    this.#constraints.push(constraint);
    this.#constraintByName.set(name, constraint);
    return constraint;
  }

  atMost(name: string, terms: readonly Term[], rhs: number, options?: ConstraintOptions): Constraint {
    return this.addConstraint(name, terms, { upper: rhs }, options);
  }

  atLeast(name: string, terms: readonly Term[], rhs: number, options?: ConstraintOptions): Constraint {
    return this.addConstraint(name, terms, { lower: rhs }, options);
  }

  equal(name: string, terms: readonly Term[], rhs: number, options?: ConstraintOptions): Constraint {
    return this.addConstraint(name, terms, { lower: rhs, upper: rhs }, options);
  }

  between(name: string, terms: readonly Term[], lower: number, upper: number, options?: ConstraintOptions): Constraint {
    return this.addConstraint(name, terms, { lower, upper }, options);
  }

  maximize(terms: readonly Term[], offset = 0): void {
    this.#setObjective('maximize', terms, offset);
  }

  minimize(terms: readonly Term[], offset = 0): void {
    this.#setObjective('minimize', terms, offset);
  }

  /** A copy with the same variables and objective and only the constraints `keep` accepts. */
  filterConstraints(keep: (constraint: Constraint) => boolean): MipModel {
    const copy = new MipModel();
    for (const v of this.#variables) copy.#addVariable(v.name, v.kind, v.lower, v.upper);
    const vars = copy.#variables;
    const terms = (columns: readonly number[], coefficients: readonly number[]): Term[] =>
      columns.map((column, k) => [coefficients[k] as number, vars[column] as Variable] as const);
    for (const c of this.#constraints) {
      if (keep(c)) copy.addConstraint(c.name, terms(c.columns, c.coefficients), { lower: c.lower, upper: c.upper }, { role: c.role });
    }
    const o = this.#objective;
    copy.#setObjective(o.sense, terms(o.columns, o.coefficients), o.offset);
    return copy;
  }

  #addVariable(name: string, kind: VariableKind, lower: number, upper: number): Variable {
    if (this.#variableByName.has(name)) throw new MipModelError(`duplicate variable name ${JSON.stringify(name)}`);
    checkBounds(() => `variable ${JSON.stringify(name)}`, lower, upper);
    const variable: Variable = Object.freeze({ index: this.#variables.length, name, kind, lower, upper });
    this.#variables.push(variable);
    this.#variableByName.set(name, variable);
    return variable;
  }

  #setObjective(sense: ObjectiveSense, terms: readonly Term[], offset: number): void {
    checkFinite('objective offset', offset);
    const { columns, coefficients } = this.#linear(terms, () => 'objective');
    this.#objective = Object.freeze({ sense, columns, coefficients, offset });
  }

  /** Sums duplicate terms and drops zeros: HiGHS rejects duplicate indices in a row, and its LP
   *  reader keeps only the last of repeated objective terms where it sums repeated row terms. */
  #linear(terms: readonly Term[], where: () => string): { columns: number[]; coefficients: number[] } {
    let ascending = true;
    for (let k = 0; k < terms.length; k++) {
      const [coefficient, variable] = terms[k] as Term;
      if (this.#variables[variable.index] !== variable) throw new MipModelError(`${where()}: variable ${JSON.stringify(variable.name)} belongs to another model`);
      if (!isAllowed(coefficient)) throw new MipModelError(`${where()}: the coefficient of ${JSON.stringify(variable.name)} ${NUMBER_RULE}, not ${coefficient}`);
      if (k > 0 && variable.index <= (terms[k - 1] as Term)[1].index) ascending = false;
    }
    // Rows usually arrive with distinct variables in order (an implication, a pair); only the
    // others pay for sorting and merging.
    const sorted = ascending ? terms : [...terms].sort((p, q) => p[1].index - q[1].index);
    const columns: number[] = [];
    const coefficients: number[] = [];
    for (const [coefficient, variable] of sorted) {
      const last = columns.length - 1;
      if (last >= 0 && columns[last] === variable.index) coefficients[last] = (coefficients[last] as number) + coefficient;
      else {
        columns.push(variable.index);
        coefficients.push(coefficient);
      }
    }
    let kept = 0;
    for (let k = 0; k < columns.length; k++) {
      const sum = coefficients[k] as number;
      if (!isAllowed(sum)) throw new MipModelError(`${where()}: the summed coefficient of ${JSON.stringify(this.#variables[columns[k] as number]?.name)} ${NUMBER_RULE}, not ${sum}`);
      if (sum === 0) continue;
      columns[kept] = columns[k] as number;
      coefficients[kept++] = sum;
    }
    columns.length = kept;
    coefficients.length = kept;
    return { columns: Object.freeze(columns) as number[], coefficients: Object.freeze(coefficients) as number[] };
  }
}

const NUMBER_RULE = 'must be a finite number below 1e15 in magnitude';

function isAllowed(value: number): boolean {
  return Number.isFinite(value) && Math.abs(value) < MAX_MAGNITUDE;
}

function checkFinite(what: string, value: number): void {
  if (!isAllowed(value)) throw new MipModelError(`${what} ${NUMBER_RULE}, not ${value}`);
}

/** Bounds are finite numbers below the limit, or the matching infinity. */
function checkBounds(what: () => string, lower: number, upper: number): void {
  if (lower !== -Infinity && !isAllowed(lower)) throw new MipModelError(`${what()}: the lower bound ${NUMBER_RULE}, not ${lower}`);
  if (upper !== Infinity && !isAllowed(upper)) throw new MipModelError(`${what()}: the upper bound ${NUMBER_RULE}, not ${upper}`);
  if (lower > upper) throw new MipModelError(`${what()}: lower bound ${lower} exceeds upper bound ${upper}`);
}
