/** Human output for decisions and explanations: what decided, where it is written, what was missing. */
import type { AuthorizationRequest, Decision, Explanation, StatementRef, StatementTrace } from '../policy/index.js';

const LABEL: Record<Decision['decision'], string> = { Allow: 'ALLOW', ExplicitDeny: 'DENY (explicit)', ImplicitDeny: 'DENY (implicit)' };

function sourceLine(ref: StatementRef, sources: ReadonlyMap<string, string>, defaultSource: string): string {
  const loc = ref.location;
  if (loc === undefined) return '';
  const file = loc.source ?? defaultSource;
  const source = sources.get(file);
  if (source === undefined) return `\n      ${file}:${loc.line}:${loc.column}`;
  // Point at the Sid line when the statement has one: it says more than the opening brace.
  const body = source.slice(loc.offset, loc.offset + loc.length);
  const sidAt = body.search(/"Sid"\s*:/);
  const line = sidAt < 0 ? loc.line : loc.line + (body.slice(0, sidAt).match(/\n/g)?.length ?? 0);
  const text = source.split('\n')[line - 1]?.trim() ?? '';
  return `\n      ${file}:${line}${text !== '' ? `  ${text.length > 100 ? `${text.slice(0, 97)}...` : text}` : ''}`;
}

export function refLabel(ref: StatementRef): string {
  return `${ref.policyName} ${ref.sid !== undefined && ref.sid !== '' ? `Sid ${ref.sid}` : `statement #${ref.statementIndex}`} (${ref.effect})`;
}

export function formatDecision(request: AuthorizationRequest, d: Decision, sources: ReadonlyMap<string, string>, defaultSource: string): string {
  const out: string[] = [];
  out.push(`${LABEL[d.decision]}  ${request.principal} → ${request.action} on ${request.resource}`);
  out.push(`  ${d.summary}`);
  if (d.crossAccount) out.push(`  cross-account: caller in ${d.principalAccount ?? '?'}, resource in ${d.resourceAccount ?? '?'}`);
  if (d.decidingStatements.length > 0) {
    out.push(`  deciding statements:`);
    for (const r of d.decidingStatements) out.push(`    ${refLabel(r)}${sourceLine(r, sources, defaultSource)}`);
  }
  if (d.implicitDeny !== undefined) {
    out.push(`  not allowed by: ${d.implicitDeny.policyType}${d.implicitDeny.level !== undefined ? ` (level ${d.implicitDeny.level})` : ''}`);
  }
  if (d.missingContextKeys.length > 0) {
    out.push(`  missing context keys (consulted, not in the request): ${d.missingContextKeys.join(', ')}`);
  }
  return out.join('\n') + '\n';
}

function traceLine(t: StatementTrace): string {
  const mark = (r: string) => (r === 'match' ? 'yes' : r === 'no-match' ? 'NO' : '-');
  const conds = t.conditions.map((c) => `${c.operator} ${c.key} ${JSON.stringify(c.policyValues)} vs ${c.requestValues === undefined ? '(missing)' : JSON.stringify(c.requestValues)}: ${c.result ? 'true' : 'FALSE'}`);
  const head = `    ${t.applies ? '●' : '○'} ${refLabel(t.ref)}${t.ref.location ? ` line ${t.ref.location.line}` : ''}: action ${mark(t.action)}, resource ${mark(t.resource)}${t.principal !== 'not-applicable' ? `, principal ${mark(t.principal)}` : ''}`;
  return [head, ...conds.map((c) => `        condition ${c}`)].join('\n');
}

export function formatExplanation(request: AuthorizationRequest, e: Explanation, sources: ReadonlyMap<string, string>, defaultSource: string): string {
  const out: string[] = [formatDecision(request, e.decision, sources, defaultSource).trimEnd(), '', 'evaluation steps (AWS order):'];
  e.steps.forEach((s, i) => {
    const level = s.level !== undefined ? ` level ${s.level}` : '';
    const refs = s.statements.length > 0 ? ` — ${s.statements.map(refLabel).join('; ')}` : '';
    out.push(`  ${i + 1}. ${s.step}${level}: ${s.outcome} (${s.note})${refs}`);
  });
  out.push('', 'statements (● applies, ○ does not):');
  let policy = '';
  for (const t of e.statements) {
    if (t.ref.policyName !== policy) {
      policy = t.ref.policyName;
      out.push(`  ${policy}${t.ref.policyId !== undefined ? ` (Id ${t.ref.policyId})` : ''}`);
    }
    out.push(traceLine(t));
  }
  return out.join('\n') + '\n';
}
