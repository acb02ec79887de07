/**
 * What stores derive from a fragment's content to answer queries: its action patterns (per
 * Effect, with the service they are confined to), its search text, and the normalized content
 * itself. Shared by every adapter so they index alike.
 */
import { canonicalJson } from './canonical.js';
import type { FragmentContent } from './model.js';

/** The service of a pattern that is not confined to one (`*`, `s3*:Get`, `?3:Get*`, no colon). */
export const ANY_SERVICE = '*';

export interface ActionIndexEntry {
  readonly effect: 'Allow' | 'Deny';
  /** Lower-cased. */
  readonly pattern: string;
  /** See actionService. */
  readonly service: string;
}

/** The lower-cased `Action` patterns of all statements, without duplicates, in first-seen order. */
export function deriveActions(content: FragmentContent): string[] {
  const seen = new Set<string>();
  for (const statement of content.statements) for (const p of statementActions(statement)) seen.add(p);
  return [...seen];
}

/** One entry per (Effect, pattern); statements whose Effect is neither Allow nor Deny are left out. */
export function actionIndexEntries(content: FragmentContent): ActionIndexEntry[] {
  const entries = new Map<string, ActionIndexEntry>();
  for (const statement of content.statements) {
    const effect = statement['Effect'];
    if (effect !== 'Allow' && effect !== 'Deny') continue;
    for (const pattern of statementActions(statement)) entries.set(`${effect} ${pattern}`, { effect, pattern, service: actionService(pattern) });
  }
  return [...entries.values()];
}

/**
 * The service every action a pattern matches belongs to: the lower-cased text before the first
 * `:` when that text has no wildcard, else ANY_SERVICE. Two patterns confined to different services
 * never intersect (their matches differ before the first colon), which lets a store prefilter.
 */
export function actionService(pattern: string): string {
  const colon = pattern.indexOf(':');
  if (colon < 0) return ANY_SERVICE;
  const service = pattern.slice(0, colon).toLowerCase();
  return service.includes('*') || service.includes('?') ? ANY_SERVICE : service;
}

/** What `text` queries search, lower-cased: id, title and description joined by U+001F. */
export function searchText(content: FragmentContent): string {
  return [content.id, content.title, content.description].join('\u001f').toLowerCase();
}

/**
 * The content as stores keep it: a fresh copy through its canonical JSON (keys sorted, undefined
 * members dropped), so every adapter returns the same shape and nothing is shared with the caller.
 */
export function normalizeContent(content: FragmentContent): FragmentContent {
  return JSON.parse(canonicalJson(content)) as FragmentContent;
}

function statementActions(statement: Readonly<Record<string, unknown>>): string[] {
  const action = statement['Action'];
  const list = Array.isArray(action) ? action : [action];
  return list.filter((a): a is string => typeof a === 'string').map((a) => a.toLowerCase());
}
