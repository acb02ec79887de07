/**
 * Policies into cubes: each statement becomes the set of requests it matches (its action, its
 * resource, and one constraint per context key), so that "allowed by this policy" is the union of
 * its Allow cubes minus the union of its Deny cubes.
 *
 * What the analysis does not model is refused with a reason (reported as `unknown`), never guessed:
 * Principal/NotPrincipal elements and policy variables (which tie one request field to another).
 */
import { conditionOperator, parseTemplate, resolveTemplate, templateVariables, tokenizeGlob, type GlobToken, type PolicyDocument, type Statement } from '../policy/index.js';
import type { Cube } from './cube.js';
import { clauseConstraint, intersectKey, unconstrained, type KeyConstraint } from './key-constraint.js';
import { complementValues } from './value-set.js';
import { substitutes, type KeyShape } from './shapes.js';
import { ANY_STRING, StringSet } from './string-set.js';

export interface StatementOrigin {
  readonly policy: number;
  readonly statement: number;
  readonly sid?: string;
}

export interface OriginCube {
  readonly cube: Cube;
  readonly origin: StatementOrigin;
}

/** A group of documents that together allow a request (identity-policy semantics). */
export interface Term {
  readonly allows: readonly OriginCube[];
  readonly denies: readonly OriginCube[];
}

export type TermResult = { readonly ok: true; readonly term: Term } | { readonly ok: false; readonly reasons: readonly string[] };

/**
 * Sets built from pattern lists, kept across analyses by one Analyzer (a synthesis checks the same
 * boundary again and again). Bounded: when full it starts over.
 */
export class SetCache {
  private readonly sets = new Map<string, StringSet>();
  constructor(private readonly capacity = 20_000) {}
  get(key: string, build: () => StringSet): StringSet {
    let s = this.sets.get(key);
    if (s === undefined) {
      s = build();
      if (this.sets.size >= this.capacity) this.sets.clear();
      this.sets.set(key, s);
    }
    return s;
  }
}

export function unsupported(documents: readonly PolicyDocument[]): string[] {
  const reasons = new Set<string>();
  for (const d of documents) {
    for (const s of d.statements) {
      const where = `statement ${s.sid ?? `#${s.index}`}`;
      if (s.principal !== undefined) reasons.add(`${where} has a Principal or NotPrincipal element; the analysis covers identity-style policies`);
    }
  }
  return [...reasons];
}

/**
 * How policy variables are modelled. `symbolic`: a variable's value is a fresh symbol (exact for
 * values that match no literal text of the policies: used to find counterexamples, which are then
 * replayed). `over`/`under`: a variable stands for any string / matches nothing, in the direction
 * that makes a statement's set larger / smaller (used to prove containment soundly).
 */
export type VariableMode = 'symbolic' | 'over' | 'under';

