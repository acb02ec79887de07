/**
 * Diff of two effective-permission reports (two policies, or two versions of one): actions
 * gained, actions lost, and actions whose resources, conditions or denies changed. Which statement
 * carries a grant (its Sid or position) is not a change: only what it allows is compared.
 */
import { allEntries, compareText } from './effective.js';
import { isNotScope } from './resources.js';
import type { ActionEntry, ConditionSummary, EffectivePermissions, ResourceScope } from './types.js';

export interface ChangedAction {
  readonly action: string;
  readonly before: ActionEntry;
  readonly after: ActionEntry;
}

export interface EffectiveDiff {
  readonly added: readonly ActionEntry[];
  readonly removed: readonly ActionEntry[];
  readonly changed: readonly ChangedAction[];
}

function scopeKey(s: ResourceScope): string {
  return isNotScope(s) ? `not(${[...s.not].sort().join(',')})` : [...s].sort().join(',');
}

function conditionsKey(cs: readonly ConditionSummary[]): string {
  return cs.map((c) => `${c.operator}|${c.key.toLowerCase()}|${c.values.join(',')}`).sort().join('&');
}

/** What an entry allows, independent of statement order and naming. */
export function entrySignature(e: ActionEntry): string {
  const grants = [...new Set(e.grants.map((g) => `${g.side}:${scopeKey(g.resources)}?${conditionsKey(g.conditions)}`))].sort();
  const denies = [...new Set(e.denies.map((d) => `${scopeKey(d.resources)}?${conditionsKey(d.conditions)}`))].sort();
  return JSON.stringify([grants, denies]);
}

function byAction(entries: readonly ActionEntry[]): Map<string, ActionEntry> {
  return new Map(entries.map((e) => [e.action.toLowerCase(), e]));
}

export function diffEffective(before: EffectivePermissions, after: EffectivePermissions): EffectiveDiff {
  const b = byAction(allEntries(before));
  const a = byAction(allEntries(after));
  const order = (x: { action: string }, y: { action: string }) => compareText(x.action, y.action);
  const added = [...a].filter(([k]) => !b.has(k)).map(([, e]) => e).sort(order);
  const removed = [...b].filter(([k]) => !a.has(k)).map(([, e]) => e).sort(order);
  const changed: ChangedAction[] = [];
  for (const [k, old] of b) {
    const now = a.get(k);
    if (now !== undefined && entrySignature(old) !== entrySignature(now)) changed.push({ action: now.action, before: old, after: now });
  }
  return { added, removed, changed: changed.sort(order) };
}
