/** Document-level checks: Version and its effect on variables, and IAM's size limits. */
import type { ConditionClause } from '../ast.js';
import { conditionOperator } from '../operators/registry.js';
import { parseTemplate } from '../variables.js';
import { statementPath, type Check } from './check-context.js';

/** IAM's size limits in characters, whitespace not counted (IAM and Organizations quotas). */
const SIZE_LIMITS: Record<string, { limit: number; what: string }> = {
  identity: { limit: 6144, what: 'a managed policy' },
  boundary: { limit: 6144, what: 'a managed policy used as a boundary' },
  session: { limit: 2048, what: 'a session policy' },
  scp: { limit: 5120, what: 'a service control policy' },
  rcp: { limit: 5120, what: 'a resource control policy' },
  resource: { limit: 20480, what: 'an S3 bucket policy, the largest resource-based policy' },
};

export const checkVersion: Check = (ctx) => {
  const doc = ctx.document;
  if (doc.version === '2008-10-17') {
    ctx.report('policy/old-version', 'the policy uses Version `2008-10-17`', 'use `2012-10-17`: it adds policy variables and is what AWS recommends', doc.loc, 'Version');
  }
  if (doc.variablesEnabled) return;
  for (const s of doc.statements) {
    const values = [
      ...(s.resource?.patterns ?? []).map((p, i) => ({ v: p, path: `${statementPath(s)}.${s.resource?.negated ? 'NotResource' : 'Resource'}[${i}]` })),
      ...s.conditions.filter(substitutes).flatMap((c) => c.values.map((v) => ({ v, path: `${statementPath(s)}.Condition.${c.operator}.${c.key}` }))),
    ];
    for (const { v, path } of values) {
      if (parseTemplate(v.value, true).template.hasVariables) {
        ctx.report('policy/variables-need-version', `\`${v.value}\` holds a policy variable, but this Version treats it as plain text`, 'set `"Version": "2012-10-17"` so that IAM substitutes the variable', v.loc, path);
      }
    }
  }
};

export const checkSize: Check = (ctx) => {
  const rule = SIZE_LIMITS[ctx.policyType];
  if (rule === undefined || ctx.compactSize === undefined || ctx.compactSize <= rule.limit) return;
  ctx.report('policy/policy-size', `the policy has ${ctx.compactSize} characters without whitespace; ${rule.what} may have at most ${rule.limit}`, 'split it into several policies or merge statements with wildcards', ctx.document.loc, '');
};

/** AWS substitutes policy variables in String and ARN condition values only. */
export function substitutes(c: ConditionClause): boolean {
  const family = conditionOperator(c.baseOperator)?.family;
  return family === 'String' || family === 'Arn';
}
