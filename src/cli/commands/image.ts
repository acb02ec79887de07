/**
 * `tessera image plan`: risk profile → component selection → a plan file the image builder
 * consumes, with every reason. Nothing is written unless the whole plan is made.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { buildFromPlan, CONTROLS_DIR, defaultPackageFactsFile, loadControlCatalog, loadPackageFacts, PLAN_FORMAT, planImage, type ImagePlan } from '../../app/index.js';
import { APT_ARCHIVES, documentPaths, hostMirror, type DebSource } from '../../image/index.js';
import { DEBIAN_RELEASES } from '../../risk/index.js';
import { checkSelectionPolicy, type SelectionPolicy } from '../../solver/index.js';
import { UsageError } from '../errors.js';
import { collect, failWith, readText, writeFileAtomically } from '../inputs.js';
import { formatClashDiagnostics } from '../format-diagnostics.js';
import type { CliIO } from '../io.js';
import { loadCatalog } from './catalog.js';
import { formatIntelDiagnostics } from './intel.js';
import { assessDeployment } from './risk.js';

/** The repository root, for repository-relative profile paths in the plan. */
const REPO = join(import.meta.dirname, '..', '..', '..');


interface PlanOptions { app: string; env: string; vulns?: string; kev?: string; epss?: string; feeds: boolean; release: string; policy?: string; controls: string; facts?: string; output?: string; json?: boolean }

/** Seconds since 1970, as reproducible builds give SOURCE_DATE_EPOCH. */
function epochOption(value: string): number {
  if (!/^[0-9]{1,12}$/.test(value)) throw new UsageError(`--source-date-epoch expects seconds since 1970, got \`${value}\``);
  return Number(value);
}

const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;

export function formatPlan(plan: ImagePlan): string {
  const out: string[] = [];
  out.push(`${plan.app} on ${plan.env}: tier ${plan.risk.tier.toUpperCase()} (risk ${plan.risk.score}); plan ${plan.digest}`);
  out.push(`${plan.totals.packages} packages, ${mib(plan.totals.installedKiB)} installed (${plan.totals.basePackages} for the app and essentials, ${plan.totals.securityPackages} for security controls)`);
  out.push('', plan.controls.length === 0 ? 'security controls: none worth their cost at this tier' : 'security controls:');
  for (const c of plan.controls) {
    const gains = Object.entries(c.benefit).map(([t, v]) => `${t} +${v}`).join(', ');
    out.push(`  ${c.id.padEnd(20)} ${c.category.padEnd(18)} ${gains || 'no threat weight'}; cost ${c.cost} (${c.addedPackages} packages, ${mib(c.addedKiB)}${(c.setuidFiles?.length ?? 0) > 0 ? `, setuid/setgid: ${c.setuidFiles!.map((f) => f.split(' ')[0]).join(' ')}` : ''})${c.requiredBy !== undefined ? `; ${c.requiredBy}` : ''}${c.profile !== undefined ? `; profile ${c.profile.name}` : ''}`);
  }
  out.push('', 'left out:');
  for (const r of plan.rejected) out.push(`  ${r.id.padEnd(20)} ${r.reason.padEnd(18)} ${r.detail}`);
  if (plan.upgrades.length > 0) {
    out.push('', 'app packages upgraded from the deployed version:');
    for (const u of plan.upgrades) out.push(`  ${u.name} ${u.deployed} → ${u.planned}${u.fixes.length > 0 ? ` (fixes ${u.fixes.join(', ')})` : ''}`);
  }
  if (plan.files.length > 0) out.push('', `configuration files: ${plan.files.length} (${[...new Set(plan.files.map((f) => f.control))].join(', ')})`);
  for (const n of plan.notes ?? []) out.push('', `note: ${n.message}`, `  help: ${n.help}`);
  out.push('', `objective: benefit ${plan.objective.benefit} − cost ${plan.objective.cost}; solved with ${plan.solver.variables} variables and ${plan.solver.constraints} constraints in ${plan.solver.milliseconds} ms`);
  return out.join('\n') + '\n';
}

