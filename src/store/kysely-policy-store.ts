/**
 * Boundaries, synthesized policies and assignments over Kysely (dialect-neutral).
 *
 * Every write to a boundary or a policy first updates its parent row (a no-op update when nothing
 * changes there): that takes the row's lock on PostgreSQL, or SQLite's writer lock, before any
 * read the write depends on. Two activations of one policy therefore run one after the other, and
 * the second sees (and supersedes) the version the first activated — the partial unique index of
 * migration 004 is the backstop, not the mechanism.
 */
import type { Selectable } from 'kysely';
import type { ControlPlaneDb, Trx } from './control-plane-db.js';
import { fromJsonText, toJsonText, toSeq } from './control-plane-db.js';
import {
  BoundaryNotFoundError,
  CorruptControlPlaneStoreError,
  InvalidPolicyTransitionError,
  InvalidStoreArgumentError,
  PolicyNotFoundError,
  PolicyTeamMismatchError,
  StalePolicyStatusError,
} from './control-plane-errors.js';
import { POLICY_STATUSES, POLICY_TRANSITIONS } from './policy-port.js';
import type {
  BoundarySummary,
  BoundaryVersion,
  NewPolicyVersion,
  PolicyAction,
  PolicyActor,
  PolicyAssignment,
  PolicyStatus,
  PolicyStatusChange,
  PolicySynthesisInput,
  PolicyStore,
  PolicySummary,
  PolicyVersion,
} from './policy-port.js';
import type { BoundaryVersionsTable, PolicyStatusHistoryTable, PolicyVersionsTable } from './schema.js';

export class KyselyPolicyStore implements PolicyStore {
  constructor(private readonly cp: ControlPlaneDb) {}

  putBoundary(id: string, document: unknown, actor: PolicyActor, team: string | null = null): Promise<BoundaryVersion> {
    if (id.length === 0) return Promise.reject(new InvalidStoreArgumentError('a boundary id is not empty'));
    const text = toJsonText(document);
    return this.cp.tx('putBoundary', async (trx) => {
      const locked = await trx.updateTable('boundaries').set((eb) => ({ latest_version: eb.ref('latest_version') })).where('id', '=', id).executeTakeFirst();
      let version = 1;
      if (locked.numUpdatedRows === 0n) {
        await trx.insertInto('boundaries').values({ id, latest_version: 1, created_at: actor.at, created_by: actor.by }).execute();
      } else {
        const last = await trx.selectFrom('boundary_versions').selectAll().where('boundary_id', '=', id).orderBy('version', 'desc').limit(1).executeTakeFirst();
        // Putting the document that is already there changes nothing: PUT is idempotent.
        if (last !== undefined && last.document === text && last.team === team) return toBoundary(last);
        version = (last?.version ?? 0) + 1;
        await trx.updateTable('boundaries').set({ latest_version: version }).where('id', '=', id).execute();
      }
      const row = { boundary_id: id, version, document: text, created_at: actor.at, created_by: actor.by, team };
      await trx.insertInto('boundary_versions').values(row).execute();
      await bumpRevision(trx);
      return toBoundary(row);
    });
  }

  getBoundary(id: string, version?: number): Promise<BoundaryVersion | undefined> {
    return this.cp.tx('getBoundary', async (trx) => {
      let q = trx.selectFrom('boundary_versions').selectAll().where('boundary_id', '=', id);
      q = version === undefined ? q.orderBy('version', 'desc').limit(1) : q.where('version', '=', version);
      const row = await q.executeTakeFirst();
      return row === undefined ? undefined : toBoundary(row);
    });
  }

