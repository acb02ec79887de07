/** Asking an effective action about one concrete resource. */
import { scopeMatches } from './resources.js';
import type { ActionEntry } from './types.js';

/**
 * Whether the entry allows the action on `resource`: `true`, `false`, or `conditional` when the
 * answer still hangs on open conditions. Patterns are matched as written (no variable substitution).
 */
export function allowsResource(entry: ActionEntry, resource: string): boolean | 'conditional' {
  const sides = [...new Set(entry.grants.map((g) => g.side))];
  let open = false;
  for (const side of sides) {
    const matching = entry.grants.filter((g) => g.side === side && scopeMatches(g.resources, resource));
    if (matching.length === 0) return false;
    if (!matching.some((g) => g.conditions.length === 0)) open = true;
  }
  const denies = entry.denies.filter((d) => scopeMatches(d.resources, resource));
  if (denies.some((d) => d.conditions.length === 0)) return false;
  return open || denies.length > 0 ? 'conditional' : true;
}
