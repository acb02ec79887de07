/** The policy's package rules as one predicate the resolver applies to every candidate. */
import type { Candidate } from '../../catalog/index.js';
import type { SelectionPolicy } from './types.js';

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
