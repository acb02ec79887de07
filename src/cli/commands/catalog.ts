/**
 * `tessera catalog import|show|search`: Debian package indexes, each verified against its signed
 * release and kept in the data directory as a compact cache, as sources with apt-style
 * priorities (bookworm/main, bookworm-security/main, ...) that later commands load together.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ArchiveError, readPackagesIndex, readVerifiedRelease } from '../../archive/index.js';
import { compareVersions, decodeIndexCache, isSecuritySuite, encodeIndexCache, formatAlternatives, PackageUniverse, type BinaryPackage } from '../../catalog/index.js';
import { UsageError } from '../errors.js';
import { failWith, integerOption, writeFileAtomically } from '../inputs.js';
import type { CliIO } from '../io.js';
import { registerCatalogFacts } from './catalog-facts.js';

const DEFAULT_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

/** One imported index, as listed in `<data-dir>/catalog/sources.json`. */
export interface CatalogSource {
  readonly label: string;
  readonly priority: number;
  readonly codename: string;
  readonly path: string;
  readonly sha256: string;
  readonly packages: number;
  /** The compact cache, relative to `<data-dir>/catalog`. */
  readonly file: string;
  /** A security suite, as its signed release says (Label `Debian-Security`). */
  readonly security?: boolean;
}

export interface LoadedCatalog {
  readonly sources: readonly CatalogSource[];
  readonly universe: PackageUniverse;
  /** Every package of every source, with the label of its source. */
  readonly packages: readonly (BinaryPackage & { readonly sourceLabel: string })[];
}

const LABEL = /^[a-z0-9][a-z0-9.+-]*\/[a-z0-9][a-z0-9.+-]*$/;
const manifestFile = (dataDir: string) => join(dataDir, 'catalog', 'sources.json');

async function readManifest(dataDir: string): Promise<CatalogSource[]> {
  try {
    return JSON.parse(await readFile(manifestFile(dataDir), 'utf8')) as CatalogSource[];
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new UsageError(`${manifestFile(dataDir)}: ${(e as Error).message}`);
  }
}

/** Every imported source, highest priority first, as one universe to resolve in. */
export async function loadCatalog(dataDir: string): Promise<LoadedCatalog> {
  const sources = (await readManifest(dataDir)).sort((a, b) => b.priority - a.priority || (a.label < b.label ? -1 : 1));
  if (sources.length === 0) throw new UsageError('no package index imported yet: tessera catalog import --index Packages.xz --release InRelease');
  const loaded = await Promise.all(sources.map(async (source) => {
    const file = join(dataDir, 'catalog', source.file);
    const decoded = decodeIndexCache(await readFile(file, 'utf8').catch(() => ''));
    if (!decoded.ok) throw new UsageError(`${file}: ${decoded.message} (import ${source.label} again)`);
    if (decoded.source.sha256 !== source.sha256) throw new UsageError(`${file} is not the index sources.json lists for ${source.label} (import it again)`);
    return { source, packages: decoded.packages };
  }));
  return {
    sources,
    universe: new PackageUniverse(loaded.map(({ source, packages }) => ({ name: source.label, priority: source.priority, packages, security: source.security === true }))),
    packages: loaded.flatMap(({ source, packages }) => packages.map((p) => ({ ...p, sourceLabel: source.label }))),
  };
}

const relationText = (p: BinaryPackage, key: 'depends' | 'preDepends' | 'recommends' | 'conflicts' | 'breaks' | 'provides') =>
  p[key].map(formatAlternatives).join(', ');

function describePackage(p: BinaryPackage & { readonly sourceLabel?: string }): string {
  const lines = [
    `${p.name} ${p.version} (${p.architecture}) — ${p.summary}`,
    `  source ${p.source} ${p.sourceVersion}; priority ${p.priority}; section ${p.section}${p.essential ? '; essential' : ''}; multi-arch ${p.multiArch}${p.sourceLabel !== undefined ? `; from ${p.sourceLabel}` : ''}`,
    `  installed size ${p.installedSize.toLocaleString('en-US')} KiB; download ${p.size.toLocaleString('en-US')} bytes; ${p.filename}`,
  ];
  for (const [label, key] of [['pre-depends', 'preDepends'], ['depends', 'depends'], ['recommends', 'recommends'], ['conflicts', 'conflicts'], ['breaks', 'breaks'], ['provides', 'provides']] as const) {
    const text = relationText(p, key);
    if (text !== '') lines.push(`  ${label}: ${text}`);
  }
  return lines.join('\n');
}

