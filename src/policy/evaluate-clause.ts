/**
 * One condition clause evaluated on its own against a request, for partial evaluation (effective
 * permissions under a given context, what-if grids): `true`/`false` when the request carries every
 * key the clause reads, `unknown` otherwise.
 */
import type { ConditionClause } from './ast.js';
import { compileCondition } from './compile-condition.js';
import type { Diagnostic } from './diagnostics.js';
import { RequestContext } from './request-context.js';
import type { AuthorizationRequest } from './request.js';
import { parseTemplate, templateVariables } from './variables.js';

export type ClauseResult = true | false | 'unknown';

export function evaluateClause(clause: ConditionClause, variablesEnabled: boolean, request: AuthorizationRequest): ClauseResult {
  const ctx = new RequestContext(request);
  const keys = [clause.key, ...clause.values.flatMap((v) => templateVariables(parseTemplate(v.value, variablesEnabled).template))];
  // In partial evaluation an absent key is not known to be missing, so even Null cannot decide.
  if (keys.some((k) => ctx.lookup(k, k.toLowerCase()) === undefined)) return 'unknown';
  const diagnostics: Diagnostic[] = [];
  return compileCondition(clause, variablesEnabled, diagnostics, '')(ctx);
}
