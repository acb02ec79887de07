/** Text for diffs and what-if matrices. */
import type { EffectiveDiff } from './diff.js';
import { entryLines, formatCounts } from './format.js';
import type { ActionEntry } from './types.js';
import type { WhatIfMatrix } from './what-if.js';

function block(sign: string, e: ActionEntry): string[] {
  return [`${sign} ${e.action} [${e.accessLevel}]`, ...entryLines(e).map((l) => `    ${l}`)];
}

export function formatDiff(d: EffectiveDiff): string {
  const lines: string[] = [];
  for (const e of d.added) lines.push(...block('+', e));
  for (const e of d.removed) lines.push(...block('-', e));
  for (const c of d.changed) {
    lines.push(`~ ${c.action} [${c.after.accessLevel}]`);
    lines.push('    before:', ...entryLines(c.before).map((l) => `      ${l}`));
    lines.push('    after:', ...entryLines(c.after).map((l) => `      ${l}`));
  }
  if (lines.length === 0) lines.push('No change in effective permissions.');
  lines.push(`${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`);
  return `${lines.join('\n')}\n`;
}

export function formatWhatIf(m: WhatIfMatrix): string {
  const lines = m.columns.map((c) => `${c.name}: ${formatCounts(c.total, c.totals)}`);
  if (m.rows.length === 0) {
    lines.push('', 'Every context allows the same actions.');
    return `${lines.join('\n')}\n`;
  }
  const first = Math.max('action'.length, ...m.rows.map((r) => r.action.length));
  const widths = m.columns.map((c) => Math.max(c.name.length, 'conditional'.length));
  const row = (head: string, cells: readonly string[]) => [head.padEnd(first), ...cells.map((c, i) => c.padEnd(widths[i] ?? 0))].join('  ').trimEnd();
  lines.push('', `Actions that differ (${m.rows.length}):`, row('action', m.columns.map((c) => c.name)));
  for (const r of m.rows) lines.push(row(r.action, r.cells));
  return `${lines.join('\n')}\n`;
}
