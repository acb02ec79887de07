/**
 * `FragmentStore.search` in SQL: every filter, the count and the page run in the database.
 *
 * - "Newest matching version per id" is `max(version) ... group by fragment_id` (the same set as a
 *   `row_number()` window, cheaper: with the covering indexes of 003-search-indexes the groups come
 *   out of an index already in id order).
 * - Tags and actions are `(fragment_id, version) in (subquery)` filters, which both engines can run
 *   from the tag/pattern indexes when they are the selective part, or probe when another filter is.
 * - An action query first reads the distinct stored patterns of the action's service (and of
 *   patterns with a wildcard service), decides in JS which of them can match the action
 *   (actionPatternsIntersect: the one definition every store shares), then filters by that list.
 *   A catalog has few distinct patterns, so the JS step is small and the rest stays in SQL.
 */
import { sql } from 'kysely';
import type { Expression, QueryCreator, Transaction } from 'kysely';
import { ANY_SERVICE, actionPatternsIntersect, actionService, normalizeQuery } from '../fragments/index.js';
import type { FragmentQuery, FragmentRef, FragmentSearchResult, NormalizedQuery } from '../fragments/index.js';
import { loadVersions } from './fragment-rows.js';
import type { TesseraDatabase } from './schema.js';

type Trx = Transaction<TesseraDatabase>;

/** Above this many matching patterns the list is written as literals, clear of every engine's parameter limit. */
const MAX_PATTERN_PARAMETERS = 1000;

export async function searchVersions(trx: Trx, query: FragmentQuery): Promise<FragmentSearchResult> {
  const q = normalizeQuery(query);
  if (q.status !== undefined && q.status.length === 0) return { items: [], total: 0 };
  let patterns: string[] | undefined;
  if (q.action !== undefined) {
    patterns = await matchingPatterns(trx, q.action, q.effect);
    if (patterns.length === 0) return { items: [], total: 0 };
  }
  const { refs, total } = await pageInSql(trx, q, patterns);
  return { items: await loadVersions(trx, refs), total };
}

/** The stored (lower-cased) patterns of `effect` that can match `action`. */
async function matchingPatterns(trx: Trx, action: string, effect: 'Allow' | 'Deny'): Promise<string[]> {
  const service = actionService(action);
  let candidates = trx.selectFrom('fragment_actions').select('pattern').distinct().where('effect', '=', effect);
  if (service !== ANY_SERVICE) candidates = candidates.where('service', 'in', [service, ANY_SERVICE]);
  return (await candidates.execute()).map((r) => r.pattern).filter((p) => actionPatternsIntersect(p, action));
}

/** The versions that pass every filter (`patterns`: the action filter, already resolved). */
function filtered(db: QueryCreator<TesseraDatabase>, q: NormalizedQuery, patterns: readonly string[] | undefined) {
  let qb = db.selectFrom('fragment_versions as v');
  if (q.resourceType !== undefined) qb = qb.where('v.resource_type', '=', q.resourceType);
  if (q.minRisk !== undefined) qb = qb.where('v.risk', '>=', q.minRisk);
  if (q.maxRisk !== undefined) qb = qb.where('v.risk', '<=', q.maxRisk);
  if (q.status !== undefined) qb = qb.where('v.status', 'in', [...q.status]);
  // Both sides are lower-cased in JS (SQLite's lower() folds ASCII only); `!` escapes LIKE's wildcards.
  if (q.text !== undefined) qb = qb.where(sql<boolean>`${sql.ref('v.search_text')} like ${`%${q.text.replace(/[!%_]/g, '!$&')}%`} escape '!'`);
  for (const tag of q.tags) {
    qb = qb.where(versionIn(db.selectFrom('fragment_tags as t').select(['t.fragment_id', 't.version']).where('t.tag', '=', tag)));
  }
  if (patterns !== undefined) {
    const list = patterns.length <= MAX_PATTERN_PARAMETERS ? [...patterns] : patterns.map((p) => sql.lit(p));
    qb = qb.where(versionIn(db.selectFrom('fragment_actions as a').select(['a.fragment_id', 'a.version']).where('a.effect', '=', q.effect).where('a.pattern', 'in', list)));
  }
  return qb;
}

/** `(v.fragment_id, v.version) in (keys)`: a row-value IN, which SQLite (≥ 3.15) and PostgreSQL share. */
function versionIn(keys: Expression<unknown>) {
  return sql<boolean>`(${sql.ref('v.fragment_id')}, ${sql.ref('v.version')}) in (${keys})`;
}

async function pageInSql(trx: Trx, q: NormalizedQuery, patterns: readonly string[] | undefined): Promise<{ refs: FragmentRef[]; total: number }> {
  const base = filtered(trx, q, patterns);
  // SQLite needs a LIMIT before an OFFSET: without a limit, page in JS.
  const paged = <T extends { limit(n: number): T; offset(n: number): T }>(qb: T): T => (q.limit === undefined ? qb : qb.limit(q.limit).offset(q.offset));
  let rows: { fragment_id: string; version: number }[];
  let total: number | string | bigint | undefined;
  if (q.latestOnly) {
    const newest = base.select((eb) => ['v.fragment_id', eb.fn.max('v.version').as('version')]).groupBy('v.fragment_id');
    total = (await trx.selectFrom(newest.as('newest')).select((eb) => eb.fn.countAll<number | string | bigint>().as('total')).executeTakeFirst())?.total;
    rows = await paged(newest.orderBy('v.fragment_id')).execute();
  } else {
    total = (await base.select((eb) => eb.fn.countAll<number | string | bigint>().as('total')).executeTakeFirst())?.total;
    rows = await paged(base.select(['v.fragment_id', 'v.version']).orderBy('v.fragment_id').orderBy('v.version')).execute();
  }
  const refs = rows.map((r) => ({ id: r.fragment_id, version: Number(r.version) }));
  return { refs: q.limit === undefined ? refs.slice(q.offset) : refs, total: Number(total ?? 0) };
}
