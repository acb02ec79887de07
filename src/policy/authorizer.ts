/**
 * The compiled authorizer: a policy set compiled once, answering `authorize(request)` synchronously
 * with the decision and its explanation.
 *
 * Per action it builds (once, lazily) an ActionPlan from every policy's action index and keeps it
 * in a bounded cache, so a decision touches only the statements whose Action can match. The plans'
 * statement sets share one resource index over the whole set (statement-set.ts). Replacing one
 * policy recompiles that policy alone and drops the cached plans and the index.
 */
import { compilePolicy, type CompiledPolicy } from './compiled-policy.js';
import type { CompiledStatement } from './compile-statement.js';
import { decide, type ActionPlan, type DecisionStep, type SetShape } from './decide.js';
import type { Decision } from './decision.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { parsePolicy } from './parser.js';
import { PredicateTable } from './predicates.js';
import { parsePolicySet, type ParsedPolicy, type ParsedSet } from './policy-set.js';
import { CallerCache, RequestContext } from './request-context.js';
import { POLICY_TYPES, type AuthorizationRequest, type PolicyInput, type PolicySetInput, type PolicyType } from './request.js';
import { ResourceIndex, StatementSet } from './statement-set.js';

export interface Authorizer {
  /** Decides one request; synchronous, no I/O. */
  authorize(request: AuthorizationRequest): Decision;
  /** Decides and records each step of the flow (for `tessera policy explain`). */
  authorizeWithSteps(request: AuthorizationRequest): { decision: Decision; steps: DecisionStep[] };
  /**
   * Replaces one policy (by its set name: `identity[0]`, `boundary`, `scp[1][0]`, ...) and
   * recompiles only that policy. Returns its diagnostics; on errors nothing changes.
   */
  updatePolicy(name: string, input: PolicyInput): readonly Diagnostic[];
  /** The compiled policies, in set order. */
  readonly policies: readonly CompiledPolicy[];
  /** Number of compiled statements. */
  readonly statementCount: number;
}

/** A policy set that did not compile; `diagnostics` say why. */
export class InvalidPolicyError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    const first = diagnostics.find((d) => d.severity === 'error');
    super(first === undefined ? 'invalid policy set' : `invalid policy set: ${first.policy ?? ''}${first.path ? ` ${first.path}` : ''}: ${first.message}`);
    this.name = 'InvalidPolicyError';
    this.diagnostics = diagnostics;
  }
}

/** Embedding API: compiles a policy set in the scenario file's `policies` shape; throws InvalidPolicyError on errors. */
export function createAuthorizer(policies: PolicySetInput): Authorizer {
  const r = compilePolicySet(policies);
  if (r.authorizer === undefined) throw new InvalidPolicyError(r.diagnostics);
  return r.authorizer;
}

/** Compiles a policy set, returning diagnostics instead of throwing. */
export function compilePolicySet(policies: PolicySetInput): { authorizer?: Authorizer; diagnostics: readonly Diagnostic[] } {
  return compileParsedSet(parsePolicySet(policies));
}

const MAX_CACHED_PLANS = 20_000;

export function compileParsedSet(parsed: ParsedSet): { authorizer?: Authorizer; diagnostics: readonly Diagnostic[] } {
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const table = new PredicateTable();
  const compiled = parsed.policies.map((p) => {
    const r = compilePolicy(p, table);
    diagnostics.push(...r.diagnostics);
    return r.policy;
  });
  const sorted = sortDiagnostics(diagnostics);
  if (hasErrors(diagnostics)) return { diagnostics: sorted };
  return { authorizer: new CompiledAuthorizer(compiled, parsed.scpLevels, parsed.rcpLevels, table), diagnostics: sorted };
}

class CompiledAuthorizer implements Authorizer {
  private compiled: CompiledPolicy[];
  private readonly plans = new Map<string, ActionPlan>();
  private readonly plansByAction = new Map<string, ActionPlan>();
  private readonly callers = new CallerCache();
  private shape: SetShape;
  /** The resource index of every statement, shared by the plans (built with the first plan). */
  private index: ResourceIndex | undefined;

  constructor(
    compiled: CompiledPolicy[],
    private readonly scpLevels: number,
    private readonly rcpLevels: number,
    private readonly table: PredicateTable,
  ) {
    this.compiled = compiled;
    this.shape = shapeOf(compiled);
  }

