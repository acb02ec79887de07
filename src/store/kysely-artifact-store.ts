/**
 * App profiles, environments, risk profiles, plans and images over Kysely (dialect-neutral).
 *
 * Revisions are numbered by one upsert on the document's row (insert revision 1, or add 1 to the
 * latest): the statement takes the row's lock on PostgreSQL, or SQLite's writer lock, so
 * concurrent puts get consecutive revisions and an If-Match check against the number before it
 * is exact. Risk profiles lock their deployment's row first for the same reason. Plans and images
 * are inserted with `on conflict do nothing` and read back, so concurrent puts of one digest leave
 * one row and all of them see it.
 */
import type { Insertable, Selectable } from 'kysely';
import type {
  ArtifactStore,
  DocumentActor,
  ImageRecord,
  NamedDocumentKind,
  NamedDocumentRevision,
  NamedDocumentSummary,
  NewRiskProfile,
  PlanRecord,
  RiskProfileRecord,
} from './artifact-port.js';
import { NAMED_DOCUMENT_KINDS } from './artifact-port.js';
import type { ControlPlaneDb, Trx } from './control-plane-db.js';
import { fromJsonText, toJsonText, toSeq } from './control-plane-db.js';
import {
  ArtifactMismatchError,
  CorruptControlPlaneStoreError,
  DeploymentNotFoundError,
  InvalidStoreArgumentError,
  PlanNotFoundError,
  RiskProfileNotFoundError,
  StaleRevisionError,
} from './control-plane-errors.js';
import type { ImagesTable, NamedDocumentRevisionsTable, PlansTable, RiskProfilesTable } from './schema.js';

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
const isDigest = (d: unknown): d is string => typeof d === 'string' && d.length >= 3 && d.includes(':');

export class KyselyArtifactStore implements ArtifactStore {
  constructor(private readonly cp: ControlPlaneDb) {}

  putDocument(kind: NamedDocumentKind, name: string, document: unknown, actor: DocumentActor, expectedRevision?: number | null): Promise<NamedDocumentRevision> {
    const bad = badKind(kind) ?? (name.length === 0 ? `an ${kind} has a name` : undefined);
    if (bad !== undefined) return Promise.reject(new InvalidStoreArgumentError(bad));
    const text = toJsonText(document);
    return this.cp.tx('putDocument', async (trx) => {
      const { latest_revision: revision } = await trx
        .insertInto('named_documents')
        .values({ kind, name, latest_revision: 1, updated_at: actor.at, updated_by: actor.by })
        .onConflict((oc) =>
          oc.columns(['kind', 'name']).doUpdateSet((eb) => ({
            latest_revision: eb('named_documents.latest_revision', '+', 1),
            updated_at: eb.ref('excluded.updated_at'),
            updated_by: eb.ref('excluded.updated_by'),
          })),
        )
        .returning('latest_revision')
        .executeTakeFirstOrThrow();
      const before = revision === 1 ? null : revision - 1;
      // Throwing rolls the numbering back with everything else.
      if (expectedRevision !== undefined && expectedRevision !== before) throw new StaleRevisionError(kind, name, expectedRevision, before);
      const row = { kind, name, revision, document: text, created_at: actor.at, created_by: actor.by };
      await trx.insertInto('named_document_revisions').values(row).execute();
      return toRevision(row);
    });
  }

  getDocument(kind: NamedDocumentKind, name: string, revision?: number): Promise<NamedDocumentRevision | undefined> {
    const bad = badKind(kind);
    if (bad !== undefined) return Promise.reject(new InvalidStoreArgumentError(bad));
    return this.cp.tx('getDocument', async (trx) => {
      let q = trx.selectFrom('named_document_revisions').selectAll().where('kind', '=', kind).where('name', '=', name);
      q = revision === undefined ? q.orderBy('revision', 'desc').limit(1) : q.where('revision', '=', revision);
      const row = await q.executeTakeFirst();
      return row === undefined ? undefined : toRevision(row);
    });
  }

  listDocuments(kind: NamedDocumentKind): Promise<NamedDocumentSummary[]> {
    const bad = badKind(kind);
    if (bad !== undefined) return Promise.reject(new InvalidStoreArgumentError(bad));
    return this.cp.tx('listDocuments', async (trx) => {
      const rows = await trx.selectFrom('named_documents').selectAll().where('kind', '=', kind).orderBy('name').execute();
      return rows.map((r) => ({ kind, name: r.name, latestRevision: r.latest_revision, updatedAt: r.updated_at, updatedBy: r.updated_by }));
    });
  }

