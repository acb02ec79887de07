/**
 * The synthesized-policy lifecycle over HTTP (issue 8), on either store: a boundary, a policy
 * synthesized from an approved fragment, review with separation of duties, If-Match, activation,
 * rollback, assignments and `/v1/authorize` by principal following each activation. Ids are the
 * suite's own (`pol-*`), so it can share a harness with the other suites.
 */
import { beforeAll, expect, it } from 'vitest';
import { fragmentBody, type Harness, type Who } from './harness.js';

export const BOB = 'arn:aws:iam::111122223333:user/bob';
const doc = (...Statement: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement });

/** Calls on one harness that the policy tests share (and the two-node test on PostgreSQL). */
export function policyClient(h: () => Harness) {
  const call = (method: string, path: string, as: Who, body?: unknown, headers?: Record<string, string>) => h().call(method, path, { as, body, headers });
  const etag = async (id: string, v: number) => (await call('GET', `/v1/policies/${id}/versions/${v}`, 'dave')).headers.get('etag') ?? '';
  const move = async (id: string, v: number, action: string, as: Who, comment?: string) =>
    call('POST', `/v1/policies/${id}/versions/${v}/transitions`, as, { action, ...(comment === undefined ? {} : { comment }) }, { 'if-match': await etag(id, v) });
  const create = (id: string, bucket: string, as: Who = 'alice', boundary = 'pol-boundary', team = 'payments') =>
    call('POST', '/v1/policies', as, { id, team, fragments: [{ ref: 'pol-s3@1', params: { bucket } }], boundary: { id: boundary } });
  /** Creates, submits (author) and approves (carol): the version number. */
  const approved = async (id: string, bucket: string): Promise<number> => {
    const r = await create(id, bucket);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect((await move(id, r.body.version, 'submit', 'alice')).status).toBe(200);
    expect((await move(id, r.body.version, 'approve', 'carol', 'ok')).status).toBe(200);
    return r.body.version as number;
  };
  const decide = async (bucket: string, principal = BOB) =>
    (await call('POST', '/v1/authorize', 'svc', { request: { principal, action: 's3:GetObject', resource: `arn:aws:s3:::${bucket}/report.csv` } })).body.decision as string;
  /**
   * The approved fragment `pol-s3` (owner payments); the boundaries `pol-boundary` (s3:Get*) and
   * `pol-narrow` (s3:ListBucket) for team payments, `pol-ops` (s3:Get*) for team ops and
   * `pol-central` (s3:Get*) for no team.
   */
  const seed = async () => {
    const f = await call('POST', '/v1/fragments', 'alice', fragmentBody('pol-s3', 'payments'));
    expect(f.status).toBe(201);
    const tag = (await call('GET', '/v1/fragments/pol-s3/versions/1', 'dave')).headers.get('etag') ?? '';
    expect((await call('POST', '/v1/fragments/pol-s3/versions/1/transitions', 'alice', { action: 'submit' }, { 'if-match': tag })).status).toBe(200);
    const tag2 = (await call('GET', '/v1/fragments/pol-s3/versions/1', 'dave')).headers.get('etag') ?? '';
    expect((await call('POST', '/v1/fragments/pol-s3/versions/1/transitions', 'carol', { action: 'approve' }, { 'if-match': tag2 })).status).toBe(200);
    const b = await call('PUT', '/v1/boundaries/pol-boundary', 'admin', { document: doc({ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }), team: 'payments' });
    expect(b.status, JSON.stringify(b.body)).toBe(200);
    const narrow = await call('PUT', '/v1/boundaries/pol-narrow', 'admin', { document: doc({ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }), team: 'payments' });
    expect(narrow.status).toBe(200);
    for (const [id, team] of [['pol-ops', 'ops'], ['pol-central', null]] as const) {
      expect((await call('PUT', `/v1/boundaries/${id}`, 'admin', { document: doc({ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }), team })).status).toBe(200);
    }
  };
  return { call, etag, move, create, approved, decide, seed };
}

