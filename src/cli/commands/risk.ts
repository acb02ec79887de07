/**
 * `tessera risk assess`: a deployment's risk profile from its app and environment files, the
 * vulnerabilities of its packages and the current threat feeds, as a report or JSON.
 */
import type { Command } from 'commander';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { loadIntel } from '../../app/index.js';
import { parseEpss, parseKev, type IntelDiagnostic } from '../../intel/index.js';
import { assessRisk, checkApp, checkEnv, checkVulnerabilities, DEBIAN_RELEASES, packageVulnerabilities, type Checked, type Intel, type PackageFeeds, type RiskProfile, type VulnerabilityInput, type AppProfile, type EnvProfile } from '../../risk/index.js';
import { UsageError } from '../errors.js';
import { failWith, integerOption, readText } from '../inputs.js';
import type { CliIO } from '../io.js';
import { formatIntelDiagnostics, withFeeds } from './intel.js';

interface AssessOptions { app: string; env: string; vulns?: string; kev?: string; epss?: string; feeds: boolean; json?: boolean; top: number; release: string }

/** YAML or JSON (YAML 1.2 reads JSON); a syntax error is a diagnostic with the line. */
async function readDocument(io: CliIO, file: string, what: string, json: boolean): Promise<unknown> {
  const text = await readText(io, file, what);
  try {
    return parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    const line = e instanceof YAMLParseError ? e.linePos?.[0].line : undefined;
    const d: IntelDiagnostic = { code: 'risk/syntax', severity: 'error', path: line === undefined ? '$' : `line ${line}`, message: `not YAML or JSON: ${(e as Error).message.split('\n')[0]}`, help: `fix the ${what} file's syntax` };
    return failWith(io, json, `${what} is not YAML or JSON`, [d], formatIntelDiagnostics(file, [d]));
  }
}

function accept<T>(io: CliIO, json: boolean, file: string, what: string, r: Checked<T>): T {
  if (!r.ok) return failWith(io, json, `${what} has errors`, r.diagnostics, formatIntelDiagnostics(file, r.diagnostics));
  if (r.diagnostics.length > 0 && !json) io.stderr(formatIntelDiagnostics(file, r.diagnostics));
  return r.value;
}

export function registerRisk(program: Command, io: CliIO): void {
  const risk = program.command('risk').description('risk assessment of a deployment: factors, tier, SSVC decisions, threats');
  risk.command('assess').description('assess an application where it is deployed')
    .requiredOption('--app <file>', 'application metadata (YAML or JSON): function, data, users, criticality, packages')
    .requiredOption('--env <file>', 'deployment environment (YAML or JSON): exposure, network and access controls, region, compliance')
    .option('--vulns <file>', 'vulnerabilities of packages, JSON: [{cve, package, cvss, fixedVersion}] (default: from the imported Debian tracker and OSV snapshots)')
    .option('--release <codename>', `the Debian release the app runs on, for the tracker and OSV (${Object.keys(DEBIAN_RELEASES).join(', ')})`, 'bookworm')
    .option('--kev <file>', 'a CISA KEV feed file (default: the current imported snapshot)')
    .option('--epss <file>', 'a FIRST EPSS CSV (default: the current imported snapshot)')
    .option('--no-feeds', 'do not use the imported feed snapshots')
    .option('--top <n>', 'vulnerabilities shown in the report', integerOption('--top'), 10)
    .option('--json', 'print the risk profile as JSON')
    .addHelpText('after', `
The score (0-100) is the weighted sum of seven factors, each with its evidence; the
tier comes from the score band, raised when a vulnerability's SSVC deployer decision
is immediate (to high) or out-of-cycle (to moderate). Weights, bands and floors are
versioned configuration (docs/risk.md).

Examples:
  $ tessera risk assess --app examples/public-payments/app.yaml --env examples/public-payments/env.yaml \\
        --vulns examples/vulnerabilities.json
  $ tessera risk assess --app app.yaml --env env.yaml --kev kev.json --epss epss.csv --json | jq .tier`)
    .action(async (opts: AssessOptions) => {
      const json = opts.json === true;
      const { profile } = await assessDeployment(program, io, opts, json, opts.vulns ?? '<vulnerabilities>');
      io.stdout(json ? JSON.stringify(profile, null, 2) + '\n' : formatProfile(profile, opts.top));
    });
}

export type DeploymentOptions = Omit<AssessOptions, 'json' | 'top'>;

/**
 * The risk pipeline shared by `risk assess` and `image plan`: read and check the app and env
 * files, gather vulnerabilities (a file, or the imported tracker and OSV snapshots) and the
 * threat feeds, and assess. Problems go to stderr (or fail the command, for errors).
 */
