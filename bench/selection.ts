/**
 * `npm run bench -- selection`: planning an image over the full bookworm main index (63,440
 * packages) and the whole security-control catalog, for the two example deployments: the
 * internal reporting app (minimal tier) and the public payment API (critical tier, with the
 * example PCI-style image policy). One plan is the whole pipeline after the risk profile:
 * resolving the app, resolving each offered control beside it, the HiGHS program, the final
 * resolution and the report. HiGHS is warmed up first (its WebAssembly loads once per process).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadControlCatalog, loadPackageFacts, planImage, type ImagePlan } from '../src/app/index.js';
import { readPackagesIndex, readVerifiedRelease } from '../src/archive/index.js';
import { PackageUniverse } from '../src/catalog/index.js';
import { parseKev } from '../src/intel/index.js';
import { assessRisk, checkApp, checkEnv, checkVulnerabilities, type RiskProfile, type AppProfile } from '../src/risk/index.js';
import { checkSelectionPolicy, type SelectionPolicy } from '../src/solver/index.js';
import { median } from './lib/measure.js';
import { ROOT } from './lib/root.js';
import type { BenchOptions, BenchResult } from './lib/types.js';
import { target } from './lib/types.js';

const SHARED = process.env.TESSERA_SHARED_DATA ?? join(ROOT, '..', 'shared', 'data');

async function yaml(path: string): Promise<unknown> {
  return parseYaml(await readFile(path, 'utf8'));
}

function must<T>(r: { ok: true; value: T } | { ok: false; diagnostics: readonly { message: string }[] }, what: string): T {
  if (!r.ok) throw new Error(`${what}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return r.value;
}

async function deployment(name: string, withThreats: boolean): Promise<{ app: AppProfile; profile: RiskProfile }> {
  const app = must(checkApp(await yaml(join(ROOT, 'examples', name, 'app.yaml'))), 'app');
  const env = must(checkEnv(await yaml(join(ROOT, 'examples', name, 'env.yaml'))), 'env');
  if (!withThreats) return { app, profile: assessRisk({ app, env }).profile };
  const vulnerabilities = must(checkVulnerabilities(await yaml(join(ROOT, 'examples', 'vulnerabilities.json'))), 'vulnerabilities');
  const kev = must(parseKev(await readFile(join(SHARED, 'intel', 'kev-known_exploited_vulnerabilities.json'), 'utf8')), 'kev');
  return { app, profile: assessRisk({ app, env, vulnerabilities, intel: { kev } }).profile };
}

export async function run(options: BenchOptions = {}): Promise<BenchResult> {
  const log = options.log ?? (() => undefined);
  const runs = options.quick === true ? 3 : 21;
  const debian = join(SHARED, 'debian');
  const { release } = await readVerifiedRelease(join(debian, 'bookworm', 'InRelease'), join(debian, 'debian-archive-keyring.gpg'));
  const read = await readPackagesIndex(join(debian, 'bookworm', 'main-binary-amd64-Packages.xz'), release, 'main/binary-amd64/Packages');
  const universe = new PackageUniverse([{ name: 'bookworm/main', priority: 500, packages: read.packages }]);
  const sources = [{ label: 'bookworm/main', priority: 500, codename: 'bookworm', path: 'main/binary-amd64/Packages', sha256: read.sha256 }];
  const controls = must(await loadControlCatalog(join(ROOT, 'data', 'security-controls')), 'controls').catalog;
  const policy: SelectionPolicy = must(checkSelectionPolicy(await yaml(join(ROOT, 'examples', 'image-policy.yaml'))), 'policy');

  const cases = [
    { label: 'internal reporting app', ...(await deployment('internal-reporting', false)), policy: {} },
    { label: 'public payment API, with the image policy', ...(await deployment('public-payments', true)), policy },
  ];
  // Setuid files priced as `tessera image plan` prices them (the shipped facts file).
  const facts = await loadPackageFacts(join(ROOT, 'data', 'package-facts', 'bookworm-amd64.json'));
  if (!facts.ok) throw new Error(`package facts: ${facts.problems.join('; ')}`);
  const rows: string[][] = [];
  const metrics: Record<string, number> = {};
  let worstMedian = 0;
  for (const [i, c] of cases.entries()) {
    const times: number[] = [];
    const solver: number[] = [];
    let last: ImagePlan | undefined;
    for (let k = 0; k < runs + 3; k++) {
      const t = performance.now();
      const r = await planImage({ app: c.app, profile: c.profile, universe, sources, controls, profilesDir: 'data/security-controls/profiles', policy: c.policy, packageFacts: facts.facts });
      const ms = performance.now() - t;
      if (!r.ok) throw new Error(`${c.label}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
      if (k >= 3) {
        times.push(ms);
        solver.push(r.plan.solver.milliseconds);
      }
      if (last !== undefined && last.digest !== r.plan.digest) throw new Error(`${c.label}: the plan changed between runs`);
      last = r.plan;
    }
    const p = last!;
    worstMedian = Math.max(worstMedian, median(times));
    log(`selection: ${c.label}: ${median(times).toFixed(0)} ms (HiGHS ${median(solver).toFixed(0)} ms)`);
    rows.push([`${c.label} — tier ${p.risk.tier}`, `${median(times).toFixed(0)} ms`, `${median(solver).toFixed(0)} ms`, p.controls.map((k) => k.id).join(', ') || 'none', `${p.totals.packages} packages, ${(p.totals.installedKiB / 1024).toFixed(1)} MiB`]);
    Object.assign(metrics, { [`case${i}MedianMs`]: median(times), [`case${i}SolverMs`]: median(solver), [`case${i}Controls`]: p.controls.length, [`case${i}InstalledKiB`]: p.totals.installedKiB, [`case${i}Packages`]: p.totals.packages });
  }
  return {
    name: 'selection',
    title: `component selection over bookworm main and the ${controls.controls.length}-control catalog`,
    table: { columns: ['deployment', 'plan (median)', 'of which HiGHS', 'controls chosen', 'image'], rows },
    metrics,
    targets: [target('selection over the full catalog, median of the slower case', worstMedian, '<=', 300, 'ms')],
    notes: [`${runs} plans per case after 3 warm-up plans (HiGHS's WebAssembly and the resolver's relation memo load once per process). Each plan resolves the app and every offered control beside it, solves the program, resolves the result and writes the report.`],
  };
}
