/**
 * The fragment repository: fragments, their immutable versions, and three tables derived from each
 * version's content (tags, action patterns) or recording its status changes. Portable SQL through
 * Kysely's schema builder: composite natural keys instead of auto-increment ids, `text` and
 * `integer` columns, `double precision` for risk; CHECK constraints only with `in (...)` and
 * `length()`, which SQLite and PostgreSQL share. Text is byte-wise on PostgreSQL too (textType);
 * on SQLite this migration's SQL is unchanged from its first release.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { textType } from './portable.js';

const STATUSES = ['draft', 'in-review', 'approved', 'rejected', 'deprecated', 'archived'] as const;
const VERSION_KEY = ['fragment_id', 'version'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  const text = textType(db);
  await db.schema
    .createTable('fragments')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('latest_version', 'integer', (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('created_by', text, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('fragment_versions')
    .addColumn('fragment_id', text, (c) => c.notNull().references('fragments.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('hash', text, (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('content', text, (c) => c.notNull())
    .addColumn('resource_type', text, (c) => c.notNull())
    .addColumn('risk', 'double precision', (c) => c.notNull())
    .addColumn('owner', text, (c) => c.notNull())
    .addColumn('search_text', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('created_by', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('fragment_versions_pk', [...VERSION_KEY])
    .addCheckConstraint('fragment_versions_version_check', sql`version >= 1`)
    .addCheckConstraint('fragment_versions_status_check', sql`status in (${sql.join(STATUSES.map((s) => sql.lit(s)))})`)
    .execute();
  await db.schema.createIndex('fragment_versions_resource_type_idx').on('fragment_versions').column('resource_type').execute();
  await db.schema.createIndex('fragment_versions_status_idx').on('fragment_versions').column('status').execute();

  await db.schema
    .createTable('fragment_tags')
    .addColumn('fragment_id', text, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('tag', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('fragment_tags_pk', [...VERSION_KEY, 'tag'])
    .addForeignKeyConstraint('fragment_tags_version_fk', [...VERSION_KEY], 'fragment_versions', [...VERSION_KEY], (fk) => fk.onDelete('cascade'))
    .addCheckConstraint('fragment_tags_tag_check', sql`length(tag) >= 1`)
    .execute();
  await db.schema.createIndex('fragment_tags_tag_idx').on('fragment_tags').column('tag').execute();

  await db.schema
    .createTable('fragment_actions')
    .addColumn('fragment_id', text, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('effect', text, (c) => c.notNull())
    .addColumn('service', text, (c) => c.notNull())
    .addColumn('pattern', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('fragment_actions_pk', [...VERSION_KEY, 'effect', 'pattern'])
    .addForeignKeyConstraint('fragment_actions_version_fk', [...VERSION_KEY], 'fragment_versions', [...VERSION_KEY], (fk) => fk.onDelete('cascade'))
    .addCheckConstraint('fragment_actions_effect_check', sql`effect in ('Allow', 'Deny')`)
    .execute();
  await db.schema.createIndex('fragment_actions_service_idx').on('fragment_actions').columns(['service', 'effect']).execute();

  await db.schema
    .createTable('fragment_status_history')
    .addColumn('fragment_id', text, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('from_status', text, (c) => c.notNull())
    .addColumn('to_status', text, (c) => c.notNull())
    .addColumn('changed_at', text, (c) => c.notNull())
    .addColumn('changed_by', text, (c) => c.notNull())
    .addColumn('comment', text)
    .addPrimaryKeyConstraint('fragment_status_history_pk', [...VERSION_KEY, 'seq'])
    .addForeignKeyConstraint('fragment_status_history_version_fk', [...VERSION_KEY], 'fragment_versions', [...VERSION_KEY], (fk) => fk.onDelete('cascade'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['fragment_status_history', 'fragment_actions', 'fragment_tags', 'fragment_versions', 'fragments']) await db.schema.dropTable(table).execute();
}