export async function assessDeployment(program: Command, io: CliIO, opts: DeploymentOptions, json: boolean, vulnsLabel: string): Promise<{ app: AppProfile; env: EnvProfile; profile: RiskProfile; feeds: PackageFeeds }> {
  const app = accept(io, json, opts.app, 'the app file', checkApp(await readDocument(io, opts.app, 'app', json)));
  const env = accept(io, json, opts.env, 'the env file', checkEnv(await readDocument(io, opts.env, 'env', json)));
  if (DEBIAN_RELEASES[opts.release] === undefined) throw new UsageError(`unknown Debian release \`${opts.release}\`: use one of ${Object.keys(DEBIAN_RELEASES).join(', ')}`);
  const intel: { kev?: Intel['kev']; epss?: Intel['epss']; tracker?: PackageFeeds['tracker']; osv?: PackageFeeds['osv'] } = opts.feeds
    ? { ...(await withFeeds(io, program.opts<{ dataDir: string }>().dataDir, (feeds) => loadIntel(feeds, [...(opts.kev !== undefined ? ['kev' as const] : []), ...(opts.epss !== undefined ? ['epss' as const] : [])]))) }
    : {};
  let vulnerabilities: readonly VulnerabilityInput[] = [];
  if (opts.vulns !== undefined) {
    vulnerabilities = accept(io, json, opts.vulns, 'the vulnerabilities file', checkVulnerabilities(await readDocument(io, opts.vulns, 'vulnerabilities', json)));
  } else if (intel.tracker !== undefined || intel.osv !== undefined) {
    const derived = packageVulnerabilities(app.packages, { ...(intel.tracker ? { tracker: intel.tracker } : {}), ...(intel.osv ? { osv: intel.osv } : {}) }, opts.release);
    vulnerabilities = derived.vulnerabilities;
    if (!json) {
      if (derived.diagnostics.length > 0) io.stderr(formatIntelDiagnostics(opts.app, derived.diagnostics));
      const x = derived.excluded;
      io.stderr(`vulnerabilities from the ${[intel.tracker ? 'Debian tracker' : '', intel.osv ? 'OSV' : ''].filter((s) => s !== '').join(' and ')} for ${opts.release}: ${vulnerabilities.length} affect the app; left out ${x.fixed} fixed in the installed version, ${x.notAffected} not affecting ${opts.release}, ${x.unimportant} unimportant\n`);
    }
  } else if (!json) {
    io.stderr('no vulnerabilities: give --vulns, or import the Debian tracker or OSV (tessera intel import debian-tracker FILE)\n');
  }
  if (opts.kev !== undefined) {
    const r = parseKev(await readText(io, opts.kev, 'KEV feed'));
    intel.kev = accept(io, json, opts.kev, 'the KEV feed', r);
  }
  if (opts.epss !== undefined) {
    const r = parseEpss(await readText(io, opts.epss, 'EPSS feed'));
    intel.epss = accept(io, json, opts.epss, 'the EPSS feed', r);
  }
  const { profile, diagnostics } = assessRisk({ app, env, vulnerabilities, intel });
  if (diagnostics.length > 0 && !json) io.stderr(formatIntelDiagnostics(vulnsLabel, diagnostics));
  return { app, env, profile, feeds: { ...(intel.tracker ? { tracker: intel.tracker } : {}), ...(intel.osv ? { osv: intel.osv } : {}) } };
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

export function formatProfile(p: RiskProfile, top: number): string {
  const out: string[] = [];
  out.push(`${p.app} on ${p.env}: risk ${p.score} / 100, tier ${p.tier.toUpperCase()} (${p.tierReason})`);
  out.push(`rules ${p.config}; intel: KEV ${p.intel.kev ?? 'not loaded'}, EPSS ${p.intel.epss ?? 'not loaded'}`);
  out.push('', `${pad('factor', 24)}${pad('value', 7)}${pad('weight', 8)}${pad('points', 8)}evidence`);
  for (const f of p.factors) {
    out.push(`${pad(f.id, 24)}${pad(f.value.toFixed(2), 7)}${pad(String(f.weight), 8)}${pad(f.contribution.toFixed(1), 8)}${f.evidence[0] ?? ''}`);
    for (const e of f.evidence.slice(1)) out.push(`${' '.repeat(47)}${e}`);
  }
  const s = p.summary;
  out.push('', `vulnerabilities: ${s.vulnerabilities} in the app's packages (${s.inKev} in KEV; ${s.immediate} immediate, ${s.outOfCycle} out-of-cycle)${s.ignored > 0 ? `; ${s.ignored} of packages it does not ship ignored` : ''}`);
  for (const v of p.vulnerabilities.slice(0, top)) {
    const d = v.ssvc.deployer;
    const cvss = v.cvss === null ? 'no CVSS' : `CVSS ${v.cvss.environmental.toFixed(1)} here (${v.cvss.base.toFixed(1)} base)`;
    const epss = v.epss === null ? '' : `, EPSS ${v.epss.score}`;
    out.push(`  ${pad(d.outcome.toUpperCase(), 13)}${v.cve} in ${v.package}: ${cvss}${epss}${v.kev !== null ? ', in KEV' : ''}${v.urgency !== null ? `, Debian urgency ${v.urgency}` : ''}; CISA ${v.ssvc.cisa.outcome}${v.fixedVersion !== null ? `; fixed in ${v.fixedVersion}` : '; no fix yet'}`);
    out.push(`  ${' '.repeat(13)}because ${Object.entries(d.values).map(([k, val]) => `${k} ${val} (${v.evidence[k] ?? ''})`).join('; ')}`);
  }
  if (p.vulnerabilities.length > top) out.push(`  … ${p.vulnerabilities.length - top} more (--top N, or --json)`);
  out.push('', 'threats (weight for component selection):');
  for (const t of [...p.threats].sort((a, b) => b.weight - a.weight)) out.push(`  ${pad(t.id, 27)}${t.weight.toFixed(2)}  ${t.evidence.join('; ')}`);
  return out.join('\n') + '\n';
}
