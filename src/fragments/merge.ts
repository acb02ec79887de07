/**
 * Merging bound statements into a minimal policy: identical statements once; statements that
 * differ only in Action merged into one (their Resource and Condition equal), then those that differ
 * only in Resource; repeated until nothing changes. Every merge keeps the granted requests exactly
 * the same (a statement's match is Action × Resource × Condition). Sids are regenerated.
 */
import { canonicalJson } from './canonical.js';

type Stmt = Record<string, unknown>;

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [v as string]);

/** The part of a statement other than `field`, as a comparable key. */
function rest(s: Stmt, field: 'Action' | 'Resource'): string | undefined {
  // NotAction/NotResource statements are left as they are: merging their lists changes meaning.
  if ('NotAction' in s || 'NotResource' in s || 'Principal' in s || 'NotPrincipal' in s) return undefined;
  const { Sid: _sid, [field]: _f, ...others } = s;
  return canonicalJson(others);
}

function mergeBy(statements: Stmt[], field: 'Action' | 'Resource'): Stmt[] {
  const out: Stmt[] = [];
  const index = new Map<string, number>();
  for (const s of statements) {
    const key = rest(s, field);
    const at = key === undefined ? undefined : index.get(key);
    if (at === undefined) {
      if (key !== undefined) index.set(key, out.length);
      out.push({ ...s });
      continue;
    }
    const target = out[at] as Stmt;
    const merged = [...new Set([...list(target[field]), ...list(s[field])])].sort();
    target[field] = merged.length === 1 ? merged[0] : merged;
  }
  return out;
}

/** `"x"` and `["x"]` mean the same: lists are deduplicated and sorted, a single entry unwrapped. */
function normalizeList(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  const items = [...new Set(v as string[])].sort();
  return items.length === 1 ? items[0] : items;
}

export function mergeStatements(statements: readonly Stmt[], sidPrefix = 'Tessera'): Stmt[] {
  // Identical statements once (Sid aside), with lists normalized so order does not matter.
  const seen = new Set<string>();
  let current: Stmt[] = [];
  for (const s of statements) {
    const { Sid: _sid, ...body } = s;
    const norm = Object.fromEntries(Object.entries(body).map(([k, v]) => [k, normalizeList(v)]));
    const key = canonicalJson(norm);
    if (seen.has(key)) continue;
    seen.add(key);
    current.push(norm);
  }
  for (let round = 0; round < 8; round++) {
    const next = mergeBy(mergeBy(current, 'Action'), 'Resource');
    if (next.length === current.length) {
      current = next;
      break;
    }
    current = next;
  }
  return current.map((s, i) => conventionalOrder({ ...s, Sid: `${sidPrefix}${i + 1}` }));
}

const ORDER = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];

/** Elements in the order people write them (Sid, Effect, Action, Resource, Condition). */
function conventionalOrder(s: Stmt): Stmt {
  const rank = (k: string) => (ORDER.includes(k) ? ORDER.indexOf(k) : ORDER.length);
  return Object.fromEntries(Object.entries(s).sort(([a], [b]) => rank(a) - rank(b)));
}

/** IAM counts policy size without whitespace; a managed policy holds at most 6,144 characters. */
export const MANAGED_POLICY_LIMIT = 6144;

/** Splits statements into documents within the managed-policy size limit (undefined if one statement is too big). */
export function splitIntoPolicies(statements: readonly Stmt[], limit = MANAGED_POLICY_LIMIT): Stmt[][] | undefined {
  const docs: Stmt[][] = [];
  let current: Stmt[] = [];
  const size = (ss: Stmt[]) => JSON.stringify({ Version: '2012-10-17', Statement: ss }).length;
  for (const s of statements) {
    if (size([s]) > limit) return undefined;
    if (current.length > 0 && size([...current, s]) > limit) {
      docs.push(current);
      current = [];
    }
    current.push(s);
  }
  if (current.length > 0) docs.push(current);
  return docs;
}