  get policies(): readonly CompiledPolicy[] {
    return this.compiled;
  }

  get statementCount(): number {
    return this.compiled.reduce((n, p) => n + p.statements.length, 0);
  }

  authorize(request: AuthorizationRequest): Decision {
    const ctx = new RequestContext(request, this.callers, this.table);
    // Most requests spell the action as before: look it up as given first, lower-case on a miss.
    let plan = this.plansByAction.get(request.action);
    if (plan === undefined) {
      plan = this.plan(ctx.actionLower);
      if (this.plansByAction.size >= MAX_CACHED_PLANS) this.plansByAction.clear();
      this.plansByAction.set(request.action, plan);
    }
    return decide(plan, this.shape, ctx);
  }

  authorizeWithSteps(request: AuthorizationRequest): { decision: Decision; steps: DecisionStep[] } {
    const ctx = new RequestContext(request, this.callers, this.table);
    const steps: DecisionStep[] = [];
    return { decision: decide(this.plan(ctx.actionLower), this.shape, ctx, steps), steps };
  }

  updatePolicy(name: string, input: PolicyInput): readonly Diagnostic[] {
    const at = this.compiled.findIndex((p) => p.name === name);
    const old = this.compiled[at];
    if (old === undefined) throw new RangeError(`no policy named \`${name}\` in this set (have: ${this.compiled.map((p) => p.name).join(', ')})`);
    const parsed = parsePolicy(input, { policyType: old.type });
    const diagnostics = parsed.diagnostics.map((d) => ({ ...d, policy: name }));
    if (parsed.document === undefined || hasErrors(diagnostics)) return sortDiagnostics(diagnostics);
    const next: ParsedPolicy = { ...old, document: parsed.document };
    const r = compilePolicy(next, this.table);
    const all = sortDiagnostics([...diagnostics, ...r.diagnostics]);
    if (hasErrors(all)) return all;
    this.compiled = this.compiled.map((p, i) => (i === at ? r.policy : p));
    this.shape = shapeOf(this.compiled);
    this.plans.clear();
    this.plansByAction.clear();
    this.index = undefined;
    return all;
  }

  private plan(actionLower: string): ActionPlan {
    let plan = this.plans.get(actionLower);
    if (plan === undefined) {
      this.index ??= new ResourceIndex(this.compiled.flatMap((p) => p.statements));
      plan = buildPlan(this.compiled, actionLower, this.scpLevels, this.rcpLevels, this.index);
      if (this.plans.size >= MAX_CACHED_PLANS) this.plans.clear();
      this.plans.set(actionLower, plan);
    }
    return plan;
  }
}

function shapeOf(compiled: readonly CompiledPolicy[]): SetShape {
  const has = (t: PolicyType) => compiled.some((p) => p.type === t);
  return { hasBoundary: has('boundary'), hasSession: has('session'), hasResource: has('resource') };
}

function buildPlan(compiled: readonly CompiledPolicy[], actionLower: string, scpLevels: number, rcpLevels: number, index: ResourceIndex): ActionPlan {
  const denies: CompiledStatement[] = [];
  const allows = new Map<PolicyType, CompiledStatement[]>(POLICY_TYPES.map((t) => [t, []]));
  const rcp: CompiledStatement[][] = Array.from({ length: rcpLevels }, () => []);
  const scp: CompiledStatement[][] = Array.from({ length: scpLevels }, () => []);
  for (const p of compiled) {
    for (const s of p.candidates(actionLower)) {
      if (s.effect === 'Deny') denies.push(s);
      else if (p.type === 'rcp' || p.type === 'scp') (p.type === 'rcp' ? rcp : scp)[p.level ?? 0]?.push(s);
      else allows.get(p.type)?.push(s);
    }
  }
  const set = (t: PolicyType) => new StatementSet(allows.get(t) ?? [], index);
  return {
    denies: new StatementSet(denies, index),
    rcp: rcp.map((l) => new StatementSet(l, index)),
    scp: scp.map((l) => new StatementSet(l, index)),
    resource: set('resource'),
    identity: set('identity'),
    boundary: set('boundary'),
    session: set('session'),
  };
}
