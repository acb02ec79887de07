/**
 * The validator: Access-Analyzer-style findings for one policy document. Grammar comes from the
 * parser, value formats from compiling the statements, and the rest from the checks below, each a
 * small function over the parsed document. `POLICY_CHECKS` lists every code.
 */
import { compilePolicy } from '../compiled-policy.js';
import { sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import { parsePolicy } from '../parser.js';
import type { PolicyInput, PolicyType } from '../request.js';
import type { ServiceCatalog } from '../service-catalog.js';
import { makeContext, type Check } from './check-context.js';
import { checkActions, checkResources } from './checks-catalog.js';
import { checkConditionKeys, checkConditionTraps, checkConditionValues, checkVariablePlacement, checkVariables } from './checks-conditions.js';
import { checkSize, checkVersion } from './checks-document.js';
import { checkRedundantEntries, checkRedundantStatements } from './checks-redundancy.js';
import { checkNotElements, checkPassRole, checkPublicPrincipal } from './checks-security.js';

const CHECKS: readonly Check[] = [
  checkVersion,
  checkSize,
  checkActions,
  checkResources,
  checkConditionKeys,
  checkConditionValues,
  checkConditionTraps,
  checkVariables,
  checkVariablePlacement,
  checkNotElements,
  checkPublicPrincipal,
  checkPassRole,
  checkRedundantEntries,
  checkRedundantStatements,
];

export interface ValidateOptions {
  readonly policyType: PolicyType;
  /** The AWS catalog; without it the catalog checks are skipped. */
  readonly catalog?: ServiceCatalog;
  readonly source?: string;
}

export function validatePolicy(input: PolicyInput, options: ValidateOptions): Diagnostic[] {
  const parsed = parsePolicy(input, options.source === undefined ? { policyType: options.policyType } : { policyType: options.policyType, source: options.source });
  const out: Diagnostic[] = [...parsed.diagnostics];
  const doc = parsed.document;
  if (doc === undefined) return sortDiagnostics(out);
  out.push(...compilePolicy({ type: options.policyType, index: 0, name: options.policyType, document: doc }).diagnostics.map(({ policy: _policy, ...d }) => d));
  const ctx = makeContext(doc, options.catalog, compactSize(input), out);
  for (const check of CHECKS) check(ctx);
  return sortDiagnostics(dedupe(out));
}

/** IAM counts policy size without whitespace. */
function compactSize(input: PolicyInput): number | undefined {
  try {
    return JSON.stringify(typeof input === 'string' ? JSON.parse(input) : input).length;
  } catch {
    return undefined;
  }
}

function dedupe(ds: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.code}|${d.path ?? ''}|${d.loc?.offset ?? ''}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
