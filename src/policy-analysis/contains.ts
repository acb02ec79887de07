/**
 * Exact containment: does every request the candidate allows also get allowed by every `within`
 * policy group? (For synthesis: the synthesized policy within the boundary and within the
 * delegator's own permissions.) Also equivalence and the difference as readable regions.
 *
 * Sound and exact over the modelled language (docs/decisions.md, "Exact analysis"): `contained`
 * is a proof over the whole request space; `not-contained` always carries a counterexample request
 * that the evaluator itself confirms; anything else is `unknown` with the reasons.
 */
import { compilePolicySet, parsePolicy, sortDiagnostics, type AuthorizationRequest, type ContextValue, type Diagnostic, type PolicyDocument, type PolicyInput } from '../policy/index.js';
import type { Cube } from './cube.js';
import { witnessKey } from './key-constraint.js';
import { BudgetExceeded, newAccess, type Finding, type SearchBudget } from './search.js';
import { keyShapes, type KeyShape } from './shapes.js';
import { SetCache, symbolOf, translate, unsupported, type StatementOrigin, type Term } from './translate.js';
import { describeValues } from './value-set.js';
import { literalCandidates, substituteVariable, variablesOf } from './instantiate.js';

export interface AnalysisOptions {
  /** Real action names, preferred in counterexamples (e.g. from the AWS catalog). */
  readonly actionUniverse?: readonly string[];
  /** More keys to model as multi-valued (e.g. the catalog's ArrayOf* keys). */
  readonly multiValuedKeys?: ReadonlySet<string>;
  /** Search steps before giving up with `unknown` (default 200,000). */
  readonly budget?: number;
}

export interface Region {
  readonly actions: string;
  readonly resources: string;
  readonly conditions: readonly { readonly key: string; readonly values: string }[];
  /** The candidate statement this access comes from. */
  readonly from: StatementOrigin;
  /** The `within` group that does not allow it, and the Deny that refuses it, if one does. */
  readonly refusedBy: { readonly within: number; readonly deny?: StatementOrigin };
  /** One concrete request of the region (confirmed by the evaluator). */
  readonly example: AuthorizationRequest;
}

export type Containment =
  | { readonly verdict: 'contained'; readonly counterexample: null }
  | { readonly verdict: 'not-contained'; readonly counterexample: AuthorizationRequest; readonly region: Region }
  | { readonly verdict: 'unknown'; readonly counterexample: null; readonly reasons: readonly string[] };

export type AnalysisResult<T> = { readonly ok: true; readonly result: T } | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

interface Prepared {
  readonly candidate: Term;
  readonly within: readonly Term[];
  readonly shapes: ReadonlyMap<string, KeyShape>;
  /**
   * With policy variables: the same policies over-approximated on the candidate side and
   * under-approximated on the `within` side, for a sound proof of containment.
   */
  readonly approximate?: { readonly candidate: Term; readonly within: readonly Term[] };
}

/** Parses, validates and translates the inputs; diagnostics for invalid policies, reasons for unmodelled ones. */
function prepare(candidate: readonly PolicyInput[], within: readonly (readonly PolicyInput[])[], options: AnalysisOptions, cache: SetCache): AnalysisResult<Prepared | { reasons: string[] }> {
  const diagnostics: Diagnostic[] = [];
  const parse = (inputs: readonly PolicyInput[], name: string): PolicyDocument[] =>
    inputs.flatMap((input, i) => {
      const source = `${name}[${i}]`;
      const r = parsePolicy(input, { policyType: 'identity', source });
      const compiled = compilePolicySet({ identity: [input] });
      diagnostics.push(...[...r.diagnostics, ...compiled.diagnostics].filter((d) => d.severity === 'error').map((d) => ({ ...d, policy: source })));
      return r.document === undefined ? [] : [r.document];
    });
  const cand = parse(candidate, 'candidate');
  const withins = within.map((group, g) => parse(group, `within${within.length > 1 ? g : ''}`));
  if (diagnostics.length > 0) return { ok: false, diagnostics: sortDiagnostics(diagnostics) };
  const all = [...cand, ...withins.flat()];
  const reasons = unsupported(all);
  const shapes = keyShapes(all, options.multiValuedKeys);
  if (!shapes.ok) reasons.push(...shapes.reasons);
  if (reasons.length > 0 || !shapes.ok) return { ok: true, result: { reasons } };
  const c = translate(cand, shapes.shapes, cache);
  const w = withins.map((docs) => translate(docs, shapes.shapes, cache));
  const failed = [c, ...w].flatMap((t) => (t.ok ? [] : t.reasons));
  if (!c.ok || failed.length > 0) return { ok: true, result: { reasons: failed } };
  const terms = (ts: typeof w) => ts.map((t) => (t as { term: Term }).term);
  const prepared: Prepared = { candidate: c.term, within: terms(w), shapes: shapes.shapes };
  if (!all.some(hasVariables)) return { ok: true, result: prepared };
  const ca = translate(cand, shapes.shapes, cache, { allow: 'over', deny: 'under' });
  const wa = withins.map((docs) => translate(docs, shapes.shapes, cache, { allow: 'under', deny: 'over' }));
  if (!ca.ok || wa.some((t) => !t.ok)) return { ok: true, result: { reasons: ['internal: the approximation of policy variables failed'] } };
  return { ok: true, result: { ...prepared, approximate: { candidate: ca.term, within: terms(wa) } } };
}

