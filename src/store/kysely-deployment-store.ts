/**
 * Deployments and their image lineage over Kysely (dialect-neutral). `recordImage` is a
 * compare-and-set on the deployment's digest: the update that moves it to the new image matches
 * only while it still runs `fromDigest`, and takes the row's lock (or SQLite's writer lock) before
 * the lineage's next seq is read, so two nodes rebuilding at once cannot both win.
 */
import type { Selectable } from 'kysely';
import { DeploymentNotFoundError, InvalidStoreArgumentError, StaleImageError } from './control-plane-errors.js';
import type { DeploymentDocuments, DeploymentRecord, DeploymentStore, ImageLineageRecord } from './control-plane-port.js';
import { fromJsonText, toJsonText } from './control-plane-db.js';
import type { ControlPlaneDb } from './control-plane-db.js';
import type { DeploymentsTable, ImageLineageTable } from './schema.js';

export class KyselyDeploymentStore implements DeploymentStore {
  constructor(private readonly cp: ControlPlaneDb) {}

  /** A new deployment takes every field; an existing one keeps its image, plan digest and risk tier. */
  putDeployment(record: DeploymentRecord): Promise<void> {
    return this.cp.tx('putDeployment', async (trx) => {
      await trx
        .insertInto('deployments')
        .values({
          id: record.id,
          app: toJsonText(record.app),
          environment: toJsonText(record.environment),
          image_digest: record.imageDigest,
          plan_digest: record.planDigest,
          risk_tier: record.riskTier,
          updated_at: record.updatedAt,
          documents: record.documents === undefined ? null : toJsonText(record.documents),
        })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            app: eb.ref('excluded.app'),
            environment: eb.ref('excluded.environment'),
            updated_at: eb.ref('excluded.updated_at'),
            documents: eb.ref('excluded.documents'),
          })),
        )
        .execute();
    });
  }

  getBuildSummary(deploymentId: string): Promise<unknown> {
    return this.cp.tx('getBuildSummary', async (trx) => {
      const row = await trx.selectFrom('deployments').select('build_summary').where('id', '=', deploymentId).executeTakeFirst();
      return row === undefined || row.build_summary === null ? undefined : fromJsonText(row.build_summary, `build summary of deployment \`${deploymentId}\``);
    });
  }

  putBuildSummary(deploymentId: string, summary: unknown): Promise<void> {
    return this.cp.tx('putBuildSummary', async (trx) => {
      const r = await trx.updateTable('deployments').set({ build_summary: toJsonText(summary) }).where('id', '=', deploymentId).executeTakeFirst();
      if (r.numUpdatedRows === 0n) throw new DeploymentNotFoundError(deploymentId);
    });
  }

  getDeployment(id: string): Promise<DeploymentRecord | undefined> {
    return this.cp.tx('getDeployment', async (trx) => {
      const row = await trx.selectFrom('deployments').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toDeployment(row);
    });
  }

  listDeployments(): Promise<DeploymentRecord[]> {
    return this.cp.tx('listDeployments', async (trx) => (await trx.selectFrom('deployments').selectAll().orderBy('id').execute()).map(toDeployment));
  }

  recordImage(entry: Omit<ImageLineageRecord, 'seq'> & { riskTier: string }): Promise<ImageLineageRecord> {
    if (!Array.isArray(entry.reasons)) return Promise.reject(new InvalidStoreArgumentError('the reasons of a rebuild are an array'));
    return this.cp.tx('recordImage', async (trx) => {
      const moved = await trx
        .updateTable('deployments')
        .set({ image_digest: entry.toDigest, plan_digest: entry.planDigest, risk_tier: entry.riskTier, updated_at: entry.at })
        .where('id', '=', entry.deploymentId)
        .where('image_digest', entry.fromDigest === null ? 'is' : '=', entry.fromDigest)
        .executeTakeFirst();
      if (moved.numUpdatedRows === 0n) {
        const current = await trx.selectFrom('deployments').select('image_digest').where('id', '=', entry.deploymentId).executeTakeFirst();
        if (current === undefined) throw new DeploymentNotFoundError(entry.deploymentId);
        throw new StaleImageError(entry.deploymentId, entry.fromDigest, current.image_digest);
      }
      const last = await trx.selectFrom('image_lineage').select((eb) => eb.fn.max('seq').as('seq')).where('deployment_id', '=', entry.deploymentId).executeTakeFirst();
      const record: ImageLineageRecord = {
        deploymentId: entry.deploymentId,
        seq: Number(last?.seq ?? 0) + 1,
        fromDigest: entry.fromDigest,
        toDigest: entry.toDigest,
        planDigest: entry.planDigest,
        reasons: fromJsonText(toJsonText(entry.reasons), 'reasons') as unknown[],
        at: entry.at,
      };
      await trx
        .insertInto('image_lineage')
        .values({
          deployment_id: record.deploymentId,
          seq: record.seq,
          from_digest: record.fromDigest,
          to_digest: record.toDigest,
          plan_digest: record.planDigest,
          reasons: toJsonText(record.reasons),
          at: record.at,
        })
        .execute();
      return record;
    });
  }

  lineage(deploymentId: string): Promise<ImageLineageRecord[]> {
    return this.cp.tx('lineage', async (trx) => {
      const rows = await trx.selectFrom('image_lineage').selectAll().where('deployment_id', '=', deploymentId).orderBy('seq').execute();
      return rows.map(toLineage);
    });
  }
}

function toDeployment(row: Selectable<DeploymentsTable>): DeploymentRecord {
  return {
    id: row.id,
    app: fromJsonText(row.app, `app of deployment \`${row.id}\``),
    environment: fromJsonText(row.environment, `environment of deployment \`${row.id}\``),
    imageDigest: row.image_digest,
    planDigest: row.plan_digest,
    riskTier: row.risk_tier,
    updatedAt: row.updated_at,
    ...(row.documents === null ? {} : { documents: fromJsonText(row.documents, `document references of deployment \`${row.id}\``) as DeploymentDocuments }),
  };
}

function toLineage(row: Selectable<ImageLineageTable>): ImageLineageRecord {
  return {
    deploymentId: row.deployment_id,
    seq: row.seq,
    fromDigest: row.from_digest,
    toDigest: row.to_digest,
    planDigest: row.plan_digest,
    reasons: fromJsonText(row.reasons, `reasons of rebuild ${row.seq} of \`${row.deployment_id}\``) as unknown[],
    at: row.at,
  };
}
