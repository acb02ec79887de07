/**
 * Compiles one condition clause (`operator: {key: values}`) into a predicate over a request.
 * Policy values are parsed once; values with policy variables are resolved per request. Negation,
 * IfExists, ForAllValues/ForAnyValue and missing keys are handled here, once for every operator
 * (docs/semantics.md, "Conditions").
 */
import type { ConditionClause } from './ast.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { globText, type GlobToken } from './glob.js';
import { conditionOperator } from './operators/registry.js';
import type { ConditionOperator, ValueParse } from './operators/types.js';
import type { RequestContext } from './request-context.js';
import { parseTemplate, resolveTemplate, staticTokens, type Template } from './variables.js';

export type CompiledCondition = (ctx: RequestContext) => boolean;

/** A policy value: parsed once, or a template resolved per request. */
type PolicyValue = { readonly static: true; readonly parsed: unknown } | { readonly static: false; readonly template: Template };

/** Where parsed request values are memoized per request (the authorizer's PredicateTable). */
export interface ValueSlots {
  valueSlot(key: string): number;
}

export function compileCondition(clause: ConditionClause, variablesEnabled: boolean, diagnostics: Diagnostic[], path: string, slots?: ValueSlots): CompiledCondition {
  const op = conditionOperator(clause.baseOperator);
  if (op === undefined) return () => false; // the parser reported it; such statements are never compiled
  const keyLower = clause.key.toLowerCase();
  if (op.family === 'Null') return compileNull(clause, op, keyLower, diagnostics, path);

  const values: PolicyValue[] = [];
  clause.values.forEach((v, i) => {
    // AWS substitutes policy variables in condition values of String and ARN operators only.
    const { template, problems } = parseTemplate(v.value, variablesEnabled && (op.family === 'String' || op.family === 'Arn'));
    for (const p of problems) diagnostics.push(diagnostic('policy/invalid-variable', p.message, 'write `${key}` or `${key, \'default\'}`; `${*}`, `${?}` and `${$}` stand for the literal characters', { loc: v.loc, path: `${path}[${i}]` }));
    if (template.hasVariables) {
      values.push({ static: false, template });
      return;
    }
    const parsed = parsePolicyValue(op, staticTokens(template));
    if (parsed.ok) values.push({ static: true, parsed: parsed.value });
    else diagnostics.push(diagnostic(parsed.code, parsed.message, parsed.help, { loc: v.loc, path: `${path}[${i}]` }));
  });

  const allStatic = values.every((v) => v.static);
  const staticParsed = allStatic ? values.map((v) => (v as { parsed: unknown }).parsed) : [];
  const policyValues = allStatic ? () => staticParsed : dynamicValues(op, values);

  const { negated } = op;
  // ForAnyValue on a missing key is false even with IfExists (observed AWS behaviour; docs/semantics.md).
  const whenMissing = clause.setOperator === 'ForAnyValue' ? false : clause.ifExists || clause.setOperator === 'ForAllValues' ? true : negated;
  const set = clause.setOperator;
  const spelled = clause.key;
  // Request values of plain string operators need no parsing; the others are parsed once per
  // request (-1: no memo, parse on every evaluation).
  const parses = op.requestKind !== 'string';
  const slot = parses && slots !== undefined ? slots.valueSlot(`${op.requestKind}\u0000${keyLower}`) : -1;
  const parse = op.parseRequest;
  const test = op.test;
  return (ctx) => {
    const raw = ctx.lookup(spelled, keyLower);
    if (raw === undefined) {
      ctx.reportMissing(spelled);
      if (!allStatic) policyValues(ctx); // reports the keys of unresolvable variables in the values
      return whenMissing;
    }
    const pvs = allStatic ? staticParsed : policyValues(ctx);
    if (typeof raw === 'string') {
      const r = parses ? ctx.parsedOne(slot, raw, parse) : raw;
      // One request value: every form (plain, ForAllValues, ForAnyValue) reduces to the same test.
      return anyMatch(test, r, pvs) !== negated;
    }
    const rvs = parses ? ctx.parsedMany(slot, raw, parse) : raw;
    if (set === 'ForAllValues') {
      for (const r of rvs) if (anyMatch(test, r, pvs) === negated) return false;
      return true;
    }
    if (set === 'ForAnyValue') {
      for (const r of rvs) if (anyMatch(test, r, pvs) !== negated) return true;
      return false;
    }
    for (const r of rvs) if (anyMatch(test, r, pvs)) return !negated;
    return negated;
  };
}

/** Does the request value (undefined: it did not parse) match any policy value? */
function anyMatch(test: (r: unknown, p: unknown) => boolean, r: unknown, pvs: readonly unknown[]): boolean {
  if (r === undefined) return false;
  for (let i = 0; i < pvs.length; i++) if (test(r, pvs[i])) return true;
  return false;
}

/** Values with policy variables: resolved per request, parsed results cached by resolved text. */
function dynamicValues(op: ConditionOperator, values: readonly PolicyValue[]): (ctx: RequestContext) => readonly unknown[] {
  const resolveCache = new Map<string, ValueParse<unknown>>();
  return (ctx) => {
    const out: unknown[] = [];
    for (const v of values) {
      if (v.static) {
        out.push(v.parsed);
        continue;
      }
      const tokens = resolveTemplate(v.template, (k) => ctx.variable(k), (k) => ctx.reportMissing(k));
      if (tokens === undefined) continue; // unresolvable: this value matches nothing
      const cacheKey = JSON.stringify(tokens);
      let parsed = resolveCache.get(cacheKey);
      if (parsed === undefined) {
        parsed = parsePolicyValue(op, tokens);
        if (resolveCache.size > 1024) resolveCache.clear();
        resolveCache.set(cacheKey, parsed);
      }
      if (parsed.ok) out.push(parsed.value);
    }
    return out;
  };
}

function parsePolicyValue(op: ConditionOperator, tokens: readonly GlobToken[]): ValueParse<unknown> {
  return op.parsePolicy({ text: globText(tokens), tokens });
}

function compileNull(clause: ConditionClause, op: ConditionOperator, keyLower: string, diagnostics: Diagnostic[], path: string): CompiledCondition {
  const wanted = new Set<boolean>();
  clause.values.forEach((v, i) => {
    const parsed = op.parsePolicy({ text: v.value, tokens: [v.value] });
    if (parsed.ok) wanted.add(parsed.value as boolean);
    else diagnostics.push(diagnostic(parsed.code, parsed.message, parsed.help, { loc: v.loc, path: `${path}[${i}]` }));
  });
  const acceptMissing = wanted.has(true);
  const acceptPresent = wanted.has(false);
  return (ctx) => (ctx.lookup(clause.key, keyLower) === undefined ? acceptMissing : acceptPresent);
}