/**
 * An analyzer keeps the automata it builds, so that repeated questions about the same policies (a
 * synthesis checking one boundary against many compositions) reuse them.
 */
export class Analyzer {
  private readonly cache = new SetCache();
  constructor(private readonly options: AnalysisOptions = {}) {}

  contains(candidate: readonly PolicyInput[], within: readonly (readonly PolicyInput[])[]): AnalysisResult<Containment> {
    return containsWith(candidate, within, this.options, this.cache);
  }

  equivalent(a: readonly PolicyInput[], b: readonly PolicyInput[]): AnalysisResult<Equivalence> {
    return equivalentWith(a, b, this.options, this.cache);
  }

  difference(candidate: readonly PolicyInput[], within: readonly (readonly PolicyInput[])[], limit = 50): AnalysisResult<Difference> {
    return differenceWith(candidate, within, { ...this.options, limit }, this.cache);
  }
}

export interface Equivalence {
  readonly equivalent: boolean | 'unknown';
  readonly aNotInB: Containment;
  readonly bNotInA: Containment;
}

export interface Difference {
  readonly regions: readonly Region[];
  /** False when the search stopped at the limit or gave up (then `reasons` say why). */
  readonly complete: boolean;
  readonly reasons: readonly string[];
}

/** Does every request the candidate allows also get allowed by every `within` group? */
export function contains(candidate: readonly PolicyInput[], within: readonly (readonly PolicyInput[])[], options: AnalysisOptions = {}): AnalysisResult<Containment> {
  return containsWith(candidate, within, options, new SetCache());
}

/** Both ways contained. */
export function equivalent(a: readonly PolicyInput[], b: readonly PolicyInput[], options: AnalysisOptions = {}): AnalysisResult<Equivalence> {
  return equivalentWith(a, b, options, new SetCache());
}

/** The access the candidate adds beyond `within`, as readable regions (up to `limit`). */
export function difference(candidate: readonly PolicyInput[], within: readonly (readonly PolicyInput[])[], options: AnalysisOptions & { limit?: number } = {}): AnalysisResult<Difference> {
  return differenceWith(candidate, within, options, new SetCache());
}

function containsWith(candidate: readonly PolicyInput[], within: readonly (readonly PolicyInput[])[], options: AnalysisOptions, cache: SetCache): AnalysisResult<Containment> {
  const prepared = prepare(candidate, within, options, cache);
  if (!prepared.ok) return prepared;
  const p = prepared.result;
  if ('reasons' in p) return { ok: true, result: { verdict: 'unknown', counterexample: null, reasons: p.reasons } };
  const budget: SearchBudget = { steps: options.budget ?? 200_000 };
  try {
    // A few regions, in case the first witness does not replay (it always should: then it is a bug).
    const findings = newAccess(p.candidate, p.within, 8, budget);
    const replay = (r: AuthorizationRequest) => replays(r, candidate, within);
    for (const f of findings) {
      const region = describeRegion(f, p.shapes, options, replay);
      if (region !== undefined) return { ok: true, result: { verdict: 'not-contained', counterexample: region.example, region } };
    }
    if (p.approximate === undefined) {
      if (findings.length === 0) return { ok: true, result: { verdict: 'contained', counterexample: null } };
      return { ok: true, result: { verdict: 'unknown', counterexample: null, reasons: ['internal: the counterexample found did not replay through the evaluator (please report this policy pair)'] } };
    }
    // Policy variables: the symbolic search is exact only for values that match no literal text of
    // the policies; containment for every value is proven on the approximations instead.
    if (newAccess(p.approximate.candidate, p.approximate.within, 1, budget).length === 0) return { ok: true, result: { verdict: 'contained', counterexample: null } };
    const special = instantiated(candidate, within, options, cache, budget);
    if (special !== undefined) return { ok: true, result: special };
    return {
      ok: true,
      result: { verdict: 'unknown', counterexample: null, reasons: ['the policies use policy variables: no counterexample was found, but containment could not be proven for every value of the variables (for instance both sides use the same variable)'] },
    };
  } catch (e) {
    if (e instanceof BudgetExceeded) return { ok: true, result: { verdict: 'unknown', counterexample: null, reasons: [`the search exceeded its budget of ${options.budget ?? 200_000} steps`] } };
    throw e;
  }
}