export function registerCatalog(program: Command, io: CliIO): void {
  const catalog = program.command('catalog').description('the Debian package catalog: import a signed index, show and search packages, record package facts');
  registerCatalogFacts(catalog, program, io, loadCatalog);

  catalog.command('import').description('verify a Packages index against its signed InRelease and keep it as the catalog')
    .requiredOption('--index <file>', 'the Packages index (plain, .gz or .xz)')
    .requiredOption('--release <file>', 'the suite\'s InRelease (clear-signed)')
    .option('--keyring <file>', 'the archive keyring the release must be signed by', DEFAULT_KEYRING)
    .option('--path <path>', 'the index\'s path in the release\'s hash list', 'main/binary-amd64/Packages')
    .option('--label <suite/component>', 'the source\'s name in plans and explanations (default: <codename>/<component>)')
    .option('--priority <n>', 'apt-style pin priority: a higher one wins over newer versions elsewhere', integerOption('--priority'), 500)
    .option('--allow-expired', 'accept a release past its Valid-Until (apt\'s Check-Valid-Until=false), e.g. an archived snapshot')
    .option('--json', 'print the import summary as JSON')
    .addHelpText('after', `
The release's signature is checked with gpgv against the keyring (as apt does), and a release past
its Valid-Until (the security suite carries one) is refused as stale, then the
index is decompressed, parsed and accepted only when its size and SHA-256 match the signed
entry for --path. Nothing is kept unless every check passes. Each import is one source; importing
the same label again replaces it. Resolution sees every source, preferring the higher priority,
then the newer version (give bookworm-security/main the same 500 as apt does). A release labelled
Debian-Security is recorded as a security suite; plans prefer its builds from the policy's
preferSecurityFromTier (docs/selection.md). scripts/fetch-debian-suite.mjs downloads a suite's
InRelease and Packages.xz from the host's apt sources.

Examples:
  $ tessera catalog import --index main-binary-amd64-Packages.xz --release InRelease \\
        --keyring /usr/share/keyrings/debian-archive-keyring.gpg
  $ tessera catalog import --index security-Packages.xz --release security-InRelease \\
        --label bookworm-security/main
  $ tessera catalog show bash
  $ tessera catalog search firewall`)
    .action(async (opts: { index: string; release: string; keyring: string; path: string; label?: string; priority: number; allowExpired?: boolean; json?: boolean }) => {
      const json = opts.json === true;
      if (!existsSync(opts.keyring)) throw new UsageError(`keyring \`${opts.keyring}\` not found (give --keyring; Debian's is in the debian-archive-keyring package)`);
      const dataDir = program.opts<{ dataDir: string }>().dataDir;
      try {
        const started = performance.now();
        if (!json && io.isTTY) io.stderr(`verifying ${opts.release} ...\n`);
        const { release, signatures } = await readVerifiedRelease(opts.release, opts.keyring, opts.allowExpired === true ? {} : { now: io.now() });
        if (!json && io.isTTY) io.stderr(`reading ${opts.index} ...\n`);
        const read = await readPackagesIndex(opts.index, release, opts.path);
        if (read.problems.length > 0) failWith(io, json, 'the index has malformed stanzas', read.problems, read.problems.slice(0, 20).map((p) => `${opts.index}: line ${p.line}${p.package ? ` (${p.package})` : ''}: ${p.message}`).join('\n'));
        const label = opts.label ?? `${release.codename}/${opts.path.split('/')[0] ?? 'main'}`;
        if (!LABEL.test(label)) throw new UsageError(`--label \`${label}\` is not suite/component (lower case)`);
        const file = `${label.replace('/', '_')}.json`;
        await mkdir(join(dataDir, 'catalog'), { recursive: true });
        // The cache first, then the manifest that points at it: a crash in between leaves the old manifest.
        await writeFileAtomically(join(dataDir, 'catalog', file), encodeIndexCache(read.packages, { codename: release.codename, path: opts.path, sha256: read.sha256 }));
        const security = isSecuritySuite(release);
        const entry: CatalogSource = { label, priority: opts.priority, codename: release.codename, path: opts.path, sha256: read.sha256, packages: read.packages.length, file, ...(security ? { security } : {}) };
        const sources = [...(await readManifest(dataDir)).filter((s) => s.label !== label), entry].sort((a, b) => (a.label < b.label ? -1 : 1));
        await writeFileAtomically(manifestFile(dataDir), JSON.stringify(sources, null, 2) + '\n');
        const summary = { label, priority: opts.priority, security, codename: release.codename, version: release.version, path: opts.path, packages: read.packages.length, sha256: read.sha256, signedBy: signatures.map((s) => s.signer), sources: sources.map((s) => s.label), seconds: Math.round(performance.now() - started) / 1000 };
        io.stdout(json ? JSON.stringify(summary, null, 2) + '\n' : `imported ${summary.packages.toLocaleString('en-US')} packages of ${release.codename} ${release.version} (${opts.path}) as ${label}${security ? ' (a security suite)' : ''}, priority ${opts.priority}, signed by ${signatures.map((s) => s.signer).join('; ')}\n`);
      } catch (e) {
        if (e instanceof ArchiveError) failWith(io, json, 'the archive did not verify', [{ code: 'catalog/archive', message: e.message }], `tessera: ${e.message}\nnothing imported`);
        throw e;
      }
    });

  catalog.command('show').description('a package from the catalog: versions, source, sizes, relations')
    .argument('<package>', 'binary package name')
    .option('--json', 'print the package(s) as JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      const { packages } = await loadCatalog(program.opts<{ dataDir: string }>().dataDir);
      const found = packages.filter((p) => p.name === name).sort((a, b) => compareVersions(b.version, a.version));
      if (found.length === 0) failWith(io, opts.json === true, 'unknown package', [{ code: 'catalog/unknown-package', package: name }], `tessera: no package \`${name}\` in the catalog`);
      io.stdout(opts.json === true ? JSON.stringify(found, null, 2) + '\n' : found.map(describePackage).join('\n\n') + '\n');
    });

  catalog.command('search').description('packages whose name or summary contains the text')
    .argument('<text>', 'text to look for (case-insensitive)')
    .option('--json', 'print the matches as JSON')
    .action(async (text: string, opts: { json?: boolean }) => {
      const { packages } = await loadCatalog(program.opts<{ dataDir: string }>().dataDir);
      const needle = text.toLowerCase();
      const hits = packages.filter((p) => p.name.includes(needle) || p.summary.toLowerCase().includes(needle)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : compareVersions(b.version, a.version)));
      if (opts.json === true) io.stdout(JSON.stringify(hits.map((p) => ({ name: p.name, version: p.version, source: p.sourceLabel, summary: p.summary })), null, 2) + '\n');
      else io.stdout(hits.length === 0 ? `no package matches \`${text}\`\n` : hits.map((p) => `${p.name.padEnd(32)} ${p.version.padEnd(24)} ${p.summary}`).join('\n') + '\n');
    });
}
