/**
 * Indexes that let fragment search at 100,000 fragments run from indexes alone (bench/store.ts):
 * each filter column leads an index that also holds the version key (fragment_id, version), so a
 * filter yields its versions already in id order without reading the table, and "newest version
 * per id" groups them without a sort. They replace 001's single-column indexes, which the planner
 * had to follow with a table lookup per row. For action search: distinct patterns per service and
 * effect from (service, effect, pattern); the versions of the chosen patterns from (pattern, effect, key).
 */
import type { Kysely } from 'kysely';

const KEY = ['fragment_id', 'version'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const name of ['fragment_versions_resource_type_idx', 'fragment_versions_status_idx', 'fragment_tags_tag_idx', 'fragment_actions_service_idx']) await db.schema.dropIndex(name).execute();
  await db.schema.createIndex('fragment_versions_resource_type_key_idx').on('fragment_versions').columns(['resource_type', ...KEY]).execute();
  await db.schema.createIndex('fragment_versions_status_key_idx').on('fragment_versions').columns(['status', ...KEY]).execute();
  await db.schema.createIndex('fragment_tags_tag_key_idx').on('fragment_tags').columns(['tag', ...KEY]).execute();
  await db.schema.createIndex('fragment_actions_service_pattern_idx').on('fragment_actions').columns(['service', 'effect', 'pattern']).execute();
  await db.schema.createIndex('fragment_actions_pattern_key_idx').on('fragment_actions').columns(['pattern', 'effect', ...KEY]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of ['fragment_versions_resource_type_key_idx', 'fragment_versions_status_key_idx', 'fragment_tags_tag_key_idx', 'fragment_actions_service_pattern_idx', 'fragment_actions_pattern_key_idx']) await db.schema.dropIndex(name).execute();
  await db.schema.createIndex('fragment_versions_resource_type_idx').on('fragment_versions').column('resource_type').execute();
  await db.schema.createIndex('fragment_versions_status_idx').on('fragment_versions').column('status').execute();
  await db.schema.createIndex('fragment_tags_tag_idx').on('fragment_tags').column('tag').execute();
  await db.schema.createIndex('fragment_actions_service_idx').on('fragment_actions').columns(['service', 'effect']).execute();
}