function equivalentWith(a: readonly PolicyInput[], b: readonly PolicyInput[], options: AnalysisOptions, cache: SetCache): AnalysisResult<Equivalence> {
  const ab = containsWith(a, [b], options, cache);
  if (!ab.ok) return ab;
  const ba = containsWith(b, [a], options, cache);
  if (!ba.ok) return ba;
  const verdicts = [ab.result.verdict, ba.result.verdict];
  const eq = verdicts.every((v) => v === 'contained') ? true : verdicts.includes('not-contained') ? false : 'unknown';
  return { ok: true, result: { equivalent: eq, aNotInB: ab.result, bNotInA: ba.result } };
}

function differenceWith(candidate: readonly PolicyInput[], within: readonly (readonly PolicyInput[])[], options: AnalysisOptions & { limit?: number }, cache: SetCache): AnalysisResult<Difference> {
  const prepared = prepare(candidate, within, options, cache);
  if (!prepared.ok) return prepared;
  const p = prepared.result;
  if ('reasons' in p) return { ok: true, result: { regions: [], complete: false, reasons: p.reasons } };
  const limit = options.limit ?? 50;
  const budget: SearchBudget = { steps: options.budget ?? 200_000 };
  try {
    const findings = newAccess(p.candidate, p.within, limit, budget);
    const replay = (r: AuthorizationRequest) => replays(r, candidate, within);
    const regions = findings.flatMap((f) => {
      const r = describeRegion(f, p.shapes, options, replay);
      return r !== undefined ? [r] : [];
    });
    return { ok: true, result: { regions, complete: findings.length < limit, reasons: [] } };
  } catch (e) {
    if (e instanceof BudgetExceeded) return { ok: true, result: { regions: [], complete: false, reasons: ['the search exceeded its budget'] } };
    throw e;
  }
}

/** Real actions tried first for counterexamples when the caller gives no catalog. */
const COMMON_ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:DeleteObject', 'ec2:RunInstances', 'ec2:DescribeInstances', 'iam:PassRole', 'iam:CreateUser', 'sts:AssumeRole', 'dynamodb:GetItem', 'dynamodb:PutItem', 'lambda:InvokeFunction', 'kms:Decrypt', 'sqs:SendMessage', 'logs:PutLogEvents', 'secretsmanager:GetSecretValue'];

/** Keys AWS derives from the caller; leaving one out of a counterexample needs a caller without it. */
const CALLER_DERIVED = new Set(['aws:principalarn', 'aws:principalaccount', 'aws:username', 'aws:principaltype', 'aws:principalisawsservice']);

/**
 * A region with a counterexample that replays through the evaluator. Witnesses are chosen per
 * dimension; with policy variables, values chosen independently can coincide (a tag equal to the
 * user name) where the symbolic model keeps them apart, so later attempts mark every string value
 * to keep them distinct.
 */
function describeRegion(f: Finding, shapes: ReadonlyMap<string, KeyShape>, options: AnalysisOptions, replay: (r: AuthorizationRequest) => boolean): Region | undefined {
  let example: AuthorizationRequest | undefined;
  for (let attempt = 0; attempt < 4 && example === undefined; attempt++) {
    const candidate = witnessRequest(f.region, shapes, options, attempt);
    if (candidate !== undefined && replay(candidate)) example = candidate;
  }
  if (example === undefined) return undefined;
  example = withoutUnneededKeys(example, replay);
  const conditions = [...f.region.keys].flatMap(([k, c]) => {
    const shape = shapes.get(k);
    const spelled = shape?.spelled ?? k;
    if (!c.multi) {
      const full = c.missing && describeValues(c.values) === 'anything';
      return full ? [] : [{ key: spelled, values: `${describeValues(c.values)}${c.missing ? ' or missing' : ''}` }];
    }
    return [{ key: spelled, values: `${c.terms.length} alternative constraint(s) on the list` }];
  });
  const refusedBy = f.deniedBy === undefined ? { within: f.term } : { within: f.term, deny: f.deniedBy.origin };
  return { actions: f.region.action.description, resources: f.region.resource.description, conditions, from: f.from.origin, refusedBy, example };
}