export function registerImage(program: Command, io: CliIO): void {
  const image = program.command('image').description('risk-driven OS images: plan the components, build the OCI image');
  /** `image plan`'s work, shared with `image build --app --env`: the plan, or a failure printed and thrown. */
  const makePlan = async (opts: Omit<PlanOptions, 'output' | 'json'>, json: boolean): Promise<ImagePlan> => {
    if (DEBIAN_RELEASES[opts.release] === undefined) throw new UsageError(`unknown Debian release \`${opts.release}\``);
    let policy: SelectionPolicy = {};
    if (opts.policy !== undefined) {
      let value: unknown;
      try {
        value = parseYaml(await readText(io, opts.policy, 'policy'), { maxAliasCount: 100 });
      } catch (e) {
        throw new UsageError(`${opts.policy}: not YAML or JSON: ${(e as Error).message.split('\n')[0]}`);
      }
      const checked = checkSelectionPolicy(value);
      if (!checked.ok) failWith(io, json, 'the policy has errors', checked.diagnostics, formatIntelDiagnostics(opts.policy, checked.diagnostics));
      policy = checked.value;
    }
    if (!existsSync(join(opts.controls, 'controls.yaml'))) throw new UsageError(`no controls.yaml in \`${opts.controls}\``);
    const controls = await loadControlCatalog(opts.controls);
    if (!controls.ok) failWith(io, json, 'the control catalog has errors', controls.diagnostics, formatIntelDiagnostics(join(opts.controls, 'controls.yaml'), controls.diagnostics));
    // Setuid files are priced from the facts file; the default one may be absent (the plan then notes it).
    const factsFile = opts.facts ?? defaultPackageFactsFile(opts.release);
    const facts = await loadPackageFacts(factsFile);
    if (!facts.ok && (opts.facts !== undefined || existsSync(factsFile))) failWith(io, json, 'the package facts file cannot be used', facts.problems.map((message) => ({ code: 'plan/facts', message })), facts.problems.map((p) => `tessera: ${p}`).join('\n'));
    const { app, profile, feeds } = await assessDeployment(program, io, opts, json, opts.vulns ?? '<vulnerabilities>');
    const dataDir = program.opts<{ dataDir: string }>().dataDir;
    const { universe, sources, packages } = await loadCatalog(dataDir);
    if (!json && io.isTTY) io.stderr(`planning for tier ${profile.tier} over ${packages.length.toLocaleString('en-US')} packages from ${sources.map((s) => s.label).join(', ')} ...\n`);
    const profilesDir = relative(REPO, join(opts.controls, 'profiles')) || 'profiles';
    const result = await planImage({ app, profile, universe, sources: sources.map(({ label, priority, codename, path, sha256 }) => ({ label, priority, codename, path, sha256 })), controls: controls.value.catalog, profilesDir, policy, feeds, release: opts.release, ...(facts.ok ? { packageFacts: facts.facts } : {}) });
    if (!result.ok) {
      const text = formatClashDiagnostics(result.diagnostics);
      failWith(io, json, 'no plan', result.diagnostics, `${text}\nno plan written`);
    }
    return result.plan;
  };

  image.command('plan').description('choose an image\'s packages and security controls from the deployment\'s risk, as a plan file')
    .requiredOption('--app <file>', 'application metadata (YAML or JSON), with its packages')
    .requiredOption('--env <file>', 'deployment environment (YAML or JSON)')
    .option('--policy <file>', 'image policy (YAML or JSON): required, prohibited, maxImageMiB, allowedSources, minimumCategories')
    .option('--vulns <file>', 'vulnerabilities of packages (default: the imported tracker and OSV snapshots)')
    .option('--release <codename>', 'the Debian release, for the tracker and OSV', 'bookworm')
    .option('--kev <file>', 'a CISA KEV feed file (default: the current imported snapshot)')
    .option('--epss <file>', 'a FIRST EPSS CSV (default: the current imported snapshot)')
    .option('--no-feeds', 'do not use the imported feed snapshots')
    .option('--controls <dir>', 'the security-control catalog (controls.yaml and profiles/)', CONTROLS_DIR)
    .option('--facts <file>', 'package facts (setuid/setgid files per .deb) from `tessera catalog facts` (default: data/package-facts/<release>-amd64.json)')
    .option('-o, --output <file>', 'write the plan (JSON) to this file')
    .option('--json', 'print the plan as JSON')
    .addHelpText('after', `
The app's packages are resolved on the catalog (tessera catalog import) with the Essential set.
Each security control the tier offers is resolved beside them; a mixed-integer program (HiGHS)
then picks the controls whose risk-weighted benefit (threat weights from the risk engine × how
much each control mitigates) outweighs their cost (running cost, RAM and CPU class, listening
services, installed size of what they add, known vulnerabilities they carry, setuid/setgid
files they install, from the package facts), under the policy.
When the policy cannot be met, the smallest set of clashing rules is printed and nothing is written.

Examples:
  $ tessera image plan --app examples/internal-reporting/app.yaml --env examples/internal-reporting/env.yaml
  $ tessera image plan --app examples/public-payments/app.yaml --env examples/public-payments/env.yaml \\
        --vulns examples/vulnerabilities.json --policy examples/image-policy.yaml -o plan.json`)
    .action(async (opts: PlanOptions) => {
      const json = opts.json === true;
      const plan = await makePlan(opts, json);
      const text = JSON.stringify(plan, null, 2) + '\n';
      if (opts.output !== undefined) await writeFileAtomically(opts.output, text);
      io.stdout(json ? text : formatPlan(plan) + (opts.output !== undefined ? `plan written to ${opts.output}\n` : ''));
    });

  image.command('build').description('build the OCI image a plan describes: fetch and verify its .debs, lay them out, write the layout')
    .option('--plan <file>', 'a plan from `tessera image plan -o` (or plan here with --app and --env)')
    .option('--app <file>', 'plan first, as `tessera image plan --app` does (with --env; not with --plan)')
    .option('--env <file>', 'the deployment environment to plan for (with --app)')
    .option('--policy <file>', 'with --app/--env: the image policy, as for `image plan`')
    .option('--vulns <file>', 'with --app/--env: vulnerabilities of packages, as for `image plan`')
    .option('--release <codename>', 'with --app/--env: the Debian release, as for `image plan`', 'bookworm')
    .option('--kev <file>', 'with --app/--env: a CISA KEV feed file, as for `image plan`')
    .option('--epss <file>', 'with --app/--env: a FIRST EPSS CSV, as for `image plan`')
    .option('--no-feeds', 'with --app/--env: do not use the imported feed snapshots')
    .option('--controls <dir>', 'with --app/--env: the security-control catalog', CONTROLS_DIR)
    .option('--facts <file>', 'with --app/--env: package facts, as for `image plan`')
    .requiredOption('-o, --output <dir>', 'the OCI image layout directory to create (must not exist)')
    .option('--archive <file>', 'also write the image as an oci-archive tar')
    .option('--base <dir>', 'build on this OCI image layout: its layers first, unchanged; plan packages it has at the same version are not laid again')
    .option('--base-ref <tag>', 'the image of --base to use when its layout holds several')
    .option('--no-layer-cache', 'build every package layer anew instead of reusing identical ones from <data-dir>/layers')
    .option('--debs <dir>', 'a directory of .deb files to take packages from (repeatable; apt\'s cache is always tried)', collect)
    .option('--no-apt-cache', 'do not take packages from apt\'s cache (/var/cache/apt/archives)')
    .option('--mirror <url>', 'a Debian mirror\'s base URL (default: the host\'s apt sources)')
    .option('--source-date-epoch <seconds>', 'timestamps of every file, layer and the image (default: $SOURCE_DATE_EPOCH, else 0)', epochOption)
    .option('--user <user>', 'the image\'s user', '65532')
    .option('--json', 'print {digest, layers, archive} as JSON')
    .addHelpText('after', `
Every package is taken from the cache (<data-dir>/debs, by SHA-256), a --debs directory, apt's
cache or the mirror, and accepted only when its size and SHA-256 equal what the signed index
gave the plan. Layers: base (the app and essentials), security (the controls), then the
declarative files (users, dpkg status.d, CA bundle, the controls' configuration profiles).
Identical plans give identical digests. Nothing is written unless the whole build succeeds.
With --base, an existing OCI image layout (one built before, or any linux/amd64 image) goes
first, its layers unchanged; packages it has at the plan's version are not laid again, its
environment is merged under ours. Maintainer scripts never run: the alternatives their postinst
would install (awk → mawk, ...) are made declaratively. A package layer whose inputs (the .debs,
SOURCE_DATE_EPOCH) match one built before is copied from <data-dir>/layers, not built again.
The SBOMs (<dir>.cdx.json, CycloneDX 1.6; <dir>.spdx.json, SPDX 2.3) and the in-toto provenance
(<dir>.intoto.json) are written beside the layout and attached to the image as OCI referrers.

Examples:
  $ tessera image plan --app app.yaml --env env.yaml -o plan.json
  $ tessera image build --plan plan.json -o image/ --archive image.tar
  $ tessera image build --app app.yaml --env env.yaml -o image/
  $ tessera image build --plan app-plan.json --base image/ -o app-image/
  $ skopeo inspect oci:image/:latest`)
    .action(async (opts: Partial<Omit<PlanOptions, 'output' | 'json'>> & Pick<PlanOptions, 'release' | 'feeds' | 'controls'> & { plan?: string; output: string; archive?: string; base?: string; baseRef?: string; layerCache: boolean; debs?: string[]; aptCache: boolean; mirror?: string; sourceDateEpoch?: number; user: string; json?: boolean }) => {
      const json = opts.json === true;
      if (opts.plan !== undefined && (opts.app !== undefined || opts.env !== undefined)) throw new UsageError('give either --plan or --app with --env, not both');
      if (opts.plan === undefined && (opts.app === undefined || opts.env === undefined)) throw new UsageError(opts.app === undefined && opts.env === undefined ? 'give --plan FILE, or --app FILE and --env FILE to plan first' : `--${opts.app === undefined ? 'env' : 'app'} needs --${opts.app === undefined ? 'app' : 'env'} (or give --plan instead)`);
      if (opts.baseRef !== undefined && opts.base === undefined) throw new UsageError('--base-ref chooses an image of --base; give --base DIR');
      // Checked before planning: planning takes seconds, and a taken output would waste them.
      if (existsSync(opts.output)) throw new UsageError(`${opts.output} already exists; the build writes a new directory`);
      const documents = documentPaths(opts.output);
      for (const path of Object.values(documents)) if (existsSync(path)) throw new UsageError(`${path} already exists; the build writes the SBOMs and provenance to new files`);
      let plan: ImagePlan;
      if (opts.plan === undefined) {
        plan = await makePlan({ ...opts, app: opts.app as string, env: opts.env as string }, json);
        if (!json) io.stderr(`planned ${plan.app} on ${plan.env}: tier ${plan.risk.tier}, ${plan.packages.length} packages; plan ${plan.digest}\n`);
      } else {
        const text = await readText(io, opts.plan, 'plan');
        try {
          plan = JSON.parse(text) as ImagePlan;
        } catch (e) {
          throw new UsageError(`${opts.plan}: not a plan: ${(e as Error).message}`);
        }
        if (plan?.format !== PLAN_FORMAT || !Array.isArray(plan.packages) || !Array.isArray(plan.files)) throw new UsageError(`${opts.plan}: not a ${PLAN_FORMAT} plan (make one with tessera image plan -o)`);
      }
      const codename = plan.sources?.[0]?.codename ?? 'bookworm';
      const mirror = opts.mirror ?? hostMirror(codename);
      const sources: DebSource[] = [...(opts.debs ?? []).map((dir) => ({ kind: 'directory' as const, dir })), ...(opts.aptCache ? [{ kind: 'directory' as const, dir: APT_ARCHIVES }] : []), ...(mirror !== undefined ? [{ kind: 'mirror' as const, url: mirror }] : [])];
      const dataDir = program.opts<{ dataDir: string }>().dataDir;
      const epoch = opts.sourceDateEpoch ?? (/^\d+$/.test(io.env.SOURCE_DATE_EPOCH ?? '') ? Number(io.env.SOURCE_DATE_EPOCH) : 0);
      const result = await buildFromPlan(plan, {
        dataDir, repoDir: REPO, sources, sourceDateEpoch: epoch, user: opts.user, output: opts.output,
        ...(opts.archive !== undefined ? { archive: opts.archive } : {}),
        ...(opts.base !== undefined ? { base: { dir: opts.base, ...(opts.baseRef !== undefined ? { ref: opts.baseRef } : {}) } } : {}),
        ...(opts.layerCache ? { layerCache: join(dataDir, 'layers') } : {}),
        toolVersion: program.version() ?? 'unknown',
        onProgress: (e) => {
          if (!json) io.stderr(`[${e.done}/${e.total}] ${e.name}${e.from === 'cache' ? '' : ` from ${e.from.replace(homedir(), '~')}`}\n`);
        },
      });
      if (!result.ok && result.stage === 'fetch') failWith(io, json, 'packages could not be fetched', result.diagnostics, `${result.diagnostics.map((d) => `tessera: ${d.deb}: ${d.message}\n  help: ${d.help}`).join('\n')}\nnothing built`);
      if (!result.ok && result.stage === 'profile') throw new UsageError(result.message);
      if (!result.ok && result.stage === 'build') failWith(io, json, 'the image was not built', result.diagnostics, `${result.diagnostics.map((d) => `tessera: ${d.deb}${d.member !== null ? ` (${d.member})` : ''}: ${d.message}`).join('\n')}\nnothing built`);
      if (!result.ok) return;
      const { built, downloadedBytes } = result;
      // Warnings (an alternative left out, ...): the image is built without what they name.
      if (json) {
        io.stdout(JSON.stringify({ digest: built.digest, config: built.configDigest, layers: built.layers, base: built.base ?? null, layerCache: built.layerCache ?? null, archive: built.archive ?? null, documents: built.documents ?? [], downloadedBytes, warnings: built.diagnostics }, null, 2) + '\n');
        return;
      }
      for (const d of built.diagnostics) io.stderr(`tessera: warning: ${d.deb}${d.member !== null ? ` (${d.member})` : ''}: ${d.message}\n`);
      const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
      io.stdout([
        `built ${opts.output}: ${built.digest}`,
        ...(built.base !== undefined ? [`  on ${opts.base} (${built.base.manifestDigest.slice(0, 19)}): ${built.base.layers.length} layers first, unchanged; ${built.base.reused.length} of the plan's packages already there`] : []),
        ...built.layers.map((l) => `  ${l.name.padEnd(9)} ${l.digest.slice(0, 19)}  ${mb(l.uncompressedSize)} → ${mb(l.size)} gzip${built.layerCache?.hits.includes(l.name) === true ? ' (reused from the layer cache)' : ''}`),
        ...(built.archive !== undefined ? [`oci-archive ${opts.archive}: ${mb(built.archive.size)}`] : []),
        `${plan.packages.length} packages (${mb(downloadedBytes)} downloaded), ${result.files} configuration files; plan ${plan.digest}`,
        `SBOMs ${documents.cyclonedx} (CycloneDX 1.6), ${documents.spdx} (SPDX 2.3); provenance ${documents.provenance} (in-toto); all attached to the image as OCI referrers`,
      ].join('\n') + '\n');
    });
}
