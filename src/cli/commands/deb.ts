/** `tessera deb vercmp|resolve`: dpkg's version order, and apt-compatible dependency resolution. */
import type { Command } from 'commander';
import { compareParsedVersions, parseVersion } from '../../catalog/index.js';
import { parseRootSpec, resolve, type Resolution, type Why } from '../../solver/index.js';
import { failWith } from '../inputs.js';
import { formatClashDiagnostics } from '../format-diagnostics.js';
import type { CliIO } from '../io.js';
import { loadCatalog } from './catalog.js';

const whyText = (why: Why): string =>
  why.kind === 'root' ? 'requested' : why.kind === 'essential' ? 'Essential' : `${why.field} of ${why.of} (${why.relation})`;

function formatResolution(r: Extract<Resolution, { ok: true }>, ms: number): string {
  const width = Math.max(...r.packages.map((p) => p.name.length));
  const vwidth = Math.max(...r.packages.map((p) => p.version.length));
  const kib = r.packages.reduce((n, p) => n + p.candidate.package.installedSize, 0);
  const bytes = r.packages.reduce((n, p) => n + p.candidate.package.size, 0);
  return [
    ...r.packages.map((p) => `${p.name.padEnd(width)}  ${p.version.padEnd(vwidth)}  ${whyText(p.why)}`),
    '',
    `${r.packages.length} packages, ${(kib / 1024).toFixed(1)} MiB installed, ${(bytes / 1024 / 1024).toFixed(1)} MiB to download; resolved in ${ms.toFixed(1)} ms`,
  ].join('\n') + '\n';
}

export function registerDeb(program: Command, io: CliIO): void {
  const deb = program.command('deb').description('Debian package tools: version comparison and dependency resolution');
  deb.command('vercmp').description('compare two Debian versions as dpkg does; prints <, = or >')
    .argument('<a>', 'a version, [epoch:]upstream[-revision]')
    .argument('<b>', 'another version')
    .option('--json', 'print {"a", "b", "order": -1 | 0 | 1}')
    .addHelpText('after', `
The order is dpkg's: epochs as numbers, then upstream and revision in runs where ~ sorts
before everything (even the end), letters before other characters, digits as numbers.

Examples:
  $ tessera deb vercmp 1.0~rc1 1.0          <
  $ tessera deb vercmp 1:0.9 2.0            >
  $ tessera deb vercmp 2.36-9+deb12u3 2.36-9+deb12u10 --json`)
    .action((a: string, b: string, opts: { json?: boolean }) => {
      const json = opts.json === true;
      const [x, y] = [parseVersion(a), parseVersion(b)];
      const bad = [x, y].flatMap((r, i) => (r.ok ? [] : [{ code: 'deb/bad-version', argument: i === 0 ? 'a' : 'b', message: r.message }]));
      if (!x.ok || !y.ok) failWith(io, json, 'not a Debian version', bad, bad.map((d) => `tessera: ${d.message}`).join('\n'));
      const order = compareParsedVersions(x.version, y.version);
      io.stdout(json ? JSON.stringify({ a, b, order }) + '\n' : `${order < 0 ? '<' : order > 0 ? '>' : '='}\n`);
    });

  deb.command('resolve').description('the install set for some packages, as apt would choose it, with why each is there')
    .argument('<packages...>', 'package names, or name=version to pin a version')
    .option('--recommends', 'also install Recommends when they can be installed (apt\'s default; off here as in images)')
    .option('--suggests', 'also install Suggests when they can be installed (after Recommends)')
    .option('--essential', 'also install every Essential package (what a new root filesystem needs)')
    .option('--arch <arch>', 'the native architecture', 'amd64')
    .option('--json', 'print {ok, packages: [{name, version, architecture, source, installedSize, size, filename, sha256, why}], stats} or the diagnostics')
    .addHelpText('after', `
Resolves on the catalog (tessera catalog import). Every Depends and Pre-Depends is satisfied and
no Conflicts or Breaks is violated; alternatives are taken first to last and virtual packages
go to the provider apt prefers, so the set is what \`apt-get -s install\` (Recommends off) on the
same index gives. The search is complete: when a first choice leads to a clash it backtracks,
and when no install set exists it prints the smallest set of rules that clash (exit 1).

Examples:
  $ tessera deb resolve nginx python3
  $ tessera deb resolve openssl=3.0.20-1~deb12u2 curl --json
  $ tessera deb resolve postfix exim4          # clash: both are mail transport agents`)
    .action(async (specs: string[], opts: { recommends?: boolean; suggests?: boolean; essential?: boolean; arch: string; json?: boolean }) => {
      const json = opts.json === true;
      const { universe } = await loadCatalog(program.opts<{ dataDir: string }>().dataDir);
      const started = performance.now();
      const result = resolve(universe, specs.map(parseRootSpec), { architecture: opts.arch, recommends: opts.recommends === true, suggests: opts.suggests === true, essential: opts.essential === true });
      const ms = performance.now() - started;
      if (!result.ok) {
        const text = formatClashDiagnostics(result.diagnostics);
        failWith(io, json, 'no install set', result.diagnostics.map(({ rules: _rules, ...d }) => d), text);
      }
      if (json) {
        const out = result.packages.map((p) => ({ name: p.name, version: p.version, architecture: p.architecture, source: p.candidate.source, installedSize: p.candidate.package.installedSize, size: p.candidate.package.size, filename: p.candidate.package.filename, sha256: p.candidate.package.sha256, why: p.why }));
        io.stdout(JSON.stringify({ ok: true, packages: out, stats: { ...result.stats, milliseconds: Math.round(ms * 10) / 10 } }, null, 2) + '\n');
        return;
      }
      io.stdout(formatResolution(result, ms));
    });
}