/** Drops the context keys the counterexample does not need (it must still replay): easier to read. */
function withoutUnneededKeys(example: AuthorizationRequest, replay: (r: AuthorizationRequest) => boolean): AuthorizationRequest {
  let current = example;
  for (const key of Object.keys(example.context ?? {})) {
    const { [key]: _dropped, ...rest } = current.context ?? {};
    const smaller = { ...current, context: rest };
    if (replay(smaller)) current = smaller;
  }
  return current;
}

function witnessRequest(region: Cube, shapes: ReadonlyMap<string, KeyShape>, options: AnalysisOptions, attempt: number): AuthorizationRequest | undefined {
  const action = region.action.witness((options.actionUniverse ?? COMMON_ACTIONS).map((a) => a.toLowerCase()));
  const resource = region.resource.witness(['*', 'arn:aws:s3:::example-bucket/example-object']);
  if (action === undefined || resource === undefined) return undefined;
  const context: Record<string, ContextValue> = {};
  let callerWithoutKeys = false;
  let n = 0;
  for (const [k, c] of region.keys) {
    const w = witnessKey(c, attempt === 0 ? undefined : `q${attempt}${n++}z`);
    if (w === null) return undefined;
    if (w === undefined) {
      if (CALLER_DERIVED.has(k)) callerWithoutKeys = true;
      continue;
    }
    context[shapes.get(k)?.spelled ?? k] = w;
  }
  // Symbols stand for the values of policy-variable keys: put the chosen values in their place.
  const symbols = new Map<string, string>();
  for (const k of shapes.keys()) {
    const v = context[shapes.get(k)?.spelled ?? k];
    if (typeof v === 'string') symbols.set(symbolOf(shapes, k), v);
  }
  const fill = (text: string) => {
    let out = text;
    for (let round = 0; round < 3 && /[\ue000-\uf8ff]/.test(out); round++) out = [...out].map((c) => symbols.get(c) ?? c).join('');
    return out;
  };
  for (const [k, v] of Object.entries(context)) context[k] = typeof v === 'string' ? fill(v) : v.map(fill);
  const real = (options.actionUniverse ?? COMMON_ACTIONS).find((a) => a.toLowerCase() === action) ?? action;
  // A caller whose ARN yields none of the derived keys, when the region needs one of them missing.
  const principal = callerWithoutKeys ? 'tessera-analysis-caller' : 'arn:aws:iam::111122223333:user/tessera-analysis';
  return { principal, action: fill(real), resource: fill(resource), context };
}

function replays(request: AuthorizationRequest, candidate: readonly PolicyInput[], within: readonly (readonly PolicyInput[])[]): boolean {
  const allowed = (identity: readonly PolicyInput[]) => compilePolicySet({ identity }).authorizer?.authorize(request).decision === 'Allow';
  return allowed(candidate) && within.some((w) => !allowed(w));
}

function hasVariables(d: PolicyDocument): boolean {
  if (!d.variablesEnabled) return false;
  return d.statements.some((s) => [...(s.resource?.patterns ?? []).map((p) => p.value), ...s.conditions.flatMap((c) => c.values.map((v) => v.value))].some((v) => /\$\{[^}]*:/.test(v)));
}

/** Tries each variable key at literal values of the policies (see instantiate.ts). */
function instantiated(candidate: readonly PolicyInput[], within: readonly (readonly PolicyInput[])[], options: AnalysisOptions, cache: SetCache, budget: SearchBudget): Containment | undefined {
  const all = [...candidate, ...within.flat()];
  const values = literalCandidates(all);
  for (const key of variablesOf(all)) {
    for (const value of values) {
      if (budget.steps <= 0) return undefined;
      const c = substituteVariable(candidate, key, value) as PolicyInput[];
      const w = within.map((g) => substituteVariable(g, key, value) as PolicyInput[]);
      const r = containsWith(c, w, { ...options, budget: Math.max(1, budget.steps) }, cache);
      if (!r.ok || r.result.verdict !== 'not-contained') continue;
      const cx = r.result.counterexample;
      const example: AuthorizationRequest = { ...cx, principal: 'arn:aws:iam::111122223333:user/tessera-analysis', context: { ...cx.context, [key]: value } };
      if (replays(example, candidate, within)) return { verdict: 'not-contained', counterexample: example, region: { ...r.result.region, example } };
    }
  }
  return undefined;
}
