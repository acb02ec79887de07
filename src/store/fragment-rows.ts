/** Between FragmentVersion and its rows: what a version writes, and versions read back (checked). */
import type { Selectable, Transaction } from 'kysely';
import {
  CorruptFragmentStoreError,
  FRAGMENT_STATUSES,
  actionIndexEntries,
  canonicalJson,
  contentHash,
  deriveActions,
  formatRef,
  normalizeContent,
  searchText,
} from '../fragments/index.js';
import type { Actor, FragmentContent, FragmentRef, FragmentStatus, FragmentVersion, StatusChange } from '../fragments/index.js';
import type { FragmentStatusHistoryTable, FragmentVersionsTable, TesseraDatabase } from './schema.js';

type Trx = Transaction<TesseraDatabase>;
type VersionRow = Selectable<FragmentVersionsTable>;
type HistoryRow = Selectable<FragmentStatusHistoryTable>;

/** Rows per multi-row insert and refs per lookup, well under every engine's parameter limit. */
const CHUNK = 200;

/** Inserts a new draft version with its tag and action rows (inside the caller's transaction). */
export async function insertVersion(trx: Trx, input: FragmentContent, version: number, actor: Actor): Promise<void> {
  await insertVersions(trx, [{ content: input, version }], actor);
}

/** Inserts draft versions with their tag and action rows, in multi-row inserts (inside the caller's transaction). */
export async function insertVersions(trx: Trx, items: readonly { content: FragmentContent; version: number }[], actor: Actor): Promise<void> {
  const versions = [];
  const tags = [];
  const actions = [];
  for (const item of items) {
    const content = normalizeContent(item.content);
    const key = { fragment_id: content.id, version: item.version };
    versions.push({
      ...key,
      hash: contentHash(content),
      status: 'draft',
      content: canonicalJson(content),
      resource_type: content.resourceType,
      risk: content.risk,
      owner: content.owner,
      search_text: searchText(content),
      created_at: actor.at,
      created_by: actor.by,
    });
    for (const tag of new Set(content.tags)) tags.push({ ...key, tag });
    for (const e of actionIndexEntries(content)) actions.push({ ...key, effect: e.effect, service: e.service, pattern: e.pattern });
  }
  // Versions first: the tag and action rows reference them.
  for (const rows of chunks(versions)) await trx.insertInto('fragment_versions').values(rows).execute();
  for (const rows of chunks(tags)) await trx.insertInto('fragment_tags').values(rows).execute();
  for (const rows of chunks(actions)) await trx.insertInto('fragment_actions').values(rows).execute();
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** The versions `refs` name, in that order (missing ones left out), with their histories. */
export async function loadVersions(trx: Trx, refs: readonly FragmentRef[]): Promise<FragmentVersion[]> {
  const rows = new Map<string, VersionRow>();
  const histories = new Map<string, HistoryRow[]>();
  for (const chunk of chunks(refs)) {
    const versionRows = await trx
      .selectFrom('fragment_versions')
      .selectAll()
      .where((eb) => eb(eb.refTuple('fragment_id', 'version'), 'in', chunk.map((r) => eb.tuple(r.id, r.version))))
      .execute();
    for (const row of versionRows) rows.set(keyOf(row.fragment_id, row.version), row);
    const historyRows = await trx
      .selectFrom('fragment_status_history')
      .selectAll()
      .where((eb) => eb(eb.refTuple('fragment_id', 'version'), 'in', chunk.map((r) => eb.tuple(r.id, r.version))))
      .orderBy('seq')
      .execute();
    for (const h of historyRows) {
      const k = keyOf(h.fragment_id, h.version);
      histories.set(k, [...(histories.get(k) ?? []), h]);
    }
  }
  const out: FragmentVersion[] = [];
  for (const ref of refs) {
    const k = keyOf(ref.id, ref.version);
    const row = rows.get(k);
    if (row !== undefined) out.push(toVersion(row, histories.get(k) ?? []));
  }
  return out;
}

/** Every version of `id`, oldest first. */
export async function loadAllVersions(trx: Trx, id: string): Promise<FragmentVersion[]> {
  const rows = await trx.selectFrom('fragment_versions').selectAll().where('fragment_id', '=', id).orderBy('version').execute();
  const history = await trx.selectFrom('fragment_status_history').selectAll().where('fragment_id', '=', id).orderBy('version').orderBy('seq').execute();
  return rows.map((row) => toVersion(row, history.filter((h) => h.version === row.version)));
}

function toVersion(row: VersionRow, history: readonly HistoryRow[]): FragmentVersion {
  const ref = formatRef({ id: row.fragment_id, version: row.version });
  let content: FragmentContent;
  try {
    content = JSON.parse(row.content) as FragmentContent;
  } catch (e) {
    throw new CorruptFragmentStoreError(`the stored content of \`${ref}\` is not JSON`, { cause: e });
  }
  if (contentHash(content) !== row.hash) throw new CorruptFragmentStoreError(`the stored content of \`${ref}\` does not match its hash ${row.hash}`);
  return {
    id: row.fragment_id,
    version: row.version,
    hash: row.hash,
    status: checkStatus(row.status, ref),
    content,
    createdAt: row.created_at,
    createdBy: row.created_by,
    history: history.map((h): StatusChange => ({
      from: checkStatus(h.from_status, ref),
      to: checkStatus(h.to_status, ref),
      at: h.changed_at,
      by: h.changed_by,
      ...(h.comment !== null && { comment: h.comment }),
    })),
    actions: deriveActions(content),
  };
}

export function checkStatus(status: string, ref: string): FragmentStatus {
  if ((FRAGMENT_STATUSES as readonly string[]).includes(status)) return status as FragmentStatus;
  throw new CorruptFragmentStoreError(`\`${ref}\` has an unknown status \`${status}\``);
}

function keyOf(id: string, version: number): string {
  return `${version}@${id}`;
}