  recordRiskProfile(entry: NewRiskProfile): Promise<RiskProfileRecord> {
    if (typeof entry.score !== 'number' || !Number.isFinite(entry.score)) return Promise.reject(new InvalidStoreArgumentError('a risk score is a finite number'));
    if (entry.tier.length === 0 || entry.inputsDigest.length === 0) return Promise.reject(new InvalidStoreArgumentError('a risk profile has a tier and an inputs digest'));
    const profile = toJsonText(entry.profile);
    return this.cp.tx('recordRiskProfile', async (trx) => {
      await lockDeployment(trx, entry.deploymentId);
      const last = await trx.selectFrom('risk_profiles').selectAll().where('deployment_id', '=', entry.deploymentId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      if (last !== undefined && last.inputs_digest === entry.inputsDigest && last.profile === profile && last.tier === entry.tier && last.score === entry.score) return toRisk(last);
      const row = { deployment_id: entry.deploymentId, seq: (last?.seq ?? 0) + 1, at: entry.at, tier: entry.tier, score: entry.score, profile, inputs_digest: entry.inputsDigest };
      await trx.insertInto('risk_profiles').values(row).execute();
      return toRisk(row);
    });
  }

  getRiskProfile(deploymentId: string, seq: number): Promise<RiskProfileRecord | undefined> {
    return this.cp.tx('getRiskProfile', async (trx) => {
      const row = await trx.selectFrom('risk_profiles').selectAll().where('deployment_id', '=', deploymentId).where('seq', '=', seq).executeTakeFirst();
      return row === undefined ? undefined : toRisk(row);
    });
  }

  riskProfiles(deploymentId: string, afterSeq: number, limit: number): Promise<RiskProfileRecord[]> {
    if (!isCount(afterSeq) || !isCount(limit)) return Promise.reject(new InvalidStoreArgumentError('afterSeq and limit are whole numbers ≥ 0'));
    return this.cp.tx('riskProfiles', async (trx) => {
      if (limit === 0) return [];
      const rows = await trx.selectFrom('risk_profiles').selectAll().where('deployment_id', '=', deploymentId).where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
      return rows.map(toRisk);
    });
  }

  putPlan(record: PlanRecord): Promise<PlanRecord> {
    if (!isDigest(record.digest)) return Promise.reject(new InvalidStoreArgumentError(`\`${String(record.digest)}\` is not a digest (\`<algorithm>:<hex>\`)`));
    if (record.riskProfileSeq !== null && record.deploymentId === null) return Promise.reject(new InvalidStoreArgumentError('a plan names a risk profile only with its deployment'));
    const text = toJsonText(record.plan);
    return this.cp.tx('putPlan', async (trx) => {
      const stored = await trx.selectFrom('plans').selectAll().where('digest', '=', record.digest).executeTakeFirst();
      if (stored !== undefined) return toPlan(stored);
      if (record.deploymentId !== null) {
        const d = await trx.selectFrom('deployments').select('id').where('id', '=', record.deploymentId).executeTakeFirst();
        if (d === undefined) throw new DeploymentNotFoundError(record.deploymentId);
        if (record.riskProfileSeq !== null) {
          const p = await trx.selectFrom('risk_profiles').select('seq').where('deployment_id', '=', record.deploymentId).where('seq', '=', record.riskProfileSeq).executeTakeFirst();
          if (p === undefined) throw new RiskProfileNotFoundError(record.deploymentId, record.riskProfileSeq);
        }
      }
      await trx
        .insertInto('plans')
        .values({ digest: record.digest, plan: text, created_at: record.createdAt, deployment_id: record.deploymentId, risk_profile_seq: record.riskProfileSeq })
        .onConflict((oc) => oc.column('digest').doNothing())
        .execute();
      // Ours, or the one a concurrent put committed first.
      return toPlan(await trx.selectFrom('plans').selectAll().where('digest', '=', record.digest).executeTakeFirstOrThrow());
    });
  }

  getPlan(digest: string): Promise<PlanRecord | undefined> {
    return this.cp.tx('getPlan', async (trx) => {
      const row = await trx.selectFrom('plans').selectAll().where('digest', '=', digest).executeTakeFirst();
      return row === undefined ? undefined : toPlan(row);
    });
  }

  putImage(record: ImageRecord): Promise<ImageRecord> {
    const bad = badImage(record);
    if (bad !== undefined) return Promise.reject(new InvalidStoreArgumentError(bad));
    const row: Insertable<ImagesTable> = {
      digest: record.digest,
      plan_digest: record.planDigest,
      layers: toJsonText(record.layers.map((l) => ({ digest: l.digest, size: l.size }))),
      total_size: record.totalSize,
      documents: toJsonText(record.documents.map((d) => ({ kind: d.kind, mediaType: d.mediaType, digest: d.digest, referrer: d.referrer }))),
      created_at: record.createdAt,
    };
    return this.cp.tx('putImage', async (trx) => {
      const plan = await trx.selectFrom('plans').select('digest').where('digest', '=', record.planDigest).executeTakeFirst();
      if (plan === undefined) throw new PlanNotFoundError(record.planDigest);
      await trx.insertInto('images').values(row).onConflict((oc) => oc.column('digest').doNothing()).execute();
      const stored = await trx.selectFrom('images').selectAll().where('digest', '=', record.digest).executeTakeFirstOrThrow();
      const image = toImage(stored);
      if (stored.plan_digest !== row.plan_digest || stored.layers !== row.layers || stored.documents !== row.documents || image.totalSize !== record.totalSize) throw new ArtifactMismatchError('image', record.digest);
      return image;
    });
  }

  getImage(digest: string): Promise<ImageRecord | undefined> {
    return this.cp.tx('getImage', async (trx) => {
      const row = await trx.selectFrom('images').selectAll().where('digest', '=', digest).executeTakeFirst();
      return row === undefined ? undefined : toImage(row);
    });
  }
}

function badKind(kind: string): string | undefined {
  return (NAMED_DOCUMENT_KINDS as readonly string[]).includes(kind) ? undefined : `\`${kind}\` is not a kind of named document (app, environment)`;
}

function badImage(r: ImageRecord): string | undefined {
  if (!isDigest(r.digest) || !isDigest(r.planDigest)) return 'an image has a manifest digest and a plan digest (`<algorithm>:<hex>`)';
  if (!Array.isArray(r.layers) || !r.layers.every((l) => isDigest(l.digest) && isCount(l.size))) return 'the layers of an image are a list of {digest, size ≥ 0}';
  if (!isCount(r.totalSize) || r.layers.reduce((sum, l) => sum + l.size, 0) !== r.totalSize) return `the total size of an image is the sum of its layers' sizes, not ${String(r.totalSize)}`;
  if (!Array.isArray(r.documents) || !r.documents.every((d) => typeof d.kind === 'string' && typeof d.mediaType === 'string' && isDigest(d.digest) && isDigest(d.referrer))) {
    return 'the documents of an image are a list of {kind, mediaType, digest, referrer}';
  }
  return undefined;
}

/** Takes the deployment's row lock (SQLite: the writer lock) so that its next seq is ours to take. */
async function lockDeployment(trx: Trx, id: string): Promise<void> {
  const r = await trx.updateTable('deployments').set((eb) => ({ updated_at: eb.ref('updated_at') })).where('id', '=', id).executeTakeFirst();
  if (r.numUpdatedRows === 0n) throw new DeploymentNotFoundError(id);
}

function toRevision(row: Selectable<NamedDocumentRevisionsTable>): NamedDocumentRevision {
  const kind = row.kind as NamedDocumentKind;
  if (badKind(kind) !== undefined) throw new CorruptControlPlaneStoreError(`stored document kind \`${row.kind}\` is unknown`);
  return { kind, name: row.name, revision: row.revision, document: fromJsonText(row.document, `${kind} \`${row.name}\` revision ${row.revision}`), createdAt: row.created_at, createdBy: row.created_by };
}

function toRisk(row: Selectable<RiskProfilesTable>): RiskProfileRecord {
  return {
    deploymentId: row.deployment_id,
    seq: row.seq,
    at: row.at,
    tier: row.tier,
    score: row.score,
    profile: fromJsonText(row.profile, `risk profile ${row.seq} of \`${row.deployment_id}\``),
    inputsDigest: row.inputs_digest,
  };
}

function toPlan(row: Selectable<PlansTable>): PlanRecord {
  return { digest: row.digest, plan: fromJsonText(row.plan, `plan \`${row.digest}\``), createdAt: row.created_at, deploymentId: row.deployment_id, riskProfileSeq: row.risk_profile_seq };
}

function toImage(row: Selectable<ImagesTable>): ImageRecord {
  return {
    digest: row.digest,
    planDigest: row.plan_digest,
    layers: fromJsonText(row.layers, `layers of image \`${row.digest}\``) as ImageRecord['layers'],
    totalSize: toSeq(row.total_size, `total size of image \`${row.digest}\``),
    documents: fromJsonText(row.documents, `documents of image \`${row.digest}\``) as ImageRecord['documents'],
    createdAt: row.created_at,
  };
}
