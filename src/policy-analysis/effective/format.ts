/**
 * Text for the CLI: service headings, access-level groups, and actions that share the same grants
 * and denies printed once together, so `s3:Get*` on one bucket reads as one block, not 60.
 */
import { isNotScope } from './resources.js';
import { ACCESS_LEVELS, type ActionEntry, type ConditionSummary, type DeniedAction, type EffectivePermissions, type LevelCounts, type ResourceScope, type StatementOrigin } from './types.js';

export function formatOrigin(o: StatementOrigin): string {
  return `${o.policy}:${o.sid !== undefined && o.sid !== '' ? o.sid : `#${o.index}`}`;
}

export function formatScope(s: ResourceScope): string {
  return isNotScope(s) ? `all but ${s.not.join(', ')}` : s.join(', ');
}

function formatConditions(cs: readonly ConditionSummary[]): string {
  return cs.length === 0 ? '' : ` if ${cs.map((c) => c.text).join(' and ')}`;
}

/** The grant and deny lines of an entry (without its name). */
export function entryLines(e: ActionEntry): string[] {
  return [
    ...e.grants.map((g) => `allow ${formatOrigin(g.statement)} on ${formatScope(g.resources)}${formatConditions(g.conditions)}`),
    ...e.denies.map((d) => `deny ${formatOrigin(d.statement)} on ${formatScope(d.resources)}${formatConditions(d.conditions)}`),
  ];
}

export function formatCounts(total: number, t: LevelCounts): string {
  const parts = ACCESS_LEVELS.filter((l) => t[l] > 0).map((l) => `${t[l]} ${l}`);
  return `${total} action${total === 1 ? '' : 's'}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

/** Names joined with commas, wrapped before `width` columns. */
function wrap(names: readonly string[], indent: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const n of names) {
    const next = line === '' ? n : `${line}, ${n}`;
    if (line !== '' && indent.length + next.length + 1 > width) {
      lines.push(`${indent}${line},`);
      line = n;
    } else line = next;
  }
  if (line !== '') lines.push(`${indent}${line}`);
  return lines;
}

function formatDenied(d: readonly DeniedAction[]): string[] {
  if (d.length === 0) return [];
  const why = (x: DeniedAction) => (x.reason === 'explicit-deny' ? `denied by ${x.statements.map(formatOrigin).join(', ') || 'an explicit deny'}` : `not allowed by the ${x.reason} policy`);
  return ['', `Not effective (${d.length}):`, ...d.map((x) => `  ${x.action}: ${why(x)}`)];
}

function formatHeader(e: EffectivePermissions): string[] {
  const lines = [`Effective permissions: ${formatCounts(e.total, e.totals)}`];
  const ctx = Object.entries(e.context ?? {});
  if (e.context !== undefined) lines.push(`Context: ${ctx.length === 0 ? '(empty)' : ctx.map(([k, v]) => `${k}=${typeof v === 'string' ? v : `[${v.join(', ')}]`}`).join(', ')}`);
  const c = e.coverage;
  const notes = [`${c.servicesLoaded.length} services loaded`];
  if (c.notLoadedButReferenced.length > 0) notes.push(`not loaded but referenced: ${c.notLoadedButReferenced.join(', ')}`);
  if (c.unloadedReachedByWildcards > 0) notes.push(`${c.unloadedReachedByWildcards} services not loaded are also reached by wildcards or NotAction`);
  lines.push(`Catalog: ${notes.join('; ')}`);
  return lines;
}

export function formatEffective(e: EffectivePermissions): string {
  const lines = formatHeader(e);
  for (const s of e.services) {
    const total = ACCESS_LEVELS.reduce((n, l) => n + s.totals[l], 0);
    const r = s.risk;
    lines.push('', `${s.name} (${s.service}): ${formatCounts(total, s.totals)}; risk ${r.indicator}: ${r.writeOnStar} Write, ${r.permissionsManagementOnStar} Permissions management on *`);
    for (const level of ACCESS_LEVELS) {
      const entries = s.levels[level];
      if (entries.length === 0) continue;
      lines.push(`  ${level} (${entries.length})`);
      // Actions with the same grants and denies print as one block.
      const groups = new Map<string, { names: string[]; body: string[] }>();
      for (const a of entries) {
        const body = entryLines(a);
        const key = body.join('\n');
        const g = groups.get(key) ?? { names: [], body };
        g.names.push(a.action.slice(a.service.length + 1));
        groups.set(key, g);
      }
      for (const g of groups.values()) lines.push(...wrap(g.names, '    '), ...g.body.map((b) => `      ${b}`));
    }
  }
  if (e.services.length === 0) lines.push('', 'No action is effective.');
  lines.push(...formatDenied(e.denied));
  return `${lines.join('\n')}\n`;
}
