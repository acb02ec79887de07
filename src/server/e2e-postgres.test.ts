/** The API end to end over HTTP on a real port, on the PostgreSQL control plane (own schema). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgTestUrl, withTestSchema } from '../../test/support/postgres.js';
import { EventBus } from '../monitor/index.js';
import { openPostgresControlPlane } from '../store/index.js';
import { accessSuite } from './testing/access-suite.js';
import { artifactSuite } from './testing/artifact-suite.js';
import { deploymentSuite } from './testing/deployment-suite.js';
import { eventSuite } from './testing/event-suite.js';
import { startHarness, type Harness } from './testing/harness.js';
import { inputSuite } from './testing/input-suite.js';
import { BOB, policyClient, policySuite } from './testing/policy-suite.js';
import { workflowSuite } from './testing/workflow-suite.js';

const url = pgTestUrl();

describe.skipIf(url === undefined)('HTTP API on PostgreSQL', () => {
  const schema = withTestSchema(url ?? '', 'tessera_server');
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(() => openPostgresControlPlane(schema.url, { schema: schema.schema }, { guardUnitsOfWork: true }));
  });
  afterAll(async () => {
    await h?.close();
  });

  describe('authorization of every route', () => accessSuite(() => h));
  describe('workflow', () => workflowSuite(() => h));
  describe('input', () => inputSuite(() => h));
  describe('synthesized policies', () => policySuite(() => h));
  describe('app profiles, environments and the loop\'s artifacts', () => artifactSuite(() => h));
  describe('deployments referencing stored documents', () => deploymentSuite(() => h));
});

describe.skipIf(url === undefined)('two nodes on one PostgreSQL schema', () => {
  const schema = withTestSchema(url ?? '', 'tessera_nodes');
  const open = () => openPostgresControlPlane(schema.url, { schema: schema.schema });

  it("decides by another node's activation and assignment once the revision is rechecked", async () => {
    let later = 0;
    const a = await startHarness(open);
    // Node b's clock can be moved on, so its once-a-second revision check runs when the test says.
    const b = await startHarness(open, { now: () => new Date(Date.now() + later) });
    try {
      const onA = policyClient(() => a);
      const onB = policyClient(() => b);
      await onA.seed();
      const v1 = await onA.approved('pol-nodes', 'acme-reports');
      expect((await onA.move('pol-nodes', v1, 'activate', 'carol')).status).toBe(200);
      expect(await onB.decide('acme-reports')).toBe('ImplicitDeny');
      await onA.call('PUT', `/v1/assignments/${encodeURIComponent(BOB)}`, 'admin', { policies: ['pol-nodes'] });
      later += 1000;
      expect(await onB.decide('acme-reports')).toBe('Allow');
      const v2 = await onA.approved('pol-nodes', 'acme-ledger');
      expect((await onA.move('pol-nodes', v2, 'activate', 'carol')).status).toBe(200);
      later += 1000;
      expect(await onB.decide('acme-ledger')).toBe('Allow');
      expect(await onB.decide('acme-reports')).toBe('ImplicitDeny');
    } finally {
      await b.close();
      await a.close();
    }
  });

  it('refuses a token revoked on another node once its row is read again (at most a second later)', async () => {
    let later = 0;
    const a = await startHarness(open);
    const b = await startHarness(open, { now: () => new Date(Date.now() + later) });
    try {
      const created = await a.call('POST', '/v1/tokens', { body: { principal: 'service/roaming', role: 'service' } });
      expect(created.status).toBe(201);
      const authorization = `Bearer ${created.body.token}`;
      const body = { request: { principal: BOB, action: 's3:GetObject', resource: '*' }, policies: { identity: [] } };
      expect((await b.call('POST', '/v1/authorize', { authorization, body })).status).toBe(200);
      expect((await a.call('DELETE', `/v1/tokens/${created.body.id}`)).status).toBe(204);
      expect((await a.call('POST', '/v1/authorize', { authorization, body })).status).toBe(401);
      // Node b verified it moments ago and has not read the row since.
      expect((await b.call('POST', '/v1/authorize', { authorization, body })).status).toBe(200);
      later += 1000;
      expect((await b.call('POST', '/v1/authorize', { authorization, body })).status).toBe(401);
    } finally {
      await b.close();
      await a.close();
    }
  });
});

describe.skipIf(url === undefined)('adaptation-loop events on two nodes sharing one PostgreSQL schema', () => {
  const schema = withTestSchema(url ?? '', 'tessera_events');
  const open = () => openPostgresControlPlane(schema.url, { schema: schema.schema });
  const busA = new EventBus();
  let a: Harness;
  let b: Harness;
  beforeAll(async () => {
    a = await startHarness(open, { events: busA });
    b = await startHarness(open);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });
  eventSuite(() => a, () => b, () => busA);
});
