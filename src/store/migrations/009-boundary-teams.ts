/**
 * The team a permissions boundary is for. A delegated admin may synthesize policies only under a
 * boundary of its own team (`tessera:UseBoundary`, decided by the role policies with the
 * boundary's team as `tessera:ResourceOwner`); a boundary without a team (every boundary before
 * this migration) is the central admin's alone to use. Kept per version, like the document: a
 * version never changes, and moving a boundary to another team is a new version.
 */
import type { Kysely } from 'kysely';
import { textType } from './portable.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('boundary_versions').addColumn('team', textType(db)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('boundary_versions').dropColumn('team').execute();
}
