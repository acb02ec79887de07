/**
 * Compiles a parsed statement into matchers: actions (lower-cased patterns for the action index),
 * resources (ARN-aware globs; templates when they hold variables), the principal element and the
 * condition predicates. Value problems found on the way (malformed ARNs, CIDRs, dates, variables)
 * become diagnostics; a value that does not parse matches nothing.
 */
import { compileFieldPattern, type FieldPattern } from './arn-fields.js';
import { arnProblem, compileArnPattern } from './arn.js';
import type { PatternList, PolicyDocument, Statement } from './ast.js';
import { compileCondition } from './compile-condition.js';
import type { Predicate, PredicateTable } from './predicates.js';
import { refRank, type StatementRef } from './decision.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { compileGlob, tokenizeGlob, type Glob, type GlobToken } from './glob.js';
import { compilePrincipal, type CompiledPrincipal } from './principal.js';
import { resourceKeysOf, type ResourceKey } from './resource-keys.js';
import type { RequestContext } from './request-context.js';
import { parseTemplate, resolveTemplate, staticTokens, type Template } from './variables.js';

export interface ActionMatcher {
  readonly negated: boolean;
  /** Lower-cased patterns without wildcards. */
  readonly exact: readonly string[];
  /** Lower-cased wildcard patterns. */
  readonly wildcards: readonly { readonly pattern: string; readonly glob: Glob }[];
}

export interface CompiledStatement {
  readonly ref: StatementRef;
  /** `ref`'s document order as a number (refRank in decision.ts), read where the ref itself is not. */
  readonly rank: number;
  readonly statement: Statement;
  readonly effect: 'Allow' | 'Deny';
  readonly action: ActionMatcher;
  matchesAction(actionLower: string): boolean;
  /** Resource/NotResource (shared when the same list appears elsewhere in the set). */
  readonly resource: Predicate;
  readonly principal?: CompiledPrincipal;
  /** The condition clauses, in document order (each shared across the set). */
  readonly conditions: readonly Predicate[];
  /** Where the Resource patterns can match, for the resource index; undefined means anywhere. */
  readonly resourceKeys: readonly ResourceKey<CompiledStatement>[] | undefined;
  /** Scratch for the resource index: the stamp of the request that last visited it (see StatementSet). */
  lastVisit: number;
}

const ACTION = /^([a-zA-Z0-9-*?]+):([a-zA-Z0-9*?_-]+)$/;

const ANY_RESOURCE: Predicate = { id: -1, test: () => true };

export function compileStatement(doc: PolicyDocument, s: Statement, ref: StatementRef, diagnostics: Diagnostic[], table: PredicateTable): CompiledStatement {
  const path = `Statement[${s.index}]`;
  const vars = doc.variablesEnabled;
  const action = compileActions(s.action, `${path}.${s.action.negated ? 'NotAction' : 'Action'}`, diagnostics);
  const list = s.resource;
  const resource =
    list === undefined
      ? ANY_RESOURCE
      : table.intern(`R${list.negated ? '!' : ''}${vars ? 'v' : ''}\u0000${list.patterns.map((p) => p.value).join('\u0000')}`, (ds) => compileResources(list, vars, `${path}.${list.negated ? 'NotResource' : 'Resource'}`, ds), diagnostics);
  if (s.principal !== undefined) checkPrincipalValues(s, path, diagnostics);
  const conditions = s.conditions.map((c) =>
    table.intern(`C${vars ? 'v' : ''}\u0000${c.operator}\u0000${c.key}\u0000${c.values.map((v) => v.value).join('\u0000')}`, (ds) => compileCondition(c, vars, ds, `${path}.Condition.${c.operator}.${c.key}`, table), diagnostics),
  );
  const matchesAction = (a: string): boolean => {
    let hit = action.exact.includes(a);
    if (!hit) for (const w of action.wildcards) if (w.glob.test(a)) { hit = true; break; }
    return hit !== action.negated;
  };
  const compiled: { -readonly [K in keyof CompiledStatement]: CompiledStatement[K] } = {
    ref, rank: refRank(ref), statement: s, effect: s.effect, action, matchesAction, resource, conditions,
    resourceKeys: undefined,
    lastVisit: 0,
  };
  compiled.resourceKeys = resourceKeysOf(compiled, list, vars, table);
  if (s.principal !== undefined) compiled.principal = compilePrincipal(s.principal);
  return compiled;
}

function compileActions(list: PatternList, path: string, diagnostics: Diagnostic[]): ActionMatcher {
  const exact: string[] = [];
  const wildcards: { pattern: string; glob: Glob }[] = [];
  list.patterns.forEach((p, i) => {
    const v = p.value;
    if (v !== '*' && !ACTION.test(v)) {
      diagnostics.push(diagnostic('policy/invalid-action', `\`${v}\` is not an action`, 'write actions as `service:ActionName`, e.g. `s3:GetObject`; wildcards `*` and `?` are allowed', { loc: p.loc, path: `${path}[${i}]` }));
    }
    const lower = v.toLowerCase();
    const tokens = tokenizeGlob(lower);
    if (tokens.some((t) => typeof t !== 'string')) wildcards.push({ pattern: lower, glob: compileGlob(tokens) });
    else exact.push(lower);
  });
  return { negated: list.negated, exact, wildcards };
}

type ResourcePattern =
  | { readonly fields: FieldPattern }
  | { readonly glob: Glob }
  | { readonly template: Template; readonly cache: Map<string, Glob> };