  addPolicyVersion(input: NewPolicyVersion, actor: PolicyActor): Promise<PolicyVersion> {
    if (input.id.length === 0 || input.team.length === 0) return Promise.reject(new InvalidStoreArgumentError('a policy has an id and a team'));
    if (!Array.isArray(input.documents)) return Promise.reject(new InvalidStoreArgumentError('the documents of a policy version are an array'));
    return this.cp.tx('addPolicyVersion', async (trx) => {
      const { id: boundaryId, version: boundaryVersion } = input.request.boundary;
      const boundary = await trx.selectFrom('boundary_versions').select('version').where('boundary_id', '=', boundaryId).where('version', '=', boundaryVersion).executeTakeFirst();
      if (boundary === undefined) throw new BoundaryNotFoundError(boundaryId, boundaryVersion);
      const locked = await trx.updateTable('policies').set((eb) => ({ latest_version: eb('latest_version', '+', 1) })).where('id', '=', input.id).returning(['team', 'latest_version']).executeTakeFirst();
      let version = 1;
      if (locked === undefined) {
        await trx.insertInto('policies').values({ id: input.id, team: input.team, latest_version: 1, created_at: actor.at, created_by: actor.by }).execute();
      } else {
        if (locked.team !== input.team) throw new PolicyTeamMismatchError(input.id, locked.team, input.team);
        version = locked.latest_version;
      }
      const row: Selectable<PolicyVersionsTable> = {
        policy_id: input.id,
        version,
        status: 'draft',
        request: toJsonText(input.request),
        documents: toJsonText(input.documents),
        verdict: toJsonText(input.verdict),
        risk: input.risk,
        boundary_id: boundaryId,
        boundary_version: boundaryVersion,
        created_at: actor.at,
        created_by: actor.by,
      };
      await trx.insertInto('policy_versions').values(row).execute();
      return toPolicyVersion(row, input.team, []);
    });
  }

  getPolicyVersion(id: string, version: number): Promise<PolicyVersion | undefined> {
    return this.cp.tx('getPolicyVersion', async (trx) => (await readVersions(trx, id, version))[0]);
  }

  policyVersions(id: string): Promise<PolicyVersion[]> {
    return this.cp.tx('policyVersions', (trx) => readVersions(trx, id));
  }

  activeVersion(id: string): Promise<PolicyVersion | undefined> {
    return this.cp.tx('activeVersion', async (trx) => {
      const row = await trx.selectFrom('policy_versions').select('version').where('policy_id', '=', id).where('status', '=', 'active').executeTakeFirst();
      return row === undefined ? undefined : (await readVersions(trx, id, row.version))[0];
    });
  }

  listBoundaries(team?: string): Promise<BoundarySummary[]> {
    return this.cp.tx('listBoundaries', async (trx) => {
      let q = trx
        .selectFrom('boundaries as b')
        .innerJoin('boundary_versions as v', (join) => join.onRef('v.boundary_id', '=', 'b.id').onRef('v.version', '=', 'b.latest_version'))
        .select(['v.boundary_id', 'v.version', 'v.team', 'v.created_at', 'v.created_by']);
      if (team !== undefined) q = q.where('v.team', '=', team);
      const rows = await q.orderBy('b.id').execute();
      return rows.map((r) => ({ id: r.boundary_id, version: r.version, team: r.team, createdAt: r.created_at, createdBy: r.created_by }));
    });
  }

  listPolicies(team?: string): Promise<PolicySummary[]> {
    return this.cp.tx('listPolicies', async (trx) => {
      let q = trx
        .selectFrom('policies as p')
        .leftJoin('policy_versions as v', (join) => join.onRef('v.policy_id', '=', 'p.id').on('v.status', '=', 'active'))
        .select(['p.id', 'p.team', 'p.latest_version', 'p.created_at', 'p.created_by', 'v.version as active']);
      if (team !== undefined) q = q.where('p.team', '=', team);
      const rows = await q.orderBy('p.id').execute();
      return rows.map((r) => ({ id: r.id, team: r.team, latestVersion: r.latest_version, active: r.active ?? null, createdAt: r.created_at, createdBy: r.created_by }));
    });
  }

