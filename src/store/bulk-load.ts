/**
 * Loading many fragments at once (seeding a store, benchmarks): every version a draft, written in
 * one transaction with multi-row inserts, instead of one transaction per `create`/`addVersion`.
 * Same rows as the store writes (fragment-rows.ts); the ids must be new.
 */
import type { Kysely } from 'kysely';
import { FragmentStoreFailureError } from '../fragments/index.js';
import type { Actor, FragmentContent } from '../fragments/index.js';
import { insertVersions } from './fragment-rows.js';
import type { TesseraDatabase } from './schema.js';

/** Rows per multi-row insert of `fragments` (4 columns: far under every engine's parameter limit). */
const CHUNK = 500;

/**
 * Stores each entry's versions (oldest first) as versions 1..n of a new fragment, all drafts.
 * FragmentStoreFailureError when anything fails (an id that exists, a violated constraint);
 * then nothing is stored.
 */
export async function bulkCreateFragments(db: Kysely<TesseraDatabase>, fragments: readonly (readonly FragmentContent[])[], actor: Actor): Promise<void> {
  try {
    await db.transaction().execute(async (trx) => {
      const rows = fragments.filter((versions) => versions.length > 0).map((versions) => ({ id: (versions[0] as FragmentContent).id, latest_version: versions.length, created_at: actor.at, created_by: actor.by }));
      for (let i = 0; i < rows.length; i += CHUNK) await trx.insertInto('fragments').values(rows.slice(i, i + CHUNK)).execute();
      const versions = fragments.flatMap((list) => list.map((content, i) => ({ content: { ...content, id: (list[0] as FragmentContent).id }, version: i + 1 })));
      for (let i = 0; i < versions.length; i += 5 * CHUNK) await insertVersions(trx, versions.slice(i, i + 5 * CHUNK), actor);
    });
  } catch (e) {
    throw new FragmentStoreFailureError(`bulk load of ${fragments.length} fragments failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
