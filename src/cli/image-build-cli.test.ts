/**
 * `tessera image build` end to end: a plan of real bookworm packages (the dash closure, from the
 * resolver on the signed index) fetched from the host's Debian mirror, verified against the
 * index's SHA-256, built into an OCI layout that skopeo accepts with our digest, with SBOMs
 * (CycloneDX, SPDX) listing exactly the plan's packages and a provenance statement beside it; the
 * same plan gives the same digest and the same documents; a package that is not what the index says stops the build with nothing
 * written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAN_FORMAT } from '../app/index.js';
import { hostMirror } from '../image/index.js';
import { resolve } from '../solver/index.js';
import { BOOKWORM, bookwormAvailable, bookwormUniverse } from '../../test/support/bookworm.js';
import { tessera as run } from '../../test/support/cli.js';
import { hasTool } from '../../test/support/tools.js';

const mirror = hostMirror('bookworm');
if (mirror === undefined && process.env.CI === 'true') throw new Error('no bookworm mirror in the host\'s apt sources; under CI the test must not skip');
const ready = bookwormAvailable && mirror !== undefined && hasTool('skopeo');

describe.skipIf(!ready)('tessera image build (real packages from the host\'s mirror)', () => {
  let dir: string;
  let planFile: string;
  const tessera = (dataDir: string, args: string[]) => run(['--data-dir', dataDir, ...args]);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-build-'));
    const universe = await bookwormUniverse();
    const r = resolve(universe, [{ name: 'dash' }]);
    if (!r.ok) throw new Error('dash does not resolve');
    const packages = r.packages.map((p) => ({ name: p.name, version: p.version, architecture: p.architecture, source: p.candidate.source, filename: p.candidate.package.filename, sha256: p.candidate.package.sha256, size: p.candidate.package.size, installedSize: p.candidate.package.installedSize, layer: p.name === 'dash' ? 'security' : 'base', why: { kind: 'app' } }));
    const plan = {
      format: PLAN_FORMAT, app: 'shell', env: 'test', risk: { tier: 'low' }, sources: [{ label: 'bookworm/main', priority: 500, codename: 'bookworm', path: 'main/binary-amd64/Packages', sha256: 'x' }],
      packages, controls: [], rejected: [], upgrades: [],
      files: [{ path: '/etc/nftables.conf', source: 'data/security-controls/profiles/nftables/standard/etc/nftables.conf', mode: '0644', control: 'nftables' }],
      digest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000',
    };
    planFile = join(dir, 'plan.json');
    await writeFile(planFile, JSON.stringify(plan));
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('fetches and verifies the packages, builds an image skopeo reads with our digest, the same twice', async () => {
    const data = join(dir, 'data');
    const first = await tessera(data, ['image', 'build', '--plan', planFile, '-o', join(dir, 'one'), '--archive', join(dir, 'one.tar'), '--mirror', mirror as string, '--no-apt-cache', '--source-date-epoch', '1700000000', '--json']);
    expect(first.code, first.err).toBe(0);
    const result = JSON.parse(first.out) as { digest: string; layers: { name: string }[]; documents: { kind: string; path: string }[]; downloadedBytes: number };
    // Everything came from the mirror: the mirror adapter is what this exercises.
    expect(result.downloadedBytes).toBeGreaterThan(1_000_000);
    expect(result.layers.map((l) => l.name)).toEqual(['base', 'security', 'files']);
    // index.json also lists the SBOM and provenance referrers: the image is chosen by its ref name.
    const inspect = spawnSync('skopeo', ['inspect', `oci:${join(dir, 'one')}:latest`], { encoding: 'utf8' });
    expect(inspect.status, inspect.stderr).toBe(0);
    const seen = JSON.parse(inspect.stdout) as { Digest: string; Labels: Record<string, string>; Created: string };
    expect(seen.Digest).toBe(result.digest);
    expect(seen.Labels).toMatchObject({ 'dev.tessera.risk-tier': 'low', 'org.opencontainers.image.title': 'shell' });
    expect(seen.Created).toBe('2023-11-14T22:13:20Z');
    expect(JSON.parse(spawnSync('skopeo', ['inspect', `oci-archive:${join(dir, 'one.tar')}:latest`], { encoding: 'utf8' }).stdout).Digest).toBe(result.digest);
    // The SBOMs list exactly the plan's packages; the provenance names every .deb.
    const plan = JSON.parse(await readFile(planFile, 'utf8')) as { packages: { name: string; version: string; sha256: string }[] };
    const planned = plan.packages.map((p) => `${p.name} ${p.version}`).sort();
    expect(result.documents.map((d) => [d.kind, d.path])).toEqual([['cyclonedx', join(dir, 'one.cdx.json')], ['spdx', join(dir, 'one.spdx.json')], ['provenance', join(dir, 'one.intoto.json')]]);
    const bom = JSON.parse(await readFile(join(dir, 'one.cdx.json'), 'utf8')) as { components: { name: string; version: string }[] };
    expect(bom.components.map((c) => `${c.name} ${c.version}`).sort()).toEqual(planned);
    const spdx = JSON.parse(await readFile(join(dir, 'one.spdx.json'), 'utf8')) as { packages: { SPDXID: string; name: string; versionInfo: string }[] };
    expect(spdx.packages.filter((p) => p.SPDXID !== 'SPDXRef-Image').map((p) => `${p.name} ${p.versionInfo}`).sort()).toEqual(planned);
    const provenance = JSON.parse(await readFile(join(dir, 'one.intoto.json'), 'utf8')) as { subject: { digest: { sha256: string } }[]; predicate: { buildDefinition: { resolvedDependencies: { digest: { sha256: string } }[] } } };
    expect(provenance.subject[0]!.digest.sha256).toBe(result.digest.slice('sha256:'.length));
    expect(provenance.predicate.buildDefinition.resolvedDependencies.map((d) => d.digest.sha256)).toEqual(expect.arrayContaining(plan.packages.map((p) => p.sha256)));
    // The packages are now in the content-addressed cache: the second build fetches nothing.
    const second = await tessera(data, ['image', 'build', '--plan', planFile, '-o', join(dir, 'two'), '--mirror', 'http://127.0.0.1:9/unused', '--source-date-epoch', '1700000000']);
    expect(second.code, second.err).toBe(0);
    expect(second.out).toContain(`built ${join(dir, 'two')}: ${result.digest}`);
    expect(second.out).toContain('(0.0 MB downloaded), 1 configuration files');
    expect(second.out).toContain(`SBOMs ${join(dir, 'two.cdx.json')} (CycloneDX 1.6), ${join(dir, 'two.spdx.json')} (SPDX 2.3); provenance ${join(dir, 'two.intoto.json')}`);
    for (const suffix of ['.cdx.json', '.spdx.json', '.intoto.json']) expect(await readFile(join(dir, `two${suffix}`), 'utf8')).toBe(await readFile(join(dir, `one${suffix}`), 'utf8'));
  }, 180_000);

  it('stops at a package that is not what the signed index says, and writes nothing', async () => {
    const fakes = join(dir, 'fakes');
    await mkdir(fakes, { recursive: true });
    const plan = JSON.parse(await readFile(planFile, 'utf8')) as { packages: { filename: string; name: string }[] };
    const dash = plan.packages.find((p) => p.name === 'dash')!;
    await writeFile(join(fakes, dash.filename.split('/').pop()!), 'not the package the index lists');
    const out = join(dir, 'bad');
    const r = await tessera(join(dir, 'fresh-data'), ['image', 'build', '--plan', planFile, '-o', out, '--debs', fakes, '--mirror', mirror as string, '--json']);
    expect(r.code).toBe(1);
    const diagnostics = (JSON.parse(r.err) as { diagnostics: { code: string; message: string }[] }).diagnostics;
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'image/index-mismatch', message: expect.stringMatching(/^dash \S+: got 31 bytes with SHA-256 [0-9a-f]{64}; the signed index says \d+ bytes/) })]);
    expect(existsSync(out)).toBe(false);
  }, 180_000);
});

/**
 * `tessera image build --app FILE --env FILE`: the plan made as `tessera image plan` makes it (the
 * same plan digest on the image's label), then built; an app with mawk gets the awk alternative
 * without running its postinst. Exactly one of --plan or --app with --env, else a usage error and
 * nothing written.
 */