export function policySuite(h: () => Harness): void {
  const { call, etag, move, create, approved, decide, seed } = policyClient(h);

  beforeAll(seed);

  it('versions boundaries: the same document again is the same version', async () => {
    const again = await call('PUT', '/v1/boundaries/pol-boundary', 'admin', { document: doc({ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }), team: 'payments' });
    expect(again.body).toMatchObject({ id: 'pol-boundary', version: 1, team: 'payments', createdBy: 'user/admin' });
    expect((await call('GET', '/v1/boundaries/pol-boundary', 'alice')).body.version).toBe(1);
    expect((await call('GET', '/v1/boundaries/pol-none', 'alice')).status).toBe(404);
  });

  it('versions a boundary per team: another team is a new version, and the team is kept', async () => {
    const put = (team: string | null | undefined) => call('PUT', '/v1/boundaries/pol-teams', 'admin', { document: doc({ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }), ...(team === undefined ? {} : { team }) });
    expect((await put(undefined)).body).toMatchObject({ version: 1, team: null });
    expect((await put(null)).body).toMatchObject({ version: 1, team: null });
    expect((await put('payments')).body).toMatchObject({ version: 2, team: 'payments' });
    expect((await put('payments')).body).toMatchObject({ version: 2, team: 'payments' });
    expect((await call('GET', '/v1/boundaries/pol-teams?version=1', 'alice')).body.team).toBeNull();
    expect((await call('PUT', '/v1/boundaries/pol-teams', 'admin', { document: doc(), team: '' })).status).toBe(400);
    const audit = (await h().store.audit.read(0, 100_000)).filter((r) => r.action === 'tessera:PutBoundary' && r.resource === 'trn:tessera:boundary/pol-teams');
    expect(audit.map((r) => r.detail)).toEqual([{ version: 1, team: null }, { version: 1, team: null }, { version: 2, team: 'payments' }, { version: 2, team: 'payments' }]);
  });

  it('lists the latest version of each boundary, of one team with ?team=', async () => {
    const all = await call('GET', '/v1/boundaries', 'alice');
    expect(all.status).toBe(200);
    const ids = all.body.items.map((b: { id: string }) => b.id);
    expect(ids).toEqual(expect.arrayContaining(['pol-boundary', 'pol-central', 'pol-narrow', 'pol-ops']));
    expect(ids).toEqual([...ids].sort());
    expect(all.body.items.find((b: { id: string }) => b.id === 'pol-central')).toMatchObject({ version: 1, team: null, createdBy: 'user/admin' });
    const ops = await call('GET', '/v1/boundaries?team=ops', 'olga');
    expect(ops.body.items.map((b: { id: string; team: string }) => `${b.id}:${b.team}`)).toEqual(['pol-ops:ops']);
  });

  it('previews a synthesis without storing it: documents, verdict and effective permissions, or the refusal', async () => {
    const body = (bucket: string, boundary: string) => ({ id: 'pol-preview', team: 'payments', fragments: [{ ref: 'pol-s3@1', params: { bucket } }], boundary: { id: boundary } });
    const ok = await call('POST', '/v1/policies/preview', 'alice', body('acme-preview', 'pol-boundary'));
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ approvable: true, errors: [], request: { boundary: { id: 'pol-boundary', version: 1 } }, verdict: { containment: 'contained', delegator: { principal: 'user/alice', policies: null } } });
    expect(JSON.stringify(ok.body.documents)).toContain('arn:aws:s3:::acme-preview/*');
    expect(ok.body.effective.total).toBeGreaterThan(0);
    const refused = await call('POST', '/v1/policies/preview', 'alice', body('acme-preview', 'pol-narrow'));
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ approvable: false, documents: [], effective: null });
    expect(refused.body.errors.find((e: { code: string }) => e.code === 'synthesis/not-contained').counterexample.action).toBe('s3:GetObject');
    // Nothing stored, nothing audited as a change.
    expect((await call('GET', '/v1/policies/pol-preview', 'dave')).status).toBe(404);
    const audit = await h().store.audit.read(0, 100_000);
    expect(audit.some((r) => r.resource.startsWith('trn:tessera:policy/pol-preview'))).toBe(false);
    // The same access as creating: not under another team's boundary.
    expect((await call('POST', '/v1/policies/preview', 'alice', body('acme-preview', 'pol-ops'))).status).toBe(403);
    expect((await call('POST', '/v1/policies/preview', 'alice', body('acme-preview', 'pol-none'))).status).toBe(404);
  });

  it("lets a delegated admin synthesize only under its own team's boundaries; the central admin under any", async () => {
    for (const boundary of ['pol-ops', 'pol-central']) {
      const r = await create('pol-foreign', 'acme-reports', 'alice', boundary);
      expect(r.status, JSON.stringify(r.body)).toBe(403);
      expect(r.body.detail).toContain(`tessera:UseBoundary on trn:tessera:boundary/${boundary}`);
    }
    expect((await call('GET', '/v1/policies/pol-foreign', 'dave')).status).toBe(404);
    const central = await create('pol-central-made', 'acme-reports', 'admin', 'pol-central');
    expect(central.status, JSON.stringify(central.body)).toBe(201);
    expect(central.body.verdict.delegator).toBeNull();
  });

  it('bounds a delegated admin by what it holds itself once policies are assigned to it', async () => {
    const OLGA = 'user/olga';
    const assign = async (policies: string[]) => expect((await call('PUT', `/v1/assignments/${encodeURIComponent(OLGA)}`, 'admin', { policies })).status).toBe(200);
    // No assignment: Tessera manages none of olga's permissions, so the team boundary alone bounds her.
    const free = await create('pol-ops-a', 'ops-logs', 'olga', 'pol-ops', 'ops');
    expect(free.status, JSON.stringify(free.body)).toBe(201);
    expect(free.body.verdict.delegator).toEqual({ principal: OLGA, policies: null });

    // The central admin writes olga's own policy; until it is active she holds nothing.
    const lead = await create('pol-ops-lead', 'ops-logs', 'admin', 'pol-ops', 'ops');
    expect(lead.status, JSON.stringify(lead.body)).toBe(201);
    await assign(['pol-ops-lead']);
    const nothing = await create('pol-ops-b', 'ops-logs', 'olga', 'pol-ops', 'ops');
    expect(nothing.status, JSON.stringify(nothing.body)).toBe(422);
    const held = (nothing.body.errors as { code: string; message: string; counterexample?: { resource: string } }[]).find((e) => e.code === 'synthesis/not-contained');
    expect(held?.message).toContain("outside the delegator's own permissions");
    expect(held?.counterexample?.resource).toContain('arn:aws:s3:::ops-logs/');

    expect((await move('pol-ops-lead', 1, 'submit', 'admin')).status).toBe(200);
    expect((await move('pol-ops-lead', 1, 'approve', 'carol')).status).toBe(200);
    expect((await move('pol-ops-lead', 1, 'activate', 'carol')).status).toBe(200);
    const within = await create('pol-ops-b', 'ops-logs', 'olga', 'pol-ops', 'ops');
    expect(within.status, JSON.stringify(within.body)).toBe(201);
    expect(within.body.verdict).toMatchObject({ containment: 'contained', delegator: { principal: OLGA, policies: ['pol-ops-lead@1'] } });
    // The ops boundary allows any bucket, but olga holds ops-logs only.
    const beyond = await create('pol-ops-c', 'ops-archive', 'olga', 'pol-ops', 'ops');
    expect(beyond.status, JSON.stringify(beyond.body)).toBe(422);
    const cx = (beyond.body.errors as { code: string; counterexample?: { action: string; resource: string } }[]).find((e) => e.code === 'synthesis/not-contained')?.counterexample;
    expect(cx).toMatchObject({ action: 's3:GetObject', resource: expect.stringContaining('arn:aws:s3:::ops-archive/') });
    expect((await call('GET', '/v1/policies/pol-ops-c', 'dave')).status).toBe(404);

    // Olga submits pol-ops-b; before it is approved, her own policy moves to another bucket.
    expect((await move('pol-ops-b', 1, 'submit', 'olga')).status).toBe(200);
    const lead2 = await create('pol-ops-lead', 'ops-archive', 'admin', 'pol-ops', 'ops');
    expect(lead2.status).toBe(201);
    expect((await move('pol-ops-lead', 2, 'submit', 'admin')).status).toBe(200);
    expect((await move('pol-ops-lead', 2, 'approve', 'carol')).status).toBe(200);
    expect((await move('pol-ops-lead', 2, 'activate', 'carol')).status).toBe(200);
    const stale = await move('pol-ops-b', 1, 'approve', 'carol');
    expect(stale.status, JSON.stringify(stale.body)).toBe(409);
    expect(stale.body.code).toBe('server/delegator-permissions-changed');
    expect(stale.body.detail).toContain('holding pol-ops-lead@1, and now holds pol-ops-lead@2');
    expect(stale.body.errors[0].counterexample.resource).toContain('arn:aws:s3:::ops-logs/');
    expect((await call('GET', '/v1/policies/pol-ops-b/versions/1', 'dave')).body.status).toBe('submitted');
    // What she holds now still contains a version synthesized within it.
    const again = await create('pol-ops-d', 'ops-archive', 'olga', 'pol-ops', 'ops');
    expect(again.body.verdict.delegator).toEqual({ principal: OLGA, policies: ['pol-ops-lead@2'] });
    expect((await move('pol-ops-d', 1, 'submit', 'olga')).status).toBe(200);
    expect((await move('pol-ops-d', 1, 'approve', 'carol')).status).toBe(200);
    await assign([]);
  });

  it('synthesizes a draft with its verdict and ETag', async () => {
    const r = await create('pol-draft', 'acme-reports');
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.headers.get('etag')).toBe('"pol-draft@1:draft"');
    expect(r.headers.get('location')).toBe('/v1/policies/pol-draft/versions/1');
    expect(r.body).toMatchObject({ id: 'pol-draft', version: 1, team: 'payments', status: 'draft', request: { boundary: { id: 'pol-boundary', version: 1 }, fragments: [{ ref: 'pol-s3@1', params: { bucket: 'acme-reports' } }] } });
    expect(r.body.verdict.containment).toBe('contained');
    expect(JSON.stringify(r.body.documents)).toContain('arn:aws:s3:::acme-reports/*');
  });

  it('refuses a synthesis outside the boundary with a 422 naming the counterexample', async () => {
    const r = await create('pol-refused', 'acme-reports', 'alice', 'pol-narrow');
    expect(r.status, JSON.stringify(r.body)).toBe(422);
    expect(r.body.code).toBe('server/synthesis-refused');
    const nc = (r.body.errors as { code: string; counterexample?: { action: string } }[]).find((e) => e.code === 'synthesis/not-contained');
    expect(nc?.counterexample?.action).toBe('s3:GetObject');
    expect((await call('GET', '/v1/policies/pol-refused', 'dave')).status).toBe(404);
  });

  it('requires If-Match (428), refuses a wrong or stale one (412)', async () => {
    expect((await create('pol-etag', 'acme-reports')).status).toBe(201);
    expect((await call('POST', '/v1/policies/pol-etag/versions/1/transitions', 'alice', { action: 'submit' })).status).toBe(428);
    expect((await call('POST', '/v1/policies/pol-etag/versions/1/transitions', 'alice', { action: 'submit' }, { 'if-match': '"pol-etag@2:draft"' })).status).toBe(412);
    expect((await move('pol-etag', 1, 'submit', 'alice')).status).toBe(200);
    const stale = await call('POST', '/v1/policies/pol-etag/versions/1/transitions', 'carol', { action: 'approve' }, { 'if-match': '"pol-etag@1:draft"' });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('control-plane-store/stale-policy-status');
    expect((await move('pol-etag', 1, 'activate', 'carol')).status).toBe(409);
  });

  it('refuses review by the author or the submitter (separation of duties)', async () => {
    expect((await create('pol-sod', 'acme-reports', 'admin')).status).toBe(201);
    expect((await move('pol-sod', 1, 'submit', 'admin')).status).toBe(200);
    const self = await move('pol-sod', 1, 'approve', 'admin');
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('server/separation-of-duties');
    const rejected = await move('pol-sod', 1, 'reject', 'carol', 'not needed');
    expect(rejected.body).toMatchObject({ status: 'rejected', history: [{ to: 'submitted' }, { to: 'rejected', by: 'user/carol', comment: 'not needed' }] });
  });

  it('activates, shows reviewers the diff, rolls back, and decides by principal after each change', async () => {
    const v1 = await approved('pol-pay', 'acme-reports');
    expect(await decide('acme-reports')).toBe('ImplicitDeny');
    const assign = await call('PUT', `/v1/assignments/${encodeURIComponent(BOB)}`, 'admin', { policies: ['pol-pay'] });
    expect(assign.status, JSON.stringify(assign.body)).toBe(200);
    expect((await call('GET', `/v1/assignments/${encodeURIComponent(BOB)}`, 'dave')).body.policies).toEqual(['pol-pay']);
    // Assigned but nothing active yet.
    expect(await decide('acme-reports')).toBe('ImplicitDeny');
    expect((await move('pol-pay', v1, 'activate', 'carol')).body.status).toBe('active');
    expect(await decide('acme-reports')).toBe('Allow');
    expect(await decide('acme-ledger')).toBe('ImplicitDeny');

    const v2 = await approved('pol-pay', 'acme-ledger');
    const review = await call('GET', `/v1/policies/pol-pay/versions/${v2}/review`, 'carol');
    expect(review.status, JSON.stringify(review.body)).toBe(200);
    expect(review.body).toMatchObject({ policy: `pol-pay@${v2}`, against: v1, verdict: { containment: 'contained' } });
    expect(JSON.stringify(review.body.added)).toContain('acme-ledger');
    expect(JSON.stringify(review.body.removed)).toContain('acme-reports');
    expect(review.body.effective.total).toBeGreaterThan(0);

    expect((await move('pol-pay', v2, 'activate', 'carol')).body.status).toBe('active');
    expect(await decide('acme-ledger')).toBe('Allow');
    expect(await decide('acme-reports')).toBe('ImplicitDeny');
    const listed = (await call('GET', '/v1/policies?team=payments', 'olga')).body.items.find((p: { id: string }) => p.id === 'pol-pay');
    expect(listed).toMatchObject({ team: 'payments', latestVersion: v2, active: v2 });
    const overview = (await call('GET', '/v1/policies/pol-pay', 'alice')).body;
    expect(overview).toMatchObject({ id: 'pol-pay', team: 'payments', active: v2 });
    expect(overview.versions.map((v: { status: string }) => v.status)).toEqual(['superseded', 'active']);

    // Rollback: the superseded version again.
    expect((await move('pol-pay', v1, 'activate', 'carol', 'rollback')).body.status).toBe('active');
    expect(await decide('acme-reports')).toBe('Allow');
    expect(await decide('acme-ledger')).toBe('ImplicitDeny');

    // Removing the assignment takes effect at once too.
    await call('PUT', `/v1/assignments/${encodeURIComponent(BOB)}`, 'admin', { policies: [] });
    expect(await decide('acme-reports')).toBe('ImplicitDeny');
  });

  it('of concurrent activations over HTTP, exactly one version ends active', async () => {
    const versions = [await approved('pol-race', 'acme-a'), await approved('pol-race', 'acme-b'), await approved('pol-race', 'acme-c')];
    const tags = await Promise.all(versions.map((v) => etag('pol-race', v)));
    const replies = await Promise.all(versions.map((v, i) => call('POST', `/v1/policies/pol-race/versions/${v}/transitions`, 'carol', { action: 'activate' }, { 'if-match': tags[i] ?? '' })));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    const statuses = (await call('GET', '/v1/policies/pol-race', 'dave')).body.versions.map((v: { status: string }) => v.status);
    expect(statuses.filter((s: string) => s === 'active')).toHaveLength(1);
    expect(statuses.filter((s: string) => s === 'superseded')).toHaveLength(2);
  });

  it('decides a batch without policies by each request\'s principal', async () => {
    const CAROL_APP = 'arn:aws:iam::111122223333:role/batch-app';
    const v = await approved('pol-batch', 'acme-batch');
    expect((await move('pol-batch', v, 'activate', 'carol')).status).toBe(200);
    expect((await call('PUT', `/v1/assignments/${encodeURIComponent(CAROL_APP)}`, 'admin', { policies: ['pol-batch'] })).status).toBe(200);
    const read = (principal: string, bucket: string) => ({ principal, action: 's3:GetObject', resource: `arn:aws:s3:::${bucket}/report.csv` });
    const r = await call('POST', '/v1/authorize/batch', 'svc', { requests: [read(CAROL_APP, 'acme-batch'), read(CAROL_APP, 'acme-other'), read(BOB, 'acme-batch'), read(CAROL_APP, 'acme-batch')] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.decisions.map((d: { decision: string }) => d.decision)).toEqual(['Allow', 'ImplicitDeny', 'ImplicitDeny', 'Allow']);
    // The same requests with a policy set in the body are decided against that set only.
    const withSet = await call('POST', '/v1/authorize/batch', 'svc', { policies: { identity: [] }, requests: [read(CAROL_APP, 'acme-batch')] });
    expect(withSet.body.decisions[0].decision).toBe('ImplicitDeny');
    await call('PUT', `/v1/assignments/${encodeURIComponent(CAROL_APP)}`, 'admin', { policies: [] });
  });

  it('keeps deciding on a body with policies as before', async () => {
    const policies = { identity: [doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })] };
    const r = await call('POST', '/v1/authorize', 'svc', { request: { principal: BOB, action: 's3:GetObject', resource: 'arn:aws:s3:::x/y' }, policies });
    expect(r.body.decision).toBe('Allow');
  });
}
