/**
 * The adaptation loop with the real builder: a plan of real bookworm packages (the dash closure,
 * resolved on the signed index; the planner itself is not under test, so it returns that plan)
 * fetched from the host's mirror and built by `buildPlannedImage`. The image row the loop stores
 * must describe the image skopeo reads: the same manifest digest, the manifest's layers with their
 * sizes, and the SBOM/provenance referrers the layout's index lists. Skips (with a reason) without
 * the bookworm data, a mirror in the host's apt sources or skopeo; fails under CI.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostMirror } from '../image/index.js';
import { EventBus } from '../monitor/index.js';
import { resolve } from '../solver/index.js';
import { openSqliteControlPlane, type ControlPlaneStore } from '../store/index.js';
import { bookwormAvailable, bookwormUniverse } from '../../test/support/bookworm.js';
import { hasTool } from '../../test/support/tools.js';
import { evaluateDeployments } from './adapt.js';
import { buildPlannedImage } from './adapt-build.js';
import { MemorySummaryStore } from './adapt-summaries.js';
import { PLAN_FORMAT, type ImagePlan } from './plan.js';

const mirror = hostMirror('bookworm');
const missing = [!bookwormAvailable && 'the bookworm index (TESSERA_SHARED_DATA) or gpgv', mirror === undefined && 'a bookworm mirror in the host\'s apt sources', !hasTool('skopeo') && 'skopeo'].filter((x): x is string => typeof x === 'string');
if (missing.length > 0 && process.env.CI === 'true') throw new Error(`missing ${missing.join(', ')}; under CI the test must not skip`);
if (missing.length > 0) console.warn(`skipping: missing ${missing.join(', ')}, so no image can be built`);

const REPO = join(import.meta.dirname, '..', '..');
const app = { name: 'shell', function: 'scripts', data: { classes: ['operational'], sensitivity: 'internal' }, users: { base: 'internal', size: 10 }, criticality: 'low', packages: ['dash'] };
const env = { name: 'ops', exposure: 'internal', networkControls: { waf: false, segmentation: true, egressFiltering: true }, accessControls: { mfa: true, sso: true, privilegedAccessManagement: false }, region: 'eu-central-1', country: 'DE', compliance: [] };

describe.skipIf(missing.length > 0)('the loop stores the image the real builder made', () => {
  let dir: string;
  let store: ControlPlaneStore;
  let plan: ImagePlan;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-adapt-build-'));
    store = await openSqliteControlPlane(join(dir, 'tessera.db'));
    const r = resolve(await bookwormUniverse(), [{ name: 'dash' }]);
    if (!r.ok) throw new Error('dash does not resolve');
    const packages = r.packages.map((p) => ({ name: p.name, version: p.version, architecture: p.architecture, source: p.candidate.source, filename: p.candidate.package.filename, sha256: p.candidate.package.sha256, size: p.candidate.package.size, installedSize: p.candidate.package.installedSize, layer: p.name === 'dash' ? 'security' : 'base', why: { kind: 'app' } }));
    plan = {
      format: PLAN_FORMAT, app: 'shell', env: 'ops', risk: { tier: 'minimal', intel: { kev: null, epss: null } }, sources: [{ label: 'bookworm/main', priority: 500, codename: 'bookworm', path: 'main/binary-amd64/Packages', sha256: 'x' }],
      policy: {}, packages, controls: [], rejected: [], upgrades: [], files: [],
      digest: `sha256:${'1'.repeat(64)}`,
    } as unknown as ImagePlan;
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('records the plan and an image row equal to the built manifest', async () => {
    await store.deployments.putDeployment({ id: 'shell', app, environment: env, imageDigest: null, planDigest: null, riskTier: null, updatedAt: '2026-11-23T10:00:00Z' });
    const outputs: string[] = [];
    const [outcome] = await evaluateDeployments({
      deployments: store.deployments,
      audit: store.audit,
      summaries: new MemorySummaryStore(),
      artifacts: store.artifacts,
      intel: async () => ({}),
      plan: async () => ({ ok: true, plan }),
      build: async (p, id) => {
        const built = await buildPlannedImage(p, id, { dataDir: dir, repoDir: REPO, sources: [{ kind: 'mirror', url: mirror as string }], sourceDateEpoch: 1_700_000_000, toolVersion: 'test' });
        outputs.push(built.output);
        return built;
      },
      events: new EventBus(),
      now: () => new Date('2026-11-23T10:00:00Z'),
      release: 'bookworm',
    });
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ status: 'rebuilt' });
    const layout = outputs[0] as string;
    const to = outcome !== undefined && 'to' in outcome ? outcome.to : '';

    // skopeo is the oracle for what was built.
    const inspect = spawnSync('skopeo', ['inspect', '--raw', `oci:${layout}:latest`], { encoding: 'utf8' });
    expect(inspect.status, inspect.stderr).toBe(0);
    const manifest = JSON.parse(inspect.stdout) as { layers: { digest: string; size: number }[] };
    const digest = JSON.parse(spawnSync('skopeo', ['inspect', `oci:${layout}:latest`], { encoding: 'utf8' }).stdout) as { Digest: string };
    expect(digest.Digest).toBe(to);

    const image = await store.artifacts.getImage(to);
    expect(image).toBeDefined();
    expect(image?.planDigest).toBe(plan.digest);
    expect(image?.layers).toEqual(manifest.layers.map((l) => ({ digest: l.digest, size: l.size })));
    expect(image?.totalSize).toBe(manifest.layers.reduce((sum, l) => sum + l.size, 0));
    expect(image?.documents.map((d) => d.kind)).toEqual(['cyclonedx', 'spdx', 'provenance']);
    const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    for (const d of image?.documents ?? []) expect(index.manifests.map((m) => m.digest)).toContain(d.referrer);
    expect(await store.artifacts.getPlan(plan.digest)).toMatchObject({ deploymentId: 'shell', riskProfileSeq: 1, plan: { packages: expect.arrayContaining([expect.objectContaining({ name: 'dash' })]) } });
  }, 300_000);
});