export function translate(documents: readonly PolicyDocument[], shapes: ReadonlyMap<string, KeyShape>, cache: SetCache, modes: { allow: VariableMode; deny: VariableMode } = { allow: 'symbolic', deny: 'symbolic' }): TermResult {
  const allows: OriginCube[] = [];
  const denies: OriginCube[] = [];
  const reasons: string[] = [];
  documents.forEach((d, policy) => {
    for (const s of d.statements) {
      const cubes = statementCubes(s, d.variablesEnabled, shapes, cache, s.effect === 'Allow' ? modes.allow : modes.deny);
      const origin: StatementOrigin = s.sid === undefined ? { policy, statement: s.index } : { policy, statement: s.index, sid: s.sid };
      if (cubes === undefined) {
        reasons.push(`statement ${s.sid ?? `#${s.index}`} has a condition value the analysis cannot read`);
        continue;
      }
      for (const cube of cubes) (s.effect === 'Allow' ? allows : denies).push({ cube, origin });
    }
  });
  return reasons.length > 0 ? { ok: false, reasons } : { ok: true, term: { allows, denies } };
}

/**
 * The private-use character that stands for a variable's value. A pattern with `${k}` becomes a
 * language over the alphabet plus this symbol; substituting the key's value for the symbol maps it
 * onto the requests the evaluator matches, for every value at once (docs/decisions.md).
 */
export function symbolOf(shapes: ReadonlyMap<string, KeyShape>, key: string): string {
  return String.fromCharCode(0xe000 + [...shapes.keys()].indexOf(key.toLowerCase()));
}

/** Every relevant key at its unconstrained value, so that complements stay inside each key's domain. */
export function baseKeys(shapes: ReadonlyMap<string, KeyShape>): Map<string, KeyConstraint> {
  const keys = new Map<string, KeyConstraint>();
  for (const [k, shape] of shapes) keys.set(k, unconstrained(shape.kind, shape.multi, shape.missingAllowed));
  return keys;
}

/** The variable keys a statement's patterns and String/ARN condition values read. */
function variableKeys(s: Statement, variables: boolean): string[] {
  if (!variables) return [];
  const texts = [...(s.resource?.patterns ?? []).map((p) => p.value), ...s.conditions.filter(substitutes).flatMap((c) => c.values.map((v) => v.value))];
  return [...new Set(texts.flatMap((t) => templateVariables(parseTemplate(t, true).template).map((k) => k.toLowerCase())))];
}

/**
 * The cubes of one statement: one, or with policy variables one per present/missing assignment of
 * their keys (a missing key falls back to the variable's default, else its pattern matches nothing).
 */
function statementCubes(s: Statement, variables: boolean, shapes: ReadonlyMap<string, KeyShape>, cache: SetCache, mode: VariableMode): Cube[] | undefined {
  const vars = variableKeys(s, variables);
  if (mode !== 'symbolic' || vars.length === 0) {
    const cube = oneCube(s, variables, shapes, cache, mode, () => undefined, [], new Set());
    return cube === undefined ? undefined : [cube];
  }
  const cubes: Cube[] = [];
  for (let mask = 0; mask < 1 << vars.length; mask++) {
    const present = new Set(vars.filter((_, i) => (mask & (1 << i)) !== 0));
    // A multi-valued key is never substituted: only its "missing" case exists.
    if ([...present].some((k) => shapes.get(k)?.multi === true)) continue;
    const lookup = (k: string): string | undefined => (present.has(k.toLowerCase()) ? symbolOf(shapes, k) : undefined);
    const cube = oneCube(s, variables, shapes, cache, mode, lookup, vars, present);
    if (cube === undefined) return undefined;
    cubes.push(cube);
  }
  return cubes;
}

const flip = (m: VariableMode): VariableMode => (m === 'over' ? 'under' : m === 'under' ? 'over' : m);

/** Tokens of a value under a mode: `over` turns each variable into "any string", `under` drops the value. */
function resolveIn(text: string, variables: boolean, mode: VariableMode, lookup: (k: string) => string | undefined): GlobToken[] | undefined {
  const template = parseTemplate(text, variables).template;
  if (!template.hasVariables || mode === 'symbolic') return resolveTemplate(template, lookup);
  if (mode === 'under') return undefined;
  return resolveTemplate(template, () => ANY_STRING);
}

function oneCube(s: Statement, variables: boolean, shapes: ReadonlyMap<string, KeyShape>, cache: SetCache, mode: VariableMode, lookup: (k: string) => string | undefined, vars: readonly string[], present: ReadonlySet<string>): Cube | undefined {
  const actionKey = `A${s.action.negated ? '!' : ''}\u0000${s.action.patterns.map((p) => p.value.toLowerCase()).join('\u0000')}`;
  const action = cache.get(actionKey, () => {
    const set = StringSet.anyGlob('lower', s.action.patterns.map((p) => tokenizeGlob(p.value.toLowerCase())), `action like ${s.action.patterns.map((p) => JSON.stringify(p.value)).join(' or ')}`);
    return s.action.negated ? set.complement() : set;
  });
  const list = s.resource;
  let resource = StringSet.all('any');
  if (list !== undefined) {
    // NotResource complements the list: approximate the list the other way.
    const listMode = list.negated ? flip(mode) : mode;
    const resolved = list.patterns.map((p) => resolveIn(p.value, variables, listMode, lookup)).filter((t): t is GlobToken[] => t !== undefined);
    const key = `R${list.negated ? '!' : ''}\u0000${resolved.map((t) => JSON.stringify(t)).join('\u0000')}`;
    resource = cache.get(key, () => {
      const set = StringSet.anyArn(resolved, `resource like ${list.patterns.map((p) => JSON.stringify(p.value)).join(' or ')}`);
      return list.negated ? set.complement() : set;
    });
  }
  const keys = baseKeys(shapes);
  const restrict = (key: string, c: KeyConstraint) => {
    const current = keys.get(key);
    keys.set(key, current === undefined ? c : intersectKey(current, c));
  };
  for (const k of vars) {
    const shape = shapes.get(k);
    if (shape === undefined) return undefined;
    const u = unconstrained(shape.kind, shape.multi, shape.missingAllowed);
    if (u.multi) restrict(k, { multi: true, kind: u.kind, terms: [{ presence: present.has(k) ? 'present' : 'missing', some: [] }] });
    else restrict(k, present.has(k) ? { ...u, missing: false } : { ...u, missing: true, values: complementValues(u.values) });
  }
  for (const c of s.conditions) {
    const key = c.key.toLowerCase();
    const shape = shapes.get(key);
    if (shape === undefined) return undefined;
    // A negated operator complements the values it lists: approximate them the other way.
    const valueMode = conditionOperator(c.baseOperator)?.negated === true ? flip(mode) : mode;
    const resolved = variables && substitutes(c) ? c.values.map((v) => resolveIn(v.value, true, valueMode, lookup)) : undefined;
    const constraint = clauseConstraint(c, shape.kind, shape.multi, resolved);
    if (constraint === undefined) return undefined;
    restrict(key, constraint);
  }
  return { action, resource, keys };
}
