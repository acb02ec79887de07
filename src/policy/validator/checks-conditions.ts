/**
 * Condition checks: keys that exist, operators that fit the key's type, set operators on the right
 * keys, IfExists where it can matter, and the classic traps (ForAllValues in an Allow, Bool tests
 * of MFA that long-term keys slip past, wildcards in StringEquals).
 */
import type { ConditionClause, Statement } from '../ast.js';
import { didYouMean } from '../fuzzy.js';
import { conditionOperator } from '../operators/registry.js';
import type { OperatorFamily } from '../operators/types.js';
import { findConditionKey, type ConditionKeyInfo, type ConditionKeyType } from '../service-catalog.js';
import { ALWAYS_PRESENT_KEYS, TESSERA_CONTEXT_KEYS } from '../tessera-keys.js';
import { parseTemplate, templateVariables } from '../variables.js';
import { statementPath, type Check, type CheckContext } from './check-context.js';
import { substitutes } from './checks-document.js';
import { conditionKeyMatches } from '../service-catalog.js';

const FAMILIES_FOR: Record<ConditionKeyType, readonly OperatorFamily[]> = {
  String: ['String'], ArrayOfString: ['String'],
  ARN: ['Arn', 'String'], ArrayOfARN: ['Arn', 'String'],
  Bool: ['Bool'], ArrayOfBool: ['Bool'],
  Numeric: ['Numeric'], ArrayOfNumeric: ['Numeric'],
  Date: ['Date', 'Numeric'],
  IPAddress: ['Ip'],
  Binary: ['Binary'],
};

function clausePath(s: Statement, c: ConditionClause): string {
  return `${statementPath(s)}.Condition.${c.operator}.${c.key}`;
}

/** Looks a key up among Tessera's keys and the catalog (global and service keys). */
function lookupKey(ctx: CheckContext, key: string, s: Statement): ConditionKeyInfo | undefined {
  const tessera = TESSERA_CONTEXT_KEYS.find((k) => conditionKeyMatches(key, k.name));
  if (tessera !== undefined || ctx.catalog === undefined) return tessera;
  const services = s.action.patterns.map((p) => p.value.split(':')[0]?.toLowerCase() ?? '').filter((p) => p !== '' && !/[*?]/.test(p));
  return findConditionKey(ctx.catalog, key, services);
}

/** Is the key's namespace one whose keys the catalog can confirm (loaded service, aws:, tessera:)? */
function keyNamespaceKnown(ctx: CheckContext, key: string): boolean {
  const ns = key.split(':')[0]?.toLowerCase() ?? '';
  return ns === 'aws' || ns === 'tessera' || ctx.catalog?.service(ns) !== undefined;
}

export const checkConditionKeys: Check = (ctx) => {
  for (const s of ctx.document.statements) {
    for (const c of s.conditions) {
      const op = conditionOperator(c.baseOperator);
      const info = lookupKey(ctx, c.key, s);
      const at = c.keyLoc ?? c.operatorLoc;
      if (info === undefined) {
        if (ctx.catalog !== undefined && keyNamespaceKnown(ctx, c.key)) {
          const ns = c.key.split(':')[0]?.toLowerCase() ?? '';
          const candidates = [...(ctx.catalog.globalConditionKeys ?? []), ...TESSERA_CONTEXT_KEYS, ...(ctx.catalog.service(ns)?.conditionKeys ?? [])].map((k) => k.name);
          const hint = didYouMean(c.key, candidates);
          ctx.report('policy/unknown-condition-key', `\`${c.key}\` is not a known condition key`, hint !== '' ? hint : 'AWS never sends this key, so the condition tests a missing key', at, clausePath(s, c));
        }
      } else if (op !== undefined && op.family !== 'Null') {
        checkKeyType(ctx, s, c, info, op.family);
      }
      if (c.ifExists && ALWAYS_PRESENT_KEYS.some((k) => k.toLowerCase() === c.key.toLowerCase())) {
        ctx.report('policy/ifexists-on-always-present-key', `\`${c.key}\` is in every request, so \`IfExists\` never applies`, `write \`${c.operator.replace(/IfExists$/, '')}\``, c.operatorLoc, clausePath(s, c));
      }
    }
  }
};

function checkKeyType(ctx: CheckContext, s: Statement, c: ConditionClause, info: ConditionKeyInfo, family: OperatorFamily): void {
  const allowed = FAMILIES_FOR[info.type];
  const at = c.operatorLoc;
  if (!allowed.includes(family)) {
    ctx.report('policy/operator-type-mismatch', `\`${c.baseOperator}\` compares ${family.toLowerCase()} values, but \`${c.key}\` is of type ${info.type}`, `use a ${allowed.join(' or ')} operator for this key`, at, clausePath(s, c));
  }
  const multi = info.type.startsWith('ArrayOf');
  if (c.setOperator !== undefined && !multi) {
    ctx.report('policy/set-operator-on-single-value-key', `\`${c.setOperator}\` on \`${c.key}\`, which has a single value`, `remove \`${c.setOperator}:\`; set operators are for multi-valued keys such as \`aws:TagKeys\``, at, clausePath(s, c));
  }
  if (c.setOperator === undefined && multi) {
    ctx.report('policy/multivalued-key-without-set-operator', `\`${c.key}\` can have several values, but the operator has no set operator`, `write \`ForAnyValue:${c.operator}\` (some value matches) or \`ForAllValues:${c.operator}\` (every value matches)`, at, clausePath(s, c));
  }
}

