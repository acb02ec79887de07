/**
 * The rules every fragment store applies alike: query normalization, the filters a version must
 * pass, paging, and the checks before a status change. Pure; adapters call these.
 */
import { actionPatternsIntersect } from './action-match.js';
import { transition } from './lifecycle.js';
import type { LifecycleAction } from './lifecycle.js';
import { FRAGMENT_STATUSES } from './model.js';
import type { FragmentContent, FragmentRef, FragmentStatus } from './model.js';
import { InvalidQueryError, InvalidTransitionError, StaleStatusError } from './store-errors.js';
import type { FragmentQuery } from './store-port.js';
import type { ActionIndexEntry } from './version-index.js';

/** Longest `action` or `text` a query may hold (IAM action names are well under 200 characters). */
export const MAX_QUERY_PATTERN = 1000;

/** A query with defaults applied, lower-cased where matching is case-insensitive, and checked. */
export interface NormalizedQuery {
  readonly resourceType?: string;
  /** Lower-cased. */
  readonly action?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly tags: readonly string[];
  readonly minRisk?: number;
  readonly maxRisk?: number;
  readonly status?: readonly FragmentStatus[];
  /** Lower-cased; absent when empty. */
  readonly text?: string;
  readonly latestOnly: boolean;
  readonly limit?: number;
  readonly offset: number;
}

/** Throws InvalidQueryError for what no store can run. */
export function normalizeQuery(query: FragmentQuery): NormalizedQuery {
  const effect = query.effect ?? 'Allow';
  if (effect !== 'Allow' && effect !== 'Deny') throw new InvalidQueryError(`effect must be Allow or Deny, not \`${String(effect)}\``);
  for (const [name, value] of [['limit', query.limit], ['offset', query.offset]] as const) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) throw new InvalidQueryError(`${name} must be a non-negative integer, not \`${String(value)}\``);
  }
  for (const [name, value] of [['minRisk', query.minRisk], ['maxRisk', query.maxRisk]] as const) {
    if (value !== undefined && !Number.isFinite(value)) throw new InvalidQueryError(`${name} must be a finite number, not \`${String(value)}\``);
  }
  for (const s of query.status ?? []) if (!FRAGMENT_STATUSES.includes(s)) throw new InvalidQueryError(`unknown status \`${String(s)}\` (one of ${FRAGMENT_STATUSES.join(', ')})`);
  for (const [name, value] of [['action', query.action], ['text', query.text]] as const) {
    if (value !== undefined && value.length > MAX_QUERY_PATTERN) throw new InvalidQueryError(`${name} is longer than ${MAX_QUERY_PATTERN} characters`);
  }
  const text = query.text?.toLowerCase();
  return {
    ...(query.resourceType !== undefined && { resourceType: query.resourceType }),
    ...(query.action !== undefined && { action: query.action.toLowerCase() }),
    effect,
    tags: [...new Set(query.tags ?? [])],
    ...(query.minRisk !== undefined && { minRisk: query.minRisk }),
    ...(query.maxRisk !== undefined && { maxRisk: query.maxRisk }),
    ...(query.status !== undefined && { status: [...new Set(query.status)] }),
    ...(text !== undefined && text !== '' && { text }),
    latestOnly: query.latestOnly ?? true,
    ...(query.limit !== undefined && { limit: query.limit }),
    offset: query.offset ?? 0,
  };
}

/** What a version exposes to the filters. */
export interface Searchable {
  readonly status: FragmentStatus;
  readonly content: FragmentContent;
  readonly searchText: string;
  readonly actionEntries: readonly ActionIndexEntry[];
}

/** Every filter of the query except latestOnly and paging. */
export function matchesQuery(v: Searchable, q: NormalizedQuery): boolean {
  const c = v.content;
  if (q.resourceType !== undefined && c.resourceType !== q.resourceType) return false;
  if (q.minRisk !== undefined && !(c.risk >= q.minRisk)) return false;
  if (q.maxRisk !== undefined && !(c.risk <= q.maxRisk)) return false;
  if (q.status !== undefined && !q.status.includes(v.status)) return false;
  if (q.text !== undefined && !v.searchText.includes(q.text)) return false;
  if (q.tags.some((t) => !c.tags.includes(t))) return false;
  if (q.action !== undefined && !matchesAction(v.actionEntries, q.action, q.effect)) return false;
  return true;
}

export function matchesAction(entries: readonly { readonly effect: string; readonly pattern: string }[], action: string, effect: 'Allow' | 'Deny'): boolean {
  return entries.some((e) => e.effect === effect && actionPatternsIntersect(e.pattern, action));
}

/** The page of `items` (all matches, in result order) that the query asks for. */
export function page<T>(items: readonly T[], q: NormalizedQuery): T[] {
  return items.slice(q.offset, q.limit === undefined ? undefined : q.offset + q.limit);
}

/**
 * The status `action` leads to from `current`, or the error to throw: StaleStatusError when
 * `expected` is given and differs (checked first), InvalidTransitionError when the lifecycle refuses.
 */
export function planTransition(ref: FragmentRef, current: FragmentStatus, action: LifecycleAction, expected?: FragmentStatus): FragmentStatus {
  if (expected !== undefined && expected !== current) throw new StaleStatusError(ref, expected, current);
  const t = transition(current, action);
  if (!t.ok) throw new InvalidTransitionError(ref, action, current, t.reason);
  return t.to;
}