describe.skipIf(!ready)('tessera image build --app --env (plans, then builds)', () => {
  let dir: string;
  let data: string;
  let app: string;
  let env: string;
  const tessera = (args: string[]) => run(['--data-dir', data, ...args]);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-build-app-'));
    data = join(dir, 'data');
    const imported = await tessera(['catalog', 'import', '--index', BOOKWORM.index as string, '--release', BOOKWORM.inRelease as string, '--keyring', BOOKWORM.keyring as string]);
    if (imported.code !== 0) throw new Error(imported.err);
    app = join(dir, 'app.yaml');
    env = join(dir, 'env.yaml');
    await writeFile(app, 'name: awk-report\nfunction: reports from log files with awk\ndata:\n  classes: [internal]\n  sensitivity: internal\nusers:\n  base: internal\n  size: 5\ncriticality: low\npackages:\n  - mawk\n');
    await writeFile(env, await readFile(join(import.meta.dirname, '..', '..', 'examples', 'internal-reporting', 'env.yaml'), 'utf8'));
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('plans as `image plan` does, then builds that plan', async () => {
    const planned = await tessera(['image', 'plan', '--app', app, '--env', env, '--no-feeds', '--json']);
    expect(planned.code, planned.err).toBe(0);
    const plan = JSON.parse(planned.out) as { digest: string; packages: { name: string }[] };
    const out = join(dir, 'one');
    const built = await tessera(['image', 'build', '--app', app, '--env', env, '--no-feeds', '-o', out, '--mirror', mirror as string, '--source-date-epoch', '1700000000', '--json']);
    expect(built.code, built.err).toBe(0);
    const result = JSON.parse(built.out) as { digest: string; layers: { name: string; digest: string }[]; warnings: unknown[] };
    expect(result.layers.map((l) => l.name)).toEqual(['base', 'files']);
    const inspect = spawnSync('skopeo', ['inspect', `oci:${out}:latest`], { encoding: 'utf8' });
    expect(inspect.status, inspect.stderr).toBe(0);
    const seen = JSON.parse(inspect.stdout) as { Digest: string; Labels: Record<string, string> };
    expect(seen.Digest).toBe(result.digest);
    expect(seen.Labels['dev.tessera.plan-digest']).toBe(plan.digest);
    const bom = JSON.parse(await readFile(`${out}.cdx.json`, 'utf8')) as { components: { name: string }[] };
    expect(bom.components.map((c) => c.name).sort()).toEqual(plan.packages.map((p) => p.name).sort());
    // The declarative layer links awk to mawk through /etc/alternatives, as mawk's postinst would.
    const files = result.layers[1]!.digest.slice('sha256:'.length);
    const listing = spawnSync('tar', ['-tvzf', join(out, 'blobs', 'sha256', files)], { encoding: 'utf8' }).stdout;
    expect(listing).toMatch(/ usr\/bin\/awk -> \/etc\/alternatives\/awk\n/);
    expect(listing).toMatch(/ etc\/alternatives\/awk -> \/usr\/bin\/mawk\n/);
  }, 240_000);

  it('builds on the image just built with --base: its layers first, its packages not laid again', async () => {
    const base = join(dir, 'one');
    if (!existsSync(base)) return; // the test above failed
    const baseLayers = (JSON.parse(spawnSync('skopeo', ['inspect', `oci:${base}:latest`], { encoding: 'utf8' }).stdout) as { Layers: string[] }).Layers;
    const out = join(dir, 'on-base');
    const built = await tessera(['image', 'build', '--app', app, '--env', env, '--no-feeds', '--base', base, '-o', out, '--mirror', mirror as string, '--source-date-epoch', '1700000000']);
    expect(built.code, built.err).toBe(0);
    expect(built.out).toMatch(new RegExp(`on ${base} \\(sha256:[0-9a-f]{12}\\): 2 layers first, unchanged; \\d+ of the plan's packages already there`));
    const inspect = spawnSync('skopeo', ['inspect', `oci:${out}:latest`], { encoding: 'utf8' });
    expect(inspect.status, inspect.stderr).toBe(0);
    const layers = (JSON.parse(inspect.stdout) as { Layers: string[] }).Layers;
    // Every package was in the base: only a new declarative layer goes on top.
    expect(layers.slice(0, baseLayers.length)).toEqual(baseLayers);
    expect(layers).toHaveLength(baseLayers.length + 1);
    const bad = await tessera(['image', 'build', '--app', app, '--env', env, '--no-feeds', '--base', join(dir, 'no-such-layout'), '-o', join(dir, 'bad'), '--mirror', mirror as string, '--json']);
    expect(bad.code).toBe(1);
    expect((JSON.parse(bad.err) as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code)).toEqual(['image/bad-base']);
    expect(existsSync(join(dir, 'bad'))).toBe(false);
  }, 240_000);

  it('takes exactly one of --plan or --app with --env, and writes nothing otherwise', async () => {
    const out = join(dir, 'none');
    const plan = join(dir, 'plan.json');
    await writeFile(plan, '{}');
    const cases: [string[], RegExp][] = [
      [['--plan', plan, '--app', app, '--env', env], /either --plan or --app with --env, not both/],
      [['--app', app], /--app needs --env/],
      [['--env', env], /--env needs --app/],
      [[], /give --plan FILE, or --app FILE and --env FILE/],
      [['--app', app, '--env', env, '--base-ref', 'latest'], /--base-ref chooses an image of --base/],
    ];
    for (const [args, message] of cases) {
      const r = await tessera(['image', 'build', ...args, '-o', out]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
    expect(existsSync(out)).toBe(false);
  });
});