  transition(id: string, version: number, action: PolicyAction, actor: PolicyActor, expected?: PolicyStatus): Promise<PolicyVersion> {
    const move = POLICY_TRANSITIONS[action] as (typeof POLICY_TRANSITIONS)[PolicyAction] | undefined;
    if (move === undefined) return Promise.reject(new InvalidStoreArgumentError(`\`${String(action)}\` is not a policy lifecycle action`));
    return this.cp.tx('transition', async (trx) => {
      // The policy row's lock first: every transition of this policy queues here.
      const locked = await trx.updateTable('policies').set((eb) => ({ latest_version: eb.ref('latest_version') })).where('id', '=', id).executeTakeFirst();
      if (locked.numUpdatedRows === 0n) throw new PolicyNotFoundError(id, version);
      const current = await trx.selectFrom('policy_versions').select('status').where('policy_id', '=', id).where('version', '=', version).executeTakeFirst();
      if (current === undefined) throw new PolicyNotFoundError(id, version);
      const status = toStatus(current.status);
      if (expected !== undefined && status !== expected) throw new StalePolicyStatusError(id, version, expected, status);
      if (!move.from.includes(status)) throw new InvalidPolicyTransitionError(id, version, action, status);
      if (action === 'activate') {
        const active = await trx.selectFrom('policy_versions').select('version').where('policy_id', '=', id).where('status', '=', 'active').execute();
        for (const a of active) {
          await trx.updateTable('policy_versions').set({ status: 'superseded' }).where('policy_id', '=', id).where('version', '=', a.version).execute();
          await appendHistory(trx, id, a.version, { from: 'active', to: 'superseded', at: actor.at, by: actor.by, comment: `superseded by version ${version}` });
        }
      }
      await trx.updateTable('policy_versions').set({ status: move.to }).where('policy_id', '=', id).where('version', '=', version).execute();
      await appendHistory(trx, id, version, { from: status, to: move.to, at: actor.at, by: actor.by, ...(actor.comment === undefined ? {} : { comment: actor.comment }) });
      if (action === 'activate') await bumpRevision(trx);
      const [after] = await readVersions(trx, id, version);
      if (after === undefined) throw new PolicyNotFoundError(id, version);
      return after;
    });
  }

  setAssignment(principal: string, policyIds: readonly string[], actor: PolicyActor): Promise<PolicyAssignment> {
    if (principal.length === 0) return Promise.reject(new InvalidStoreArgumentError('a principal is not empty'));
    if (new Set(policyIds).size !== policyIds.length) return Promise.reject(new InvalidStoreArgumentError('a policy is assigned to a principal once'));
    return this.cp.tx('setAssignment', async (trx) => {
      if (policyIds.length > 0) {
        const known = new Set((await trx.selectFrom('policies').select('id').where('id', 'in', [...policyIds]).execute()).map((r) => r.id));
        const missing = policyIds.find((p) => !known.has(p));
        if (missing !== undefined) throw new PolicyNotFoundError(missing);
      }
      await trx.deleteFrom('assignment_policies').where('principal', '=', principal).execute();
      await trx.deleteFrom('assignments').where('principal', '=', principal).execute();
      if (policyIds.length > 0) {
        await trx.insertInto('assignments').values({ principal, updated_at: actor.at, updated_by: actor.by }).execute();
        await trx.insertInto('assignment_policies').values(policyIds.map((policy_id, position) => ({ principal, position, policy_id }))).execute();
      }
      await bumpRevision(trx);
      return { principal, policyIds: [...policyIds], updatedAt: actor.at, updatedBy: actor.by };
    });
  }

  getAssignment(principal: string): Promise<PolicyAssignment | undefined> {
    return this.cp.tx('getAssignment', async (trx) => {
      const head = await trx.selectFrom('assignments').selectAll().where('principal', '=', principal).executeTakeFirst();
      if (head === undefined) return undefined;
      const rows = await trx.selectFrom('assignment_policies').select('policy_id').where('principal', '=', principal).orderBy('position').execute();
      return { principal, policyIds: rows.map((r) => r.policy_id), updatedAt: head.updated_at, updatedBy: head.updated_by };
    });
  }

