/**
 * What the adaptation loop works from and produces (issue 8): app profiles and environments as
 * named documents with revisions, risk profiles per deployment, plans by plan digest and images by
 * manifest digest. Same portable rules as 001–004 (natural keys, text/integer/bigint columns,
 * canonical JSON text, CHECKs SQLite and PostgreSQL share). App profiles and environments share
 * one pair of tables with a `kind` column: they are stored and revised alike, and the store
 * judges neither.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { textType } from './portable.js';

const KINDS = ['app', 'environment'] as const;
const list = (values: readonly string[]) => sql.join(values.map((v) => sql.lit(v)));

export async function up(db: Kysely<unknown>): Promise<void> {
  const text = textType(db);

  // One row per document; `latest_revision` numbers the next revision and is the row writers lock.
  await db.schema
    .createTable('named_documents')
    .addColumn('kind', text, (c) => c.notNull())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('latest_revision', 'integer', (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .addColumn('updated_by', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('named_documents_pk', ['kind', 'name'])
    .addCheckConstraint('named_documents_kind_check', sql`kind in (${list(KINDS)})`)
    .addCheckConstraint('named_documents_name_check', sql`length(name) >= 1`)
    .execute();

  await db.schema
    .createTable('named_document_revisions')
    .addColumn('kind', text, (c) => c.notNull())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('document', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('created_by', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('named_document_revisions_pk', ['kind', 'name', 'revision'])
    .addForeignKeyConstraint('named_document_revisions_fk', ['kind', 'name'], 'named_documents', ['kind', 'name'], (fk) => fk.onDelete('cascade'))
    .addCheckConstraint('named_document_revisions_revision_check', sql`revision >= 1`)
    .execute();

  // Assessments of a deployment, `seq` from 1 per deployment.
  await db.schema
    .createTable('risk_profiles')
    .addColumn('deployment_id', text, (c) => c.notNull().references('deployments.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('at', text, (c) => c.notNull())
    .addColumn('tier', text, (c) => c.notNull())
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('profile', text, (c) => c.notNull())
    .addColumn('inputs_digest', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('risk_profiles_pk', ['deployment_id', 'seq'])
    .addCheckConstraint('risk_profiles_seq_check', sql`seq >= 1`)
    .execute();

  // By digest; which deployment and assessment produced the plan first, when one did.
  await db.schema
    .createTable('plans')
    .addColumn('digest', text, (c) => c.primaryKey())
    .addColumn('plan', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('deployment_id', text, (c) => c.references('deployments.id'))
    .addColumn('risk_profile_seq', 'integer')
    .addCheckConstraint('plans_digest_check', sql`length(digest) >= 3 and digest like '%:%'`)
    .addCheckConstraint('plans_risk_profile_check', sql`risk_profile_seq is null or deployment_id is not null`)
    .execute();
  // "Which plans did this deployment's assessments produce".
  await db.schema.createIndex('plans_deployment_idx').on('plans').column('deployment_id').execute();

  // By manifest digest; `layers` and `documents` are canonical JSON arrays.
  await db.schema
    .createTable('images')
    .addColumn('digest', text, (c) => c.primaryKey())
    .addColumn('plan_digest', text, (c) => c.notNull().references('plans.digest'))
    .addColumn('layers', text, (c) => c.notNull())
    .addColumn('total_size', 'bigint', (c) => c.notNull())
    .addColumn('documents', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addCheckConstraint('images_digest_check', sql`length(digest) >= 3 and digest like '%:%'`)
    .addCheckConstraint('images_total_size_check', sql`total_size >= 0`)
    .execute();
  // "Which images were built from this plan".
  await db.schema.createIndex('images_plan_idx').on('images').column('plan_digest').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['images', 'plans', 'risk_profiles', 'named_document_revisions', 'named_documents']) await db.schema.dropTable(table).execute();
}
