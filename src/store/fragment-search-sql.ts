/**
 * `FragmentStore.search` in SQL. Every filter but the action one runs in the database; "newest
 * matching version per id" is a `row_number()` window (SQLite ≥ 3.25, PostgreSQL), counted and
 * paged there. An action query is prefiltered in SQL by Effect and service (actionService), then
 * decided exactly in JS by actionPatternsIntersect, so it is counted and paged after that.
 */
import { sql } from 'kysely';
import type { QueryCreator, Transaction } from 'kysely';
import { ANY_SERVICE, actionPatternsIntersect, actionService, normalizeQuery, page } from '../fragments/index.js';
import type { FragmentQuery, FragmentRef, FragmentSearchResult, NormalizedQuery } from '../fragments/index.js';
import { loadVersions } from './fragment-rows.js';
import type { TesseraDatabase } from './schema.js';

type Trx = Transaction<TesseraDatabase>;

export async function searchVersions(trx: Trx, query: FragmentQuery): Promise<FragmentSearchResult> {
  const q = normalizeQuery(query);
  if (q.status !== undefined && q.status.length === 0) return { items: [], total: 0 };
  const { refs, total } = q.action === undefined ? await pageInSql(trx, q) : await pageAfterActionMatch(trx, q, q.action);
  return { items: await loadVersions(trx, refs), total };
}

/** The versions that pass every filter except the action one. */
function filtered(db: QueryCreator<TesseraDatabase>, q: NormalizedQuery) {
  let qb = db.selectFrom('fragment_versions as v');
  if (q.resourceType !== undefined) qb = qb.where('v.resource_type', '=', q.resourceType);
  if (q.minRisk !== undefined) qb = qb.where('v.risk', '>=', q.minRisk);
  if (q.maxRisk !== undefined) qb = qb.where('v.risk', '<=', q.maxRisk);
  if (q.status !== undefined) qb = qb.where('v.status', 'in', [...q.status]);
  // Both sides are lower-cased in JS (SQLite's lower() folds ASCII only); `!` escapes LIKE's wildcards.
  if (q.text !== undefined) qb = qb.where(sql<boolean>`${sql.ref('v.search_text')} like ${`%${q.text.replace(/[!%_]/g, '!$&')}%`} escape '!'`);
  for (const tag of q.tags) {
    qb = qb.where((eb) =>
      eb.exists(
        eb
          .selectFrom('fragment_tags as t')
          .select(sql.lit(1).as('one'))
          .whereRef('t.fragment_id', '=', 'v.fragment_id')
          .whereRef('t.version', '=', 'v.version')
          .where('t.tag', '=', tag),
      ),
    );
  }
  return qb;
}

async function pageInSql(trx: Trx, q: NormalizedQuery): Promise<{ refs: FragmentRef[]; total: number }> {
  const matching = trx
    .with('matching', (db) =>
      filtered(db, q).select((eb) => [
        'v.fragment_id',
        'v.version',
        eb.fn
          .agg<number>('row_number')
          .over((ob) => ob.partitionBy('v.fragment_id').orderBy('v.version', 'desc'))
          .as('newest_first'),
      ]),
    )
    .selectFrom('matching')
    .$if(q.latestOnly, (qb) => qb.where('newest_first', '=', 1));
  const counted = await matching.select((eb) => eb.fn.countAll<number | string | bigint>().as('total')).executeTakeFirst();
  let pageQuery = matching.select(['fragment_id', 'version']).orderBy('fragment_id').orderBy('version');
  // SQLite needs a LIMIT before an OFFSET: without a limit, page in JS.
  if (q.limit !== undefined) pageQuery = pageQuery.limit(q.limit).offset(q.offset);
  const rows = await pageQuery.execute();
  const refs = rows.map((r) => ({ id: r.fragment_id, version: r.version }));
  return { refs: q.limit === undefined ? refs.slice(q.offset) : refs, total: Number(counted?.total ?? 0) };
}

async function pageAfterActionMatch(trx: Trx, q: NormalizedQuery, action: string): Promise<{ refs: FragmentRef[]; total: number }> {
  let candidates = filtered(trx, q)
    .innerJoin('fragment_actions as a', (join) => join.onRef('a.fragment_id', '=', 'v.fragment_id').onRef('a.version', '=', 'v.version'))
    .where('a.effect', '=', q.effect);
  const service = actionService(action);
  if (service !== ANY_SERVICE) candidates = candidates.where('a.service', 'in', [service, ANY_SERVICE]);
  const rows = await candidates.select(['v.fragment_id', 'v.version', 'a.pattern']).orderBy('v.fragment_id').orderBy('v.version', 'desc').execute();
  const matched = new Map<string, number[]>(); // per id (in SQL order), matching versions newest first
  for (const row of rows) {
    const versions = matched.get(row.fragment_id) ?? [];
    if (versions.at(-1) === row.version || !actionPatternsIntersect(row.pattern, action)) continue;
    versions.push(row.version);
    matched.set(row.fragment_id, versions);
  }
  const refs: FragmentRef[] = [];
  for (const [id, versions] of matched) {
    for (const version of q.latestOnly ? versions.slice(0, 1) : versions.reverse()) refs.push({ id, version });
  }
  return { refs: page(refs, q), total: refs.length };
}
