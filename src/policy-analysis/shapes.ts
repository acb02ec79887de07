/**
 * Key shapes: how each context key that the analysed policies test is modelled — its value kind
 * (from the operators that read it), whether it carries a list, and whether it may be missing.
 */
import { conditionOperator, parseTemplate, templateVariables, type ConditionClause, type PolicyDocument } from '../policy/index.js';
import { kindOf } from './clause-values.js';
import type { ValueKind } from './value-set.js';

export interface KeyShape {
  readonly kind: ValueKind;
  readonly multi: boolean;
  readonly missingAllowed: boolean;
  /** As first spelled in a policy, for counterexamples. */
  readonly spelled: string;
}

/** AWS's multi-valued global keys (the service authorization reference types them ArrayOf*). */
export const MULTI_VALUED_KEYS: ReadonlySet<string> = new Set(
  ['aws:TagKeys', 'aws:CalledVia', 'aws:PrincipalOrgPaths', 'aws:PrincipalServiceNamesList', 'aws:SourceOrgPaths', 'aws:ResourceOrgPaths'].map((k) => k.toLowerCase()),
);

/** Keys AWS always derives from the request: they are never missing. */
const ALWAYS_DERIVED: ReadonlySet<string> = new Set(['aws:resourceaccount']);

export type ShapeResult = { readonly ok: true; readonly shapes: ReadonlyMap<string, KeyShape> } | { readonly ok: false; readonly reasons: readonly string[] };

export function keyShapes(documents: readonly PolicyDocument[], extraMultiValued: ReadonlySet<string> = new Set()): ShapeResult {
  const clauses: ConditionClause[] = documents.flatMap((d) => d.statements.flatMap((s) => s.conditions));
  const kinds = new Map<string, Set<ValueKind>>();
  const multi = new Set<string>();
  const spelled = new Map<string, string>();
  for (const c of clauses) {
    const key = c.key.toLowerCase();
    if (!spelled.has(key)) spelled.set(key, c.key);
    const kind = kindOf(c);
    const set = kinds.get(key) ?? new Set<ValueKind>();
    if (kind !== undefined) set.add(kind);
    kinds.set(key, set);
    if (c.setOperator !== undefined || MULTI_VALUED_KEYS.has(key) || extraMultiValued.has(key)) multi.add(key);
  }
  // Keys that policy variables read (Resource patterns, String and ARN condition values).
  for (const d of documents) {
    if (!d.variablesEnabled) continue;
    for (const st of d.statements) {
      const texts = [...(st.resource?.patterns ?? []).map((p) => p.value), ...st.conditions.filter(substitutes).flatMap((c) => c.values.map((v) => v.value))];
      for (const t of texts) {
        for (const k of templateVariables(parseTemplate(t, true).template)) {
          const key = k.toLowerCase();
          if (!spelled.has(key)) spelled.set(key, k);
          if (!kinds.has(key)) kinds.set(key, new Set());
          if (MULTI_VALUED_KEYS.has(key) || extraMultiValued.has(key)) multi.add(key);
        }
      }
    }
  }
  const reasons: string[] = [];
  const shapes = new Map<string, KeyShape>();
  for (const [key, set] of kinds) {
    if (set.size > 1) {
      reasons.push(`\`${spelled.get(key)}\` is compared as ${[...set].join(' and as ')}; the analysis models one kind per key`);
      continue;
    }
    const kind = [...set][0] ?? 'string';
    shapes.set(key, { kind, multi: multi.has(key), missingAllowed: !ALWAYS_DERIVED.has(key), spelled: spelled.get(key) ?? key });
  }
  return reasons.length > 0 ? { ok: false, reasons } : { ok: true, shapes };
}

/** AWS substitutes policy variables in the values of String and ARN operators only. */
export function substitutes(c: ConditionClause): boolean {
  const family = conditionOperator(c.baseOperator)?.family;
  return family === 'String' || family === 'Arn';
}
