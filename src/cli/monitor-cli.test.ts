/**
 * The adaptation loop end to end (issue 8 acceptance): a registered deployment gets its first
 * image from the real builder (real bookworm .debs from the host's mirror, verified against the
 * signed index); a KEV feed naming a CVE that the imported Debian tracker maps to one of the
 * image's packages, with a fixed version, makes the loop rebuild: a new digest, lineage with the
 * CVE as the reason, an event (also POSTed to a real local webhook), an audit record by
 * system/monitor. Skips where the image build test skips (no bookworm data or no mirror).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostMirror } from '../image/index.js';
import { openSqliteControlPlane } from '../store/index.js';
import { BOOKWORM, bookwormAvailable } from '../../test/support/bookworm.js';
import { tessera as run } from '../../test/support/cli.js';

const mirror = hostMirror('bookworm');
if (mirror === undefined && process.env.CI === 'true') throw new Error('no bookworm mirror in the host\'s apt sources; under CI the test must not skip');
if (mirror === undefined) console.warn('skipping: no bookworm mirror in the host\'s apt sources, so no image can be built');
const ready = bookwormAvailable && mirror !== undefined;

const CVE = 'CVE-2024-58001';
// dash 0.5.12-2 is bookworm's; the tracker says Debian fixed this in a later upload.
const tracker = {
  dash: {
    [CVE]: {
      description: 'dash: a crafted script makes the parser write past a buffer (test data)',
      scope: 'local',
      releases: { bookworm: { status: 'resolved', repositories: { bookworm: '0.5.12-2' }, fixed_version: '0.5.12-2+deb12u1', urgency: 'high' } },
    },
  },
};
const kev = {
  title: 'CISA Catalog of Known Exploited Vulnerabilities',
  catalogVersion: '2026.11.23',
  dateReleased: '2026-11-23T09:00:00.000Z',
  count: 1,
  vulnerabilities: [{
    cveID: CVE, vendorProject: 'Debian', product: 'dash', vulnerabilityName: 'dash Out-of-Bounds Write Vulnerability', dateAdded: '2026-11-23',
    shortDescription: 'dash contains an out-of-bounds write in its parser.', requiredAction: 'Apply mitigations per vendor instructions or discontinue use of the product if mitigations are unavailable.',
    dueDate: '2026-12-14', knownRansomwareCampaignUse: 'Unknown', notes: 'https://security-tracker.debian.org/tracker/' + CVE, cwes: ['CWE-787'],
  }],
};
const app = 'name: shell-runner\nfunction: runs maintenance scripts\ndata:\n  classes: [operational]\n  sensitivity: internal\nusers:\n  base: internal\n  size: 10\ncriticality: low\npackages:\n  - dash\n';
const env = 'name: ops-subnet\nexposure: internal\nnetworkControls: { waf: false, segmentation: true, egressFiltering: true }\naccessControls: { mfa: true, sso: true, privilegedAccessManagement: false }\nregion: eu-central-1\ncountry: DE\ncompliance: []\n';

interface Outcome { id: string; status: string; from?: string | null; to?: string; reasons?: { kind: string; cve?: string; package?: string }[]; notices?: unknown[] }

describe.skipIf(!ready)('tessera monitor: rebuild on a new KEV entry (real builder, real packages)', () => {
  let dir: string;
  let data: string;
  let hook: Server;
  const received: { type: string; deploymentId: string; detail: { reasons: { cve?: string }[] } }[] = [];
  const tessera = (args: string[]) => run(['--data-dir', data, ...args], { env: { USER: 'tester' } });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-monitor-'));
    data = join(dir, 'data');
    hook = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString('utf8')));
      req.on('end', () => {
        received.push(JSON.parse(text) as (typeof received)[number]);
        res.end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const imported = await tessera(['catalog', 'import', '--index', BOOKWORM.index as string, '--release', BOOKWORM.inRelease as string, '--keyring', BOOKWORM.keyring as string]);
    expect(imported.code, imported.err).toBe(0);
    await writeFile(join(data, 'monitor.json'), JSON.stringify({ mirror, aptCache: false, sourceDateEpoch: 1700000000, webhook: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/events` }));
    await writeFile(join(dir, 'app.yaml'), app);
    await writeFile(join(dir, 'env.yaml'), env);
    await writeFile(join(dir, 'tracker.json'), JSON.stringify(tracker));
    await writeFile(join(dir, 'kev.json'), JSON.stringify(kev));
  }, 300_000);
  afterAll(async () => {
    await new Promise((r) => hook?.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('builds the first image, then rebuilds when the image\'s package enters KEV with a fix', async () => {
    const registered = await tessera(['monitor', 'register', '--id', 'shell', '--app', join(dir, 'app.yaml'), '--env', join(dir, 'env.yaml')]);
    expect(registered.code, registered.err).toBe(0);
    expect((await tessera(['intel', 'import', 'debian-tracker', join(dir, 'tracker.json')])).code).toBe(0);

    const first = await tessera(['monitor', 'run-once', '--json']);
    expect(first.code, first.err).toBe(0);
    const initial = (JSON.parse(first.out) as { outcomes: Outcome[] }).outcomes;
    expect(initial).toEqual([expect.objectContaining({ id: 'shell', status: 'rebuilt', from: null, reasons: [expect.objectContaining({ kind: 'initial' })] })]);
    const oldDigest = initial[0]!.to as string;
    expect(oldDigest).toMatch(/^sha256:[0-9a-f]{64}$/);

    // Nothing new: nothing to do (the tracker's CVE was known when the image was built).
    const again = JSON.parse((await tessera(['monitor', 'run-once', '--json'])).out) as { outcomes: Outcome[] };
    expect(again.outcomes).toEqual([expect.objectContaining({ status: 'unchanged', reasons: [] })]);

    expect((await tessera(['intel', 'import', 'kev', join(dir, 'kev.json')])).code).toBe(0);
    const dry = await tessera(['monitor', 'run-once', '--dry-run']);
    expect(dry.code, dry.err).toBe(0);
    expect(dry.out).toContain(`shell: would rebuild`);
    expect(dry.out).toContain(`because kev: ${CVE} in dash 0.5.12-2 is in CISA KEV; fixed in 0.5.12-2+deb12u1`);

    const second = await tessera(['monitor', 'run-once', '--json']);
    expect(second.code, second.err).toBe(0);
    const result = JSON.parse(second.out) as { outcomes: Outcome[]; events: { seq: number; type: string; deploymentId: string }[] };
    const rebuilt = result.outcomes[0]!;
    expect(rebuilt).toMatchObject({ id: 'shell', status: 'rebuilt', from: oldDigest });
    expect(rebuilt.to).not.toBe(oldDigest);
    expect(rebuilt.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'kev', cve: CVE, package: 'dash' })]));
    // Events are stored, so their seq runs on from the first run's build (event 1).
    expect(result.events).toEqual([expect.objectContaining({ seq: 2, type: 'deployment.rebuilt', deploymentId: 'shell' })]);

    // The store: lineage old → new with the CVE as the reason, the deployment moved, the audit record.
    const store = await openSqliteControlPlane(join(data, 'tessera.db'));
    try {
      const lineage = await store.deployments.lineage('shell');
      expect(lineage.map((l) => [l.fromDigest, l.toDigest])).toEqual([[null, oldDigest], [oldDigest, rebuilt.to]]);
      expect(lineage[1]!.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'kev', cve: CVE, package: 'dash', from: '0.5.12-2', to: '0.5.12-2+deb12u1' })]));
      expect((await store.deployments.getDeployment('shell'))?.imageDigest).toBe(rebuilt.to);
      const audit = await store.audit.read(0, 100);
      const rebuilds = audit.filter((r) => r.actor === 'system/monitor');
      expect(rebuilds.map((r) => [r.action, r.resource, r.outcome])).toEqual([['tessera:RebuildImage', 'trn:tessera:deployment/shell', 'changed'], ['tessera:RebuildImage', 'trn:tessera:deployment/shell', 'changed']]);
      expect(rebuilds[1]!.detail).toMatchObject({ from: oldDigest, to: rebuilt.to, reasons: expect.arrayContaining([expect.objectContaining({ cve: CVE })]) });
    } finally {
      await store.close();
    }
    // The webhook got both rebuild events (delivered before run-once returned).
    expect(received.map((e) => [e.type, e.deploymentId])).toEqual([['deployment.rebuilt', 'shell'], ['deployment.rebuilt', 'shell']]);
    expect(received[1]!.detail.reasons.map((r) => r.cve)).toContain(CVE);

    // Settled: the KEV is now part of what the image was built from.
    const third = JSON.parse((await tessera(['monitor', 'run-once', '--json'])).out) as { outcomes: Outcome[] };
    expect(third.outcomes[0]).toMatchObject({ status: 'unchanged' });
  }, 600_000);
});
