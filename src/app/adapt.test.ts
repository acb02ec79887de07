/**
 * evaluateDeployments with a real SQLite store and fake planner/builder: the decisions and what
 * each outcome writes (lineage, audit, events, risk profiles, plans, images), including the races
 * and failures.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDebianTracker, parseKev } from '../intel/index.js';
import { EventBus } from '../monitor/index.js';
import { openSqliteControlPlane, type ControlPlaneStore } from '../store/index.js';
import { evaluateDeployments, sourceFromFilename, type AdaptDeps } from './adapt.js';
import { MemorySummaryStore } from './adapt-summaries.js';
import type { ImagePlan } from './plan.js';

const CVE = 'CVE-2024-58001';
const tracker = (fixed: string | null) => {
  const r = parseDebianTracker(JSON.stringify({ dash: { [CVE]: { description: 'x', scope: 'local', releases: { bookworm: { status: fixed === null ? 'open' : 'resolved', repositories: { bookworm: '0.5.12-2' }, ...(fixed !== null ? { fixed_version: fixed } : {}), urgency: 'high' } } } } }));
  if (!r.ok) throw new Error('tracker');
  return r.value;
};
const kev = () => {
  const r = parseKev(JSON.stringify({ title: 'CISA Catalog of Known Exploited Vulnerabilities', catalogVersion: '2026.11.23', dateReleased: '2026-11-23T09:00:00.000Z', count: 1, vulnerabilities: [{ cveID: CVE, vendorProject: 'Debian', product: 'dash', vulnerabilityName: 'dash bug', dateAdded: '2026-11-23', shortDescription: 'x', requiredAction: 'patch', dueDate: '2026-12-14', knownRansomwareCampaignUse: 'Unknown', notes: '' }] }));
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.value;
};
const app = { name: 'shell', function: 'scripts', data: { classes: ['operational'], sensitivity: 'internal' }, users: { base: 'internal', size: 10 }, criticality: 'low', packages: ['dash'] };
const env = { name: 'ops', exposure: 'internal', networkControls: { waf: false, segmentation: true, egressFiltering: true }, accessControls: { mfa: true, sso: true, privilegedAccessManagement: false }, region: 'eu-central-1', country: 'DE', compliance: [] };

let dir: string;
let store: ControlPlaneStore;
let intel: Awaited<ReturnType<AdaptDeps['intel']>>;
let builds: string[];
let events: EventBus;
let deps: AdaptDeps;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-adapt-'));
  store = await openSqliteControlPlane(join(dir, 'tessera.db'));
  intel = { tracker: tracker('0.5.12-2+deb12u1') };
  builds = [];
  events = new EventBus();
  await store.deployments.putDeployment({ id: 'shell', app, environment: env, imageDigest: null, planDigest: null, riskTier: null, updatedAt: '2026-11-23T10:00:00Z' });
  deps = {
    deployments: store.deployments,
    audit: store.audit,
    summaries: new MemorySummaryStore(),
    intel: async () => intel,
    // The plan changes with the tier and the KEV snapshot, as planImage's digest does.
    plan: async (_app, profile) => ({ ok: true, plan: { digest: `sha256:plan-${profile.tier}-${profile.intel.kev ?? 'none'}`, policy: {}, packages: [{ name: 'dash', version: '0.5.12-2', filename: 'pool/main/d/dash/dash_0.5.12-2_amd64.deb' }] } as unknown as ImagePlan }),
    build: async (plan) => {
      builds.push(plan.digest);
      return { digest: `sha256:image-of-${plan.digest.slice(7)}`, layers: [{ digest: 'sha256:base-layer', size: 700 }, { digest: 'sha256:security-layer', size: 42 }] };
    },
    artifacts: store.artifacts,
    events,
    now: () => new Date('2026-11-23T10:00:00Z'),
    release: 'bookworm',
  };
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('evaluateDeployments', () => {
  it('builds first, then rebuilds for a KEV with a fix, recording lineage, audit and event', async () => {
    expect(await evaluateDeployments(deps)).toEqual([expect.objectContaining({ status: 'rebuilt', from: null })]);
    intel = { ...intel, kev: kev() };
    const dry = await evaluateDeployments(deps, { dryRun: true });
    expect(dry).toEqual([expect.objectContaining({ status: 'would-rebuild', reasons: expect.arrayContaining([expect.objectContaining({ kind: 'kev', cve: CVE })]) })]);
    expect(builds).toHaveLength(1);
    const [o] = await evaluateDeployments(deps);
    expect(o).toMatchObject({ status: 'rebuilt', from: `sha256:image-of-${builds[0]!.slice(7)}` });
    expect((await store.deployments.lineage('shell'))[1]?.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'kev', cve: CVE, package: 'dash' })]));
    expect((await store.audit.read(0, 10)).map((r) => r.actor)).toEqual(['system/monitor', 'system/monitor']);
    expect(events.after(0).map((e) => e.type)).toEqual(['deployment.rebuilt', 'deployment.rebuilt']);
  });

  it('in a unit of work, a rebuild whose audit record fails records no lineage, no image move and no event', async () => {
    await store.close();
    store = await openSqliteControlPlane(join(dir, 'tessera.db'), {
      audit: {
        beforeAppend: (e) => {
          if (e.actor === 'system/monitor') throw new Error('injected audit failure');
        },
      },
    });
    const summaries = new MemorySummaryStore();
    deps = { ...deps, deployments: store.deployments, audit: store.audit, artifacts: store.artifacts, summaries, transaction: (work) => store.transaction(work) };
    const outcomes = await evaluateDeployments(deps);
    expect(outcomes).toEqual([expect.objectContaining({ id: 'shell', status: 'failed', message: expect.stringContaining('injected audit failure') })]);
    expect(await store.deployments.lineage('shell')).toEqual([]);
    expect((await store.deployments.getDeployment('shell'))?.imageDigest).toBeNull();
    expect(await store.deployments.getBuildSummary('shell')).toBeUndefined();
    expect(await store.audit.head()).toBeUndefined();
    expect(events.after(0).map((e) => e.type)).not.toContain('deployment.rebuilt');
  });

  it('a KEV without a fix is reported as a notice, not a reason', async () => {
    intel = { tracker: tracker(null) };
    await evaluateDeployments(deps);
    intel = { ...intel, kev: kev() };
    const [o] = await evaluateDeployments(deps);
    // The KEV raises the tier, which is a reason of its own; the unfixable KEV is not one.
    expect(o).toMatchObject({ reasons: [{ kind: 'tier', from: 'minimal', to: 'low' }] });
    expect(o && 'notices' in o ? o.notices : []).toEqual([expect.objectContaining({ kind: 'kev', cve: CVE, to: null })]);
  });

  it('another node rebuilt first: stale, nothing recorded twice', async () => {
    await evaluateDeployments(deps);
    intel = { ...intel, kev: kev() };
    const build = deps.build;
    deps = {
      ...deps,
      build: async (plan, id) => {
        const d = await store.deployments.getDeployment(id);
        await store.deployments.recordImage({ deploymentId: id, fromDigest: d?.imageDigest ?? null, toDigest: 'sha256:other-node', planDigest: plan.digest, reasons: [], at: '2026-11-23T10:00:00Z', riskTier: 'low' });
        return build(plan, id);
      },
    };
    expect(await evaluateDeployments(deps)).toEqual([expect.objectContaining({ status: 'stale' })]);
    expect((await store.audit.read(0, 10)).length).toBe(1);
  });

  it('a failed build is an outcome and an event; an invalid app is an outcome', async () => {
    await store.deployments.putDeployment({ id: 'broken', app: { name: 'x' }, environment: env, imageDigest: null, planDigest: null, riskTier: null, updatedAt: '2026-11-23T10:00:00Z' });
    deps = { ...deps, build: async () => { throw new Error('mirror down'); } };
    const outcomes = await evaluateDeployments(deps);
    expect(outcomes).toEqual([expect.objectContaining({ id: 'broken', status: 'invalid' }), expect.objectContaining({ id: 'shell', status: 'failed', message: 'mirror down' })]);
    expect(events.after(0)).toEqual([expect.objectContaining({ type: 'deployment.rebuild-failed', deploymentId: 'shell' })]);
  });
});

describe('evaluateDeployments keeps its artifacts', () => {
  it('records the risk profile, the plan made for it and the image built from it; a dry run keeps nothing', async () => {
    await evaluateDeployments(deps, { dryRun: true });
    expect(await store.artifacts.riskProfiles('shell', 0, 10)).toEqual([]);
    expect(builds).toEqual([]);

    const [o] = await evaluateDeployments(deps);
    expect(o).toMatchObject({ status: 'rebuilt' });
    const [assessed] = await store.artifacts.riskProfiles('shell', 0, 10);
    expect(assessed).toMatchObject({ deploymentId: 'shell', seq: 1, at: '2026-11-23T10:00:00.000Z', tier: o && 'tier' in o ? o.tier : 'none', profile: { engine: 'tessera-risk', app: 'shell' } });
    expect(assessed?.inputsDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const planDigest = builds[0] ?? '';
    expect(await store.artifacts.getPlan(planDigest)).toMatchObject({ deploymentId: 'shell', riskProfileSeq: 1, plan: { digest: planDigest, packages: [{ name: 'dash' }] } });
    const image = await store.artifacts.getImage(`sha256:image-of-${planDigest.slice(7)}`);
    expect(image).toMatchObject({ planDigest, totalSize: 742, layers: [{ digest: 'sha256:base-layer', size: 700 }, { digest: 'sha256:security-layer', size: 42 }], documents: [] });
    expect((await store.deployments.getDeployment('shell'))?.imageDigest).toBe(image?.digest);

    // Nothing new: the same assessment is not stored twice. A KEV is new: a second profile, plan and image.
    await evaluateDeployments(deps);
    expect(await store.artifacts.riskProfiles('shell', 0, 10)).toHaveLength(1);
    intel = { ...intel, kev: kev() };
    await evaluateDeployments(deps);
    const profiles = await store.artifacts.riskProfiles('shell', 0, 10);
    expect(profiles.map((p) => p.seq)).toEqual([1, 2]);
    expect(profiles[1]?.inputsDigest).not.toBe(profiles[0]?.inputsDigest);
    expect(await store.artifacts.getPlan(builds[1] ?? '')).toMatchObject({ riskProfileSeq: 2 });
    expect(await store.artifacts.getImage(`sha256:image-of-${(builds[1] ?? '').slice(7)}`)).toMatchObject({ planDigest: builds[1] });
  });

  it('a deployment removed behind the loop\'s back is a failed outcome, not a crash', async () => {
    // The list a node read before another removed the deployment; everything else is the real store.
    const real = store.deployments;
    const listed = [{ id: 'gone', app, environment: env, imageDigest: null, planDigest: null, riskTier: null, updatedAt: '2026-11-23T10:00:00Z' }];
    deps = {
      ...deps,
      deployments: {
        listDeployments: async () => listed,
        getDeployment: (id) => real.getDeployment(id),
        putDeployment: (r) => real.putDeployment(r),
        recordImage: (e) => real.recordImage(e),
        lineage: (id) => real.lineage(id),
        getBuildSummary: (id) => real.getBuildSummary(id),
        putBuildSummary: (id, summary) => real.putBuildSummary(id, summary),
      },
    };
    expect(await evaluateDeployments(deps)).toEqual([expect.objectContaining({ id: 'gone', status: 'failed', message: expect.stringContaining('`gone` is not registered') })]);
    expect(builds).toEqual([]);
  });
});

describe('sourceFromFilename', () => {
  it('reads the source package from Debian\'s pool layout', () => {
    expect(sourceFromFilename('pool/main/o/openssl/libssl3_3.0.11-1~deb12u2_amd64.deb')).toBe('openssl');
    expect(sourceFromFilename('pool/main/libx/libxml2/libxml2_2.9.14_amd64.deb')).toBe('libxml2');
    expect(sourceFromFilename('dash.deb')).toBeUndefined();
  });
});
