/**
 * What the conditions of a statement require of one context key, as an element of a boolean
 * algebra the containment search can intersect, complement and test for emptiness.
 *
 * A single-valued key is missing or holds one value: `{ missing, values }` (may it be missing;
 * which values may it hold). A multi-valued key is missing or holds a non-empty list; its
 * constraints quantify over the list (ForAllValues, ForAnyValue), so it is kept as a union of
 * conjunctions `{ presence, some[], every }`: present-or-not, each `some` set holds at least one
 * value of the list, and every value lies in `every`.
 */
import type { ConditionClause, GlobToken } from '../policy/index.js';
import { conditionOperator } from '../policy/index.js';
import { positiveValues } from './clause-values.js';
import { allValues, complementValues, intersectValues, isEmptyValues, witnessValue, type ValueKind, type ValueSet } from './value-set.js';

export interface SingleKey {
  readonly multi: false;
  readonly missing: boolean;
  readonly values: ValueSet;
}

export interface Conjunct {
  readonly presence: 'any' | 'missing' | 'present';
  readonly some: readonly ValueSet[];
  readonly every?: ValueSet;
}

export interface MultiKey {
  readonly multi: true;
  readonly kind: ValueKind;
  readonly terms: readonly Conjunct[];
}

export type KeyConstraint = SingleKey | MultiKey;

export function unconstrained(kind: ValueKind, multi: boolean, missingAllowed = true): KeyConstraint {
  if (!multi) return { multi, missing: missingAllowed, values: allValues(kind) };
  return { multi, kind, terms: [{ presence: missingAllowed ? 'any' : 'present', some: [] }] };
}

/** The constraint one clause puts on its key; undefined when a value does not parse. */
export function clauseConstraint(clause: ConditionClause, kind: ValueKind, multi: boolean, resolved?: readonly (readonly GlobToken[] | undefined)[]): KeyConstraint | undefined {
  const op = conditionOperator(clause.baseOperator);
  if (op === undefined) return undefined;
  if (op.family === 'Null') {
    const wants = new Set(clause.values.map((v) => v.value.toLowerCase()));
    const missingOk = wants.has('true');
    const presentOk = wants.has('false');
    if (!multi) return { multi, missing: missingOk, values: presentOk ? allValues(kind) : complementValues(allValues(kind)) };
    const terms: Conjunct[] = [];
    if (missingOk) terms.push({ presence: 'missing', some: [] });
    if (presentOk) terms.push({ presence: 'present', some: [] });
    return { multi, kind, terms };
  }
  const positive = positiveValues(clause, resolved);
  if (positive === undefined) return undefined;
  // The values one request value must lie in for the per-value test to hold.
  const per = op.negated ? complementValues(positive) : positive;
  const set = clause.setOperator;
  if (!multi) {
    // One value: plain, ForAllValues and ForAnyValue agree; only missing keys differ.
    const missing = set === 'ForAnyValue' ? false : clause.ifExists || set === 'ForAllValues' ? true : op.negated;
    return { multi, missing, values: per };
  }
  if (set === 'ForAllValues') return { multi, kind, terms: [{ presence: 'any', some: [], every: per }] };
  if (set === 'ForAnyValue') return { multi, kind, terms: [{ presence: 'present', some: [per] }] };
  // No set operator on a list: positive = some value matches; negated = no value matches the positive form.
  const terms: Conjunct[] = op.negated ? [{ presence: 'any', some: [], every: per }] : [{ presence: 'present', some: [positive] }];
  if (clause.ifExists && !op.negated) terms.push({ presence: 'missing', some: [] });
  return { multi, kind, terms };
}

export function intersectKey(a: KeyConstraint, b: KeyConstraint): KeyConstraint {
  if (!a.multi && !b.multi) return { multi: false, missing: a.missing && b.missing, values: intersectValues(a.values, b.values) };
  const x = a as MultiKey;
  const y = b as MultiKey;
  const terms: Conjunct[] = [];
  for (const s of x.terms) for (const t of y.terms) {
    const c = meet(s, t);
    if (c !== undefined && satisfiable(c)) terms.push(c);
  }
  return { multi: true, kind: x.kind, terms };
}

function meet(s: Conjunct, t: Conjunct): Conjunct | undefined {
  const presence = s.presence === 'any' ? t.presence : t.presence === 'any' || t.presence === s.presence ? s.presence : undefined;
  if (presence === undefined) return undefined;
  const every = s.every === undefined ? t.every : t.every === undefined ? s.every : intersectValues(s.every, t.every);
  const c: Conjunct = { presence, some: [...s.some, ...t.some] };
  return every === undefined ? c : { ...c, every };
}

export function complementKey(a: KeyConstraint): KeyConstraint {
  if (!a.multi) return { multi: false, missing: !a.missing, values: complementValues(a.values) };
  // De Morgan: the complement of a union of conjunctions is the meet of the conjunctions' complements.
  let result: KeyConstraint = { multi: true, kind: a.kind, terms: [{ presence: 'any', some: [] }] };
  for (const c of a.terms) result = intersectKey(result, { multi: true, kind: a.kind, terms: negateConjunct(c) });
  return result;
}

/** ¬(presence ∧ some₁ ∧ … ∧ every) as a union of conjunctions. */
function negateConjunct(c: Conjunct): Conjunct[] {
  const out: Conjunct[] = [];
  if (c.presence === 'missing') out.push({ presence: 'present', some: [] });
  if (c.presence === 'present') out.push({ presence: 'missing', some: [] });
  // ¬(some value in P) = missing, or every value outside P.
  for (const p of c.some) out.push({ presence: 'any', some: [], every: complementValues(p) });
  // ¬(every value in Q) = present with some value outside Q.
  if (c.every !== undefined) out.push({ presence: 'present', some: [complementValues(c.every)] });
  return out; // empty when c was `true`: ¬true = nothing
}

function satisfiable(c: Conjunct): boolean {
  const every = c.every;
  const fits = (p: ValueSet) => !isEmptyValues(every === undefined ? p : intersectValues(p, every));
  if (c.presence === 'missing') return c.some.length === 0;
  if (c.some.length > 0) return c.some.every(fits);
  // No `some`: missing satisfies it (presence any), or one value inside `every` (presence present).
  return c.presence === 'any' || every === undefined || !isEmptyValues(every);
}

export function isEmptyKey(a: KeyConstraint): boolean {
  if (!a.multi) return !a.missing && isEmptyValues(a.values);
  return !a.terms.some(satisfiable);
}

/** A value for the key: `undefined` = leave it out of the context; `null` = impossible. */
export function witnessKey(a: KeyConstraint, marker?: string): string | string[] | undefined | null {
  if (!a.multi) {
    const v = witnessValue(a.values, marker);
    if (v !== undefined) return v;
    return a.missing ? undefined : null;
  }
  const c = a.terms.find(satisfiable);
  if (c === undefined) return null;
  if (c.presence !== 'present' && c.some.length === 0) return undefined;
  const every = c.every;
  const pick = (p: ValueSet) => witnessValue(every === undefined ? p : intersectValues(p, every));
  const values = c.some.length > 0 ? c.some.map(pick) : [every === undefined ? 'x' : witnessValue(every)];
  if (values.some((v) => v === undefined)) return null;
  return [...new Set(values as string[])];
}