  revision(): Promise<number> {
    return this.cp.tx('revision', async (trx) => {
      const row = await trx.selectFrom('policy_revision').select('revision').where('id', '=', 1).executeTakeFirst();
      return row === undefined ? 0 : toSeq(row.revision, 'policy revision');
    });
  }
}

/** Last in each transaction that takes it, after the policy's or boundary's own row, so lock order never cycles. */
async function bumpRevision(trx: Trx): Promise<void> {
  await trx
    .insertInto('policy_revision')
    .values({ id: 1, revision: 1 })
    .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ revision: eb(eb.ref('policy_revision.revision'), '+', 1) })))
    .execute();
}

async function appendHistory(trx: Trx, id: string, version: number, change: PolicyStatusChange): Promise<void> {
  const last = await trx.selectFrom('policy_status_history').select((eb) => eb.fn.max('seq').as('seq')).where('policy_id', '=', id).where('version', '=', version).executeTakeFirst();
  await trx
    .insertInto('policy_status_history')
    .values({
      policy_id: id,
      version,
      seq: Number(last?.seq ?? 0) + 1,
      from_status: change.from,
      to_status: change.to,
      changed_at: change.at,
      changed_by: change.by,
      comment: change.comment ?? null,
    })
    .execute();
}

/** The policy's versions (or one of them), oldest first, with their histories. */
async function readVersions(trx: Trx, id: string, version?: number): Promise<PolicyVersion[]> {
  const policy = await trx.selectFrom('policies').select('team').where('id', '=', id).executeTakeFirst();
  if (policy === undefined) return [];
  let rows = trx.selectFrom('policy_versions').selectAll().where('policy_id', '=', id);
  let history = trx.selectFrom('policy_status_history').selectAll().where('policy_id', '=', id);
  if (version !== undefined) {
    rows = rows.where('version', '=', version);
    history = history.where('version', '=', version);
  }
  const changes = new Map<number, Selectable<PolicyStatusHistoryTable>[]>();
  for (const h of await history.orderBy('version').orderBy('seq').execute()) changes.set(h.version, [...(changes.get(h.version) ?? []), h]);
  return (await rows.orderBy('version').execute()).map((r) => toPolicyVersion(r, policy.team, changes.get(r.version) ?? []));
}

function toStatus(value: string): PolicyStatus {
  if (!(POLICY_STATUSES as readonly string[]).includes(value)) throw new CorruptControlPlaneStoreError(`unknown policy status \`${value}\``);
  return value as PolicyStatus;
}

function toBoundary(row: Selectable<BoundaryVersionsTable>): BoundaryVersion {
  return {
    id: row.boundary_id,
    version: row.version,
    document: fromJsonText(row.document, `document of boundary \`${row.boundary_id}@${row.version}\``),
    team: row.team,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

function toPolicyVersion(row: Selectable<PolicyVersionsTable>, team: string, history: readonly Selectable<PolicyStatusHistoryTable>[]): PolicyVersion {
  const what = `policy \`${row.policy_id}@${row.version}\``;
  const documents = fromJsonText(row.documents, `documents of ${what}`);
  if (!Array.isArray(documents)) throw new CorruptControlPlaneStoreError(`the documents of ${what} are not an array`);
  return {
    id: row.policy_id,
    version: row.version,
    team,
    status: toStatus(row.status),
    request: fromJsonText(row.request, `request of ${what}`) as PolicySynthesisInput,
    documents: documents as unknown[],
    verdict: fromJsonText(row.verdict, `verdict of ${what}`),
    risk: Number(row.risk),
    createdAt: row.created_at,
    createdBy: row.created_by,
    history: history.map((h) => ({
      from: toStatus(h.from_status),
      to: toStatus(h.to_status),
      at: h.changed_at,
      by: h.changed_by,
      ...(h.comment === null ? {} : { comment: h.comment }),
    })),
  };
}
