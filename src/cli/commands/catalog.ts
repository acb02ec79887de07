/**
 * `tessera catalog import|show|search`: a Debian package index, verified against its signed
 * release and kept in the data directory as a compact cache that later commands load.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ArchiveError, readPackagesIndex, readVerifiedRelease } from '../../archive/index.js';
import { compareVersions, decodeIndexCache, encodeIndexCache, type BinaryPackage, type DecodedCache } from '../../catalog/index.js';
import { UsageError } from '../errors.js';
import { failWith, writeFileAtomically } from '../inputs.js';
import type { CliIO } from '../io.js';

const DEFAULT_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

function cacheFile(dataDir: string): string {
  return join(dataDir, 'catalog', 'index.json');
}

export async function loadCatalog(dataDir: string): Promise<Extract<DecodedCache, { ok: true }>> {
  let text: string;
  try {
    text = await readFile(cacheFile(dataDir), 'utf8');
  } catch {
    throw new UsageError('no package index imported yet: tessera catalog import --index Packages.xz --release InRelease');
  }
  const decoded = decodeIndexCache(text);
  if (!decoded.ok) throw new UsageError(`${cacheFile(dataDir)}: ${decoded.message}`);
  return decoded;
}

const relationText = (p: BinaryPackage, key: 'depends' | 'preDepends' | 'recommends' | 'conflicts' | 'breaks' | 'provides') =>
  p[key].map((alts) => alts.map((r) => `${r.name}${r.archQualifier ? `:${r.archQualifier}` : ''}${r.op ? ` (${r.op} ${r.version})` : ''}`).join(' | ')).join(', ');

function describePackage(p: BinaryPackage): string {
  const lines = [
    `${p.name} ${p.version} (${p.architecture}) — ${p.summary}`,
    `  source ${p.source} ${p.sourceVersion}; priority ${p.priority}; section ${p.section}${p.essential ? '; essential' : ''}; multi-arch ${p.multiArch}`,
    `  installed size ${p.installedSize.toLocaleString('en-US')} KiB; download ${p.size.toLocaleString('en-US')} bytes; ${p.filename}`,
  ];
  for (const [label, key] of [['pre-depends', 'preDepends'], ['depends', 'depends'], ['recommends', 'recommends'], ['conflicts', 'conflicts'], ['breaks', 'breaks'], ['provides', 'provides']] as const) {
    const text = relationText(p, key);
    if (text !== '') lines.push(`  ${label}: ${text}`);
  }
  return lines.join('\n');
}

export function registerCatalog(program: Command, io: CliIO): void {
  const catalog = program.command('catalog').description('the Debian package catalog: import a signed index, show and search packages');

  catalog.command('import').description('verify a Packages index against its signed InRelease and keep it as the catalog')
    .requiredOption('--index <file>', 'the Packages index (plain, .gz or .xz)')
    .requiredOption('--release <file>', 'the suite\'s InRelease (clear-signed)')
    .option('--keyring <file>', 'the archive keyring the release must be signed by', DEFAULT_KEYRING)
    .option('--path <path>', 'the index\'s path in the release\'s hash list', 'main/binary-amd64/Packages')
    .option('--json', 'print the import summary as JSON')
    .addHelpText('after', `
The release's signature is checked with gpgv against the keyring (as apt does), then the
index is decompressed, parsed and accepted only when its size and SHA-256 match the signed
entry for --path. Nothing is kept unless every check passes.

Examples:
  $ tessera catalog import --index main-binary-amd64-Packages.xz --release InRelease \\
        --keyring /usr/share/keyrings/debian-archive-keyring.gpg
  $ tessera catalog show bash
  $ tessera catalog search firewall`)
    .action(async (opts: { index: string; release: string; keyring: string; path: string; json?: boolean }) => {
      const json = opts.json === true;
      if (!existsSync(opts.keyring)) throw new UsageError(`keyring \`${opts.keyring}\` not found (give --keyring; Debian's is in the debian-archive-keyring package)`);
      const dataDir = program.opts<{ dataDir: string }>().dataDir;
      try {
        const started = performance.now();
        if (!json && io.isTTY) io.stderr(`verifying ${opts.release} ...\n`);
        const { release, signatures } = await readVerifiedRelease(opts.release, opts.keyring);
        if (!json && io.isTTY) io.stderr(`reading ${opts.index} ...\n`);
        const read = await readPackagesIndex(opts.index, release, opts.path);
        if (read.problems.length > 0) failWith(io, json, 'the index has malformed stanzas', read.problems, read.problems.slice(0, 20).map((p) => `${opts.index}: line ${p.line}${p.package ? ` (${p.package})` : ''}: ${p.message}`).join('\n'));
        await mkdir(join(dataDir, 'catalog'), { recursive: true });
        await writeFileAtomically(cacheFile(dataDir), encodeIndexCache(read.packages, { codename: release.codename, path: opts.path, sha256: read.sha256 }));
        const summary = { codename: release.codename, version: release.version, path: opts.path, packages: read.packages.length, sha256: read.sha256, signedBy: signatures.map((s) => s.signer), seconds: Math.round(performance.now() - started) / 1000 };
        io.stdout(json ? JSON.stringify(summary, null, 2) + '\n' : `imported ${summary.packages.toLocaleString('en-US')} packages of ${release.codename} ${release.version} (${opts.path}), signed by ${signatures.map((s) => s.signer).join('; ')}\n`);
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
      if (opts.json === true) io.stdout(JSON.stringify(hits.map((p) => ({ name: p.name, version: p.version, summary: p.summary })), null, 2) + '\n');
      else io.stdout(hits.length === 0 ? `no package matches \`${text}\`\n` : hits.map((p) => `${p.name.padEnd(32)} ${p.version.padEnd(24)} ${p.summary}`).join('\n') + '\n');
    });
}
