/** The policy's package rules as one predicate the resolver applies to every candidate. */
import type { Candidate } from '../../catalog/index.js';
import { checkSchema, hasErrors, type Parsed } from '../../intel/index.js';
import type { SelectionPolicy } from './types.js';

const TIER_LIST = { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true };
const POLICY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    required: { type: 'array', items: { type: 'string', pattern: '^[a-z0-9][a-z0-9.+-]*$' }, uniqueItems: true },
    prohibited: { type: 'array', items: { type: 'string', pattern: '^[a-z0-9*][a-z0-9.+*-]*$' }, uniqueItems: true },
    maxImageMiB: { type: 'number', exclusiveMinimum: 0, maximum: 1_000_000 },
    allowedSources: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true, minItems: 1 },
    preferSecurityFromTier: { enum: ['minimal', 'low', 'moderate', 'high', 'critical'] },
    minimumCategories: { type: 'object', additionalProperties: false, properties: { minimal: TIER_LIST, low: TIER_LIST, moderate: TIER_LIST, high: TIER_LIST, critical: TIER_LIST } },
  },
};

/** An image policy document (YAML or JSON, already parsed) checked against its schema. */
export function checkSelectionPolicy(value: unknown): Parsed<SelectionPolicy> {
  const diagnostics = checkSchema(value ?? {}, POLICY_SCHEMA, 'select/policy-schema', 'error', 'see docs/selection.md for the image policy\'s fields');
  return hasErrors(diagnostics) ? { ok: false, diagnostics } : { ok: true, value: (value ?? {}) as SelectionPolicy, diagnostics };
}

const escape = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/** `*` matches any run of characters; everything else is literal. */
export function namePattern(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map(escape).join('.*')}$`);
}

/** Why a candidate may not be installed under the policy, or undefined when it may. */
export function prohibitionOf(policy: SelectionPolicy): ((c: Candidate) => string | undefined) | undefined {
  const patterns = (policy.prohibited ?? []).map((p) => [p, namePattern(p)] as const);
  const sources = policy.allowedSources !== undefined ? new Set(policy.allowedSources) : undefined;
  if (patterns.length === 0 && sources === undefined) return undefined;
  return (c) => {
    for (const [text, re] of patterns) if (re.test(c.package.name)) return `prohibited by policy (\`${text}\`)`;
    if (sources !== undefined && !sources.has(c.source)) return `from ${c.source}, which the policy does not allow`;
    return undefined;
  };
}