function compileResources(list: PatternList, variables: boolean, path: string, diagnostics: Diagnostic[]): (ctx: RequestContext) => boolean {
  const exact: string[] = [];
  const patterns: ResourcePattern[] = [];
  list.patterns.forEach((p, i) => {
    const { template, problems } = parseTemplate(p.value, variables);
    const at = { loc: p.loc, path: `${path}[${i}]` };
    for (const pr of problems) diagnostics.push(diagnostic('policy/invalid-variable', pr.message, 'write `${key}` or `${key, \'default\'}`', at));
    const shape = template.hasVariables ? template.parts.map((x) => (x.kind === 'variable' ? '$' : x.kind === 'text' ? x.text : '*')).join('') : p.value;
    const problem = arnProblem(shape);
    if (problem !== undefined) diagnostics.push(diagnostic('policy/invalid-arn', `\`${p.value}\` is not a valid resource: ${problem}`, 'write `*` or an ARN such as `arn:aws:s3:::bucket/key`', at));
    if (template.hasVariables) {
      patterns.push({ template, cache: new Map() });
      return;
    }
    const tokens = staticTokens(template);
    const glob = compileArnPattern(tokens);
    if (glob.literal !== undefined) exact.push(glob.literal);
    else {
      const fields = compileFieldPattern(tokens);
      patterns.push(fields !== undefined ? { fields } : { glob });
    }
  });
  return specializedMatcher(list.negated, exact, patterns);
}

/**
 * The resource test, specialized for the common shapes (one field-wise pattern, one exact ARN)
 * because it runs for every candidate statement of every request.
 */
function specializedMatcher(negated: boolean, exact: readonly string[], patterns: readonly ResourcePattern[]): (ctx: RequestContext) => boolean {
  const templates = patterns.flatMap((p) => ('template' in p ? [p] : []));
  const fieldPatterns = patterns.flatMap((p) => ('fields' in p ? [p.fields] : []));
  const globs = patterns.flatMap((p) => ('glob' in p ? [p.glob] : []));
  if (!negated && templates.length === 0 && globs.length === 0) {
    const only = fieldPatterns[0];
    if (exact.length === 0 && fieldPatterns.length === 1 && only !== undefined) {
      return (ctx) => ctx.resourceArn?.matches(only) === true;
    }
    const lit = exact[0];
    if (exact.length === 1 && fieldPatterns.length === 0 && lit !== undefined) return (ctx) => ctx.request.resource === lit;
  }
  // Small lists stay arrays (compact, cache-friendly); long literal lists become a set.
  const exactSet = exact.length > 8 ? new Set(exact) : undefined;
  return (ctx) => {
    const resource = ctx.request.resource;
    // Every pattern with variables is resolved, match or not, so that each unresolvable
    // variable is reported as a missing key (docs/semantics.md).
    let hit = false;
    for (const p of templates) {
      const tokens = resolveTemplate(p.template, (k) => ctx.variable(k), (k) => ctx.reportMissing(k));
      if (tokens !== undefined && !hit && resolvedGlob(p.cache, tokens).test(resource)) hit = true;
    }
    if (!hit) hit = exactSet !== undefined ? exactSet.has(resource) : exact.includes(resource);
    if (!hit && fieldPatterns.length > 0) {
      const arn = ctx.resourceArn;
      if (arn !== undefined) for (const fp of fieldPatterns) if (arn.matches(fp)) { hit = true; break; }
    }
    if (!hit) for (const g of globs) if (g.test(resource)) { hit = true; break; }
    return hit !== negated;
  };
}

function resolvedGlob(cache: Map<string, Glob>, tokens: readonly GlobToken[]): Glob {
  const key = JSON.stringify(tokens);
  let g = cache.get(key);
  if (g === undefined) {
    g = compileArnPattern(tokens);
    if (cache.size > 256) cache.clear();
    cache.set(key, g);
  }
  return g;
}

const PRINCIPAL_ARN = /^arn:aws[a-z-]*:(iam|sts)::[0-9]{12}:(root|user\/.+|role\/.+|assumed-role\/.+|federated-user\/.+|saml-provider\/.+|oidc-provider\/.+)$/;

function checkPrincipalValues(s: Statement, path: string, diagnostics: Diagnostic[]): void {
  const element = s.principal;
  if (element === undefined) return;
  for (const e of element.entries) {
    const v = e.value.value;
    const at = { loc: e.value.loc, path: `${path}.${element.negated ? 'NotPrincipal' : 'Principal'}.${e.kind}` };
    if (v.includes('*') || v.includes('?')) {
      diagnostics.push(diagnostic('policy/principal-wildcard', `\`${v}\` has a wildcard`, 'IAM does not expand wildcards in principals; name principals exactly, or use `"*"` with a condition on `aws:PrincipalArn` (ArnLike)', at));
    } else if (e.kind === 'AWS' && !/^[0-9]{12}$/.test(v) && !PRINCIPAL_ARN.test(v)) {
      diagnostics.push(diagnostic('policy/invalid-principal', `\`${v}\` is not an AWS principal`, 'write a 12-digit account id or an IAM/STS ARN such as `arn:aws:iam::111122223333:role/name`', at));
    } else if (e.kind === 'Service' && !/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(v)) {
      diagnostics.push(diagnostic('policy/invalid-principal', `\`${v}\` is not a service principal`, 'service principals look like `lambda.amazonaws.com`', at));
    }
  }
}
