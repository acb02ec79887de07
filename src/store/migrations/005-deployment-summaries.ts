/**
 * What each deployment's running image was built from (the adaptation loop's summary: tier,
 * policy digest, packages and their vulnerabilities), kept beside the deployment so that any node
 * that becomes leader judges news against the image that runs, not against today's plan.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('deployments').addColumn('build_summary', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('deployments').dropColumn('build_summary').execute();
}