export const checkConditionValues: Check = (ctx) => {
  for (const s of ctx.document.statements) {
    for (const c of s.conditions) {
      const op = conditionOperator(c.baseOperator);
      if (op === undefined) continue;
      c.values.forEach((v, i) => {
        const path = `${clausePath(s, c)}${c.values.length > 1 ? `[${i}]` : ''}`;
        const t = parseTemplate(v.value, ctx.document.variablesEnabled).template;
        const hasWild = t.parts.some((p) => p.kind === 'wildcard');
        if (op.family === 'String' && !op.wildcards && hasWild) {
          ctx.report('policy/wildcard-in-string-equals', `\`${v.value}\`: \`${c.baseOperator}\` treats \`*\` and \`?\` as plain characters`, `use \`${op.negated ? 'StringNotLike' : 'StringLike'}\` for wildcards`, v.loc, path);
        }
        // Only the Like operators say "pattern"; ArnEquals takes wildcards too but reads as equality.
        if (/Like$/.test(c.baseOperator) && !hasWild && !t.hasVariables) {
          ctx.report('policy/like-without-wildcard', `\`${v.value}\` has no wildcard`, `\`${c.baseOperator}\` works, but \`${c.baseOperator.replace('Like', 'Equals')}\` says what you mean`, v.loc, path);
        }
      });
    }
  }
};

export const checkConditionTraps: Check = (ctx) => {
  for (const s of ctx.document.statements) {
    for (const c of s.conditions) {
      const key = c.key.toLowerCase();
      if (s.effect === 'Allow' && c.setOperator === 'ForAllValues' && !c.ifExists) {
        const guarded = s.conditions.some((o) => o.baseOperator === 'Null' && o.key.toLowerCase() === key && o.values.some((v) => v.value.toLowerCase() === 'false'));
        if (!guarded) {
          ctx.report('policy/allow-for-all-values', `\`ForAllValues:${c.baseOperator}\` in an Allow is true when \`${c.key}\` is missing or empty`, `add \`"Null": {"${c.key}": "false"}\` so that the request must carry the key`, c.operatorLoc, clausePath(s, c));
        }
      }
      if (key === 'aws:multifactorauthpresent' && c.baseOperator === 'Bool') {
        const values = c.values.map((v) => v.value.toLowerCase());
        if (s.effect === 'Deny' && !c.ifExists && values.includes('false')) {
          ctx.report('policy/mfa-bool-without-ifexists', 'this Deny misses requests signed with long-term access keys, which carry no `aws:MultiFactorAuthPresent`', 'write `"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}`', c.operatorLoc, clausePath(s, c));
        }
        if (s.effect === 'Allow' && c.ifExists && values.includes('true')) {
          ctx.report('policy/mfa-bool-without-ifexists', 'this Allow also holds for long-term access keys, which carry no `aws:MultiFactorAuthPresent`', 'write `"Bool": {"aws:MultiFactorAuthPresent": "true"}` to require MFA', c.operatorLoc, clausePath(s, c));
        }
      }
    }
  }
};

/** Variables in Resource/NotResource and condition values must name keys that exist. */
export const checkVariables: Check = (ctx) => {
  if (ctx.catalog === undefined || !ctx.document.variablesEnabled) return;
  for (const s of ctx.document.statements) {
    const values = [
      ...(s.resource?.patterns ?? []).map((v, i) => ({ v, path: `${statementPath(s)}.${s.resource?.negated ? 'NotResource' : 'Resource'}[${i}]` })),
      ...s.conditions.filter(substitutes).flatMap((c) => c.values.map((v) => ({ v, path: clausePath(s, c) }))),
    ];
    for (const { v, path } of values) {
      for (const key of templateVariables(parseTemplate(v.value, true).template)) {
        if (lookupKey(ctx, key, s) === undefined && keyNamespaceKnown(ctx, key)) {
          ctx.report('policy/unknown-variable', `\`\${${key}}\` names no known condition key`, 'the variable can never be resolved, so this value never matches', v.loc, path);
        }
      }
    }
  }
};

/** A variable in a Numeric, Date, Bool, Binary or IP condition is plain text to AWS. */
export const checkVariablePlacement: Check = (ctx) => {
  if (!ctx.document.variablesEnabled) return;
  for (const s of ctx.document.statements) {
    for (const c of s.conditions.filter((c) => !substitutes(c) && conditionOperator(c.baseOperator) !== undefined)) {
      for (const v of c.values) {
        if (parseTemplate(v.value, true).template.hasVariables) {
          ctx.report('policy/variable-in-unsupported-operator', `\`${v.value}\`: AWS substitutes policy variables only in String and ARN conditions, not in \`${c.baseOperator}\``, 'compare with a literal value, or move the test to a String or ARN operator', v.loc, clausePath(s, c));
        }
      }
    }
  }
};
