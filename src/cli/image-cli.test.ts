/**
 * `tessera image plan` end to end on the real bookworm index and the repository's control
 * catalog: the seed's example (the same kind of app gets a minimal image at low risk and a
 * hardened one when public-facing and at high risk), determinism, the policy, and a policy that
 * cannot be met (diagnostics, nothing written).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImagePlan } from '../app/index.js';
import { bookwormUniverse, BOOKWORM, bookwormAvailable } from '../../test/support/bookworm.js';
import { tessera as run } from '../../test/support/cli.js';
import { installSetProblems } from '../../test/support/install-set-checker.js';
import { sharedData } from '../../test/support/shared-data.js';

const kev = sharedData(join('intel', 'kev-known_exploited_vulnerabilities.json'));
const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');
const deployment = (name: string) => ['--app', join(EXAMPLES, name, 'app.yaml'), '--env', join(EXAMPLES, name, 'env.yaml')];

describe.skipIf(!bookwormAvailable || kev === undefined)('tessera image plan (real index, real control catalog)', () => {
  let dir: string;
  const tessera = (args: string[]) => run(['--data-dir', dir, ...args]);
  const plan = async (args: string[]) => {
    const r = await tessera(['image', 'plan', ...args, '--json']);
    if (r.code !== 0) throw new Error(r.err);
    return JSON.parse(r.out) as ImagePlan;
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-plan-'));
    const imported = await tessera(['catalog', 'import', '--index', BOOKWORM.index as string, '--release', BOOKWORM.inRelease as string, '--keyring', BOOKWORM.keyring as string]);
    if (imported.code !== 0) throw new Error(imported.err);
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the low-risk app its dependencies and essentials only, and the public high-risk one layered defenses', async () => {
    const low = await plan([...deployment('internal-reporting'), '--no-feeds']);
    expect(low.risk.tier).toBe('minimal');
    expect(low.controls).toEqual([]);
    expect(new Set(low.packages.map((p) => p.why.kind))).toEqual(new Set(['app', 'essential', 'dependency']));
    // The catalog offers no control at the minimal tier; each says so.
    expect(low.rejected.length).toBeGreaterThan(25);
    expect(low.rejected.every((r) => r.reason === 'not-offered' && r.detail.endsWith('not at minimal'))).toBe(true);

    const high = await plan([...deployment('public-payments'), '--vulns', join(EXAMPLES, 'vulnerabilities.json'), '--kev', kev as string, '--no-feeds']);
    expect(high.risk.tier).toBe('critical');
    // By cost-benefit alone (plus the catalog's mandatory controls at this tier):
    expect(new Set(high.controls.map((c) => c.category))).toEqual(new Set(['firewall', 'intrusion-response', 'file-integrity', 'audit', 'mac', 'patching']));
    const securityKiB = high.packages.filter((p) => p.layer === 'security').reduce((n, p) => n + p.installedSize, 0);
    expect(high.totals.installedKiB).toBe(high.packages.reduce((n, p) => n + p.installedSize, 0));
    expect(securityKiB).toBeGreaterThan(10 * 1024);
    expect(high.totals.installedKiB).toBeGreaterThan(low.totals.installedKiB);
    // Every chosen control says what it buys; the profile files exist in the repository.
    for (const c of high.controls) expect(Object.values(c.benefit).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    for (const f of high.files) expect(existsSync(join(EXAMPLES, '..', f.source)), f.source).toBe(true);
    expect(high.upgrades.find((u) => u.name === 'openssh-server')).toMatchObject({ deployed: '1:9.2p1-2+deb12u2', fixes: ['CVE-2024-6387'] });

    // The plan is an install set: the independent checker finds nothing wrong.
    const universe = await bookwormUniverse();
    const chosen = high.packages.map((p) => universe.candidates(p.name).find((c) => c.package.version === p.version)!.package);
    expect(installSetProblems(chosen)).toEqual([]);
  }, 120_000);

  it('follows the policy, is the same plan every time, and writes it only whole', async () => {
    const args = [...deployment('public-payments'), '--vulns', join(EXAMPLES, 'vulnerabilities.json'), '--kev', kev as string, '--no-feeds', '--policy', join(EXAMPLES, 'image-policy.yaml')];
    const out = join(dir, 'plan.json');
    const first = await tessera(['image', 'plan', ...args, '-o', out]);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^public-payments on prod-us-east: tier CRITICAL \(risk [\d.]+\); plan sha256:[0-9a-f]{64}$/m);
    expect(first.out).toContain(`plan written to ${out}`);
    const written = JSON.parse(await readFile(out, 'utf8')) as ImagePlan;
    expect(written.controls.map((c) => c.category)).toEqual(expect.arrayContaining(['firewall', 'malware-scan', 'audit', 'file-integrity', 'intrusion-response', 'mac']));
    expect(written.rejected.find((r) => r.id === 'crowdsec')).toMatchObject({ reason: 'prohibited' });
    expect(written.packages.every((p) => p.source === 'bookworm/main' && /^[0-9a-f]{64}$/.test(p.sha256))).toBe(true);
    const again = await plan(args);
    expect(again.digest).toBe(written.digest);

    const impossible = join(dir, 'impossible.yaml');
    await writeFile(impossible, 'required: [crowdsec]\nprohibited: ["crowdsec*"]\nmaxImageMiB: 1000\n');
    const nothing = join(dir, 'nothing.json');
    const r = await tessera(['image', 'plan', ...deployment('public-payments'), '--no-feeds', '--policy', impossible, '-o', nothing]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('tessera: the policy cannot be met: 2 of its rules clash');
    expect(r.err).toContain('  - policy: crowdsec is required');
    expect(r.err).toContain('no plan written');
    expect(existsSync(nothing)).toBe(false);

    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'maxImageMiB: -5\nforbidden: [x]\n');
    const rb = await tessera(['image', 'plan', ...deployment('public-payments'), '--no-feeds', '--policy', bad, '--json']);
    expect(rb.code).toBe(1);
    expect((JSON.parse(rb.err) as { diagnostics: { path: string }[] }).diagnostics.map((d) => d.path).sort()).toEqual(['$.forbidden', '$.maxImageMiB']);
  }, 120_000);
});
