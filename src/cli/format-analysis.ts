/** Human output of analysis results: containment verdicts, regions of new access, findings. */
import type { Containment, PolicyFinding, Region, StatementOrigin } from '../policy-analysis/index.js';
import type { AuthorizationRequest } from '../policy/index.js';

export function formatRequest(r: AuthorizationRequest, indent = '  '): string {
  const lines = [`${indent}principal  ${r.principal}`, `${indent}action     ${r.action}`, `${indent}resource   ${r.resource}`];
  const ctx = Object.entries(r.context ?? {});
  if (ctx.length === 0) lines.push(`${indent}context    (none)`);
  ctx.forEach(([k, v], i) => lines.push(`${indent}${i === 0 ? 'context    ' : '           '}${k} = ${JSON.stringify(v)}`));
  return lines.join('\n');
}

export function formatOrigin(o: StatementOrigin, names?: readonly string[]): string {
  const policy = names?.[o.policy] ?? `policy ${o.policy}`;
  return `${policy} statement ${o.sid ?? `#${o.statement}`}`;
}

export function formatRegion(r: Region, candidateNames?: readonly string[], withinNames?: readonly string[]): string {
  const lines = [`  actions    ${r.actions}`, `  resources  ${r.resources}`];
  r.conditions.forEach((c, i) => lines.push(`  ${i === 0 ? 'when       ' : '           '}${c.key} ${c.values}`));
  lines.push(`  from       ${formatOrigin(r.from, candidateNames)}`);
  const within = withinNames?.[r.refusedBy.within] ?? `within #${r.refusedBy.within}`;
  lines.push(`  refused by ${r.refusedBy.deny === undefined ? `${within} (no Allow)` : `${within}: Deny ${r.refusedBy.deny.sid ?? `#${r.refusedBy.deny.statement}`}`}`);
  return lines.join('\n');
}

export function formatContainment(c: Containment, candidateNames?: readonly string[], withinNames?: readonly string[]): string {
  switch (c.verdict) {
    case 'contained':
      return 'CONTAINED: every request the candidate allows is allowed by every `within` policy, under every context (proof over the whole request space)\n';
    case 'unknown':
      return `UNKNOWN: the analysis could not decide\n${c.reasons.map((r) => `  - ${r}`).join('\n')}\n`;
    case 'not-contained':
      return `NOT CONTAINED: the candidate allows requests that ${withinNames?.[c.region.refusedBy.within] ?? 'a `within` policy'} does not\n\ncounterexample (confirmed by the evaluator):\n${formatRequest(c.counterexample)}\n\nregion of new access:\n${formatRegion(c.region, candidateNames, withinNames)}\n`;
  }
}

export function formatFindings(findings: readonly PolicyFinding[], names?: readonly string[]): string {
  if (findings.length === 0) return 'no findings\n';
  return findings.map((f) => `${f.severity.padEnd(8)} ${f.kind.padEnd(20)} ${f.message}\n${' '.repeat(30)}(${f.statements.map((s) => formatOrigin(s, names)).join('; ')})`).join('\n') + '\n';
}
