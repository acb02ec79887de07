/**
 * `tessera catalog facts`: package facts — the setuid/setgid files each .deb installs — read from
 * the .deb files themselves (the Packages index does not carry them). The files come from
 * directories given with --debs and, with --for-controls, from the closures of every control in
 * the control catalog, fetched like an image build's packages (verified against the signed
 * index's SHA-256). The output is derived data: the same index gives the same file.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { CONTROLS_DIR, loadControlCatalog } from '../../app/index.js';
import { encodePackageFacts, PACKAGE_FACTS_FORMAT, packageFactsKey, privilegedFiles, type ArchiveEntryHeader, type DebIdentity, type PackageFactsFile, type PackageUniverse, type PrivilegedFile } from '../../catalog/index.js';
import { APT_ARCHIVES, fetchDebs, fileSource, hostMirror, openDeb, type DebSource, type WantedDeb } from '../../image/index.js';
import { resolve } from '../../solver/index.js';
import { UsageError } from '../errors.js';
import { collect, failWith, writeFileAtomically } from '../inputs.js';
import type { CliIO } from '../io.js';
import { formatIntelDiagnostics } from './intel.js';

interface FactsOptions { debs?: string[]; forControls?: boolean; controls: string; mirror?: string; aptCache: boolean; output: string; json?: boolean }

/** What this command needs of the imported catalog (catalog.ts's LoadedCatalog). */
interface ImportedCatalog {
  readonly universe: PackageUniverse;
  readonly sources: readonly { readonly label: string; readonly codename: string; readonly path: string; readonly sha256: string }[];
}

interface ScanProblem { readonly code: string; readonly deb: string; readonly message: string }

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

/** One .deb's identity (its control and its own SHA-256) and setuid/setgid files, or why it cannot be read. */
export async function scanDebFile(path: string): Promise<{ ok: true; deb: DebIdentity; setuid: PrivilegedFile[] } | { ok: false; problems: ScanProblem[] }> {
  const sha256 = await sha256Of(path);
  const opened = await openDeb(fileSource(path, 1 << 20), { fileName: path });
  if (!opened.ok) return { ok: false, problems: opened.diagnostics.map((d) => ({ code: d.code, deb: path, message: d.message })) };
  const headers: ArchiveEntryHeader[] = [];
  // Contents are not read: the tar reader skips an unread body before the next header.
  for await (const entry of opened.deb.entries()) headers.push(entry.header);
  if (opened.deb.diagnostics.length > 0) return { ok: false, problems: opened.deb.diagnostics.map((d) => ({ code: d.code, deb: path, message: d.message })) };
  const p = opened.deb.control.package;
  return { ok: true, deb: { name: p.name, version: p.version, architecture: p.architecture, sha256 }, setuid: privilegedFiles(headers) };
}

async function debsIn(dir: string): Promise<string[]> {
  const s = await stat(dir).catch(() => undefined);
  if (s === undefined || !s.isDirectory()) throw new UsageError(`--debs \`${dir}\` is not a directory`);
  return (await readdir(dir)).filter((f) => f.endsWith('.deb')).sort().map((f) => join(dir, f));
}

/** `loadCatalog` comes in from catalog.ts (which registers this command), so the two files do not import each other. */
export function registerCatalogFacts(catalog: Command, program: Command, io: CliIO, loadCatalog: (dataDir: string) => Promise<ImportedCatalog>): void {
  catalog.command('facts').description('record the setuid/setgid files of .deb packages, keyed by name, version, architecture and SHA-256')
    .requiredOption('-o, --output <file>', 'the package facts file to write (JSON)')
    .option('--debs <dir>', 'a directory of .deb files to scan (repeatable); also a source for --for-controls', collect)
    .option('--for-controls', 'also scan the closure of every control in the control catalog (resolved on the imported catalog, with the Essential set)')
    .option('--controls <dir>', 'the security-control catalog', CONTROLS_DIR)
    .option('--mirror <url>', 'a Debian mirror\'s base URL for packages not found locally (default: the host\'s apt sources)')
    .option('--no-apt-cache', 'do not take packages from apt\'s cache (/var/cache/apt/archives)')
    .option('--json', 'print a summary as JSON')
    .addHelpText('after', `
Each .deb's data archive is read (nothing is unpacked) and its setuid/setgid regular files are
listed with mode and owner; a package with none is recorded with an empty list. With
--for-controls, the packages are fetched into <data-dir>/debs like an image build's and accepted
only when their SHA-256 matches the signed index. The file names the indexes it was made from;
\`tessera image plan\` prices the setuid files of the packages a control adds from it.
Nothing is written unless every package was read.

Examples:
  $ tessera catalog facts --for-controls -o data/package-facts/bookworm-amd64.json
  $ tessera catalog facts --debs /var/cache/apt/archives -o facts.json --json`)
    .action(async (opts: FactsOptions) => {
      const json = opts.json === true;
      const dirs = opts.debs ?? [];
      if (dirs.length === 0 && opts.forControls !== true) throw new UsageError('give --debs DIR (repeatable) or --for-controls');
      const progress = (line: string) => {
        if (!json) io.stderr(line + '\n');
      };
      const dataDir = program.opts<{ dataDir: string }>().dataDir;
      const paths: string[] = [];
      for (const dir of dirs) paths.push(...await debsIn(dir));

      let indexes: PackageFactsFile['header']['indexes'] = [];
      const unresolvable: string[] = [];
      let downloadedBytes = 0;
      if (opts.forControls === true) {
        const controls = await loadControlCatalog(opts.controls);
        if (!controls.ok) failWith(io, json, 'the control catalog has errors', controls.diagnostics, formatIntelDiagnostics(join(opts.controls, 'controls.yaml'), controls.diagnostics));
        const { universe, sources } = await loadCatalog(dataDir);
        indexes = sources.map(({ label, path, sha256 }) => ({ label, path, sha256 }));
        const wanted = new Map<string, WantedDeb>();
        for (const control of controls.value.catalog.controls) {
          const closure = resolve(universe, control.packages.map((name) => ({ name })), { essential: true });
          if (!closure.ok) {
            unresolvable.push(`${control.id}: ${closure.diagnostics[0]?.message ?? 'cannot be resolved'}`);
            continue;
          }
          for (const { candidate: { package: p } } of closure.packages) wanted.set(packageFactsKey(p), { name: p.name, version: p.version, architecture: p.architecture, filename: p.filename, sha256: p.sha256, size: p.size });
        }
        const mirror = opts.mirror ?? hostMirror(sources[0]?.codename ?? 'bookworm');
        const from: DebSource[] = [...dirs.map((dir) => ({ kind: 'directory' as const, dir })), ...(opts.aptCache ? [{ kind: 'directory' as const, dir: APT_ARCHIVES }] : []), ...(mirror !== undefined ? [{ kind: 'mirror' as const, url: mirror }] : [])];
        const cacheDir = join(dataDir, 'debs');
        progress(`fetching the closures of ${controls.value.catalog.controls.length} controls: ${wanted.size} packages`);
        const fetched = await fetchDebs([...wanted.values()], { cacheDir, sources: from, onProgress: (e) => progress(`[${e.done}/${e.total}] ${e.name}${e.from === 'cache' ? '' : ` from ${e.from}`}`) });
        if (!fetched.ok) failWith(io, json, 'packages could not be fetched', fetched.diagnostics, `${fetched.diagnostics.map((d) => `tessera: ${d.deb}: ${d.message}`).join('\n')}\nnothing written`);
        downloadedBytes = fetched.downloadedBytes;
        // The cache is by SHA-256, so each wanted build has its own file even when names repeat.
        paths.push(...[...wanted.values()].map((d) => join(cacheDir, `${d.sha256}.deb`)));
      }

      const packages: Record<string, { setuid: PrivilegedFile[] }> = {};
      const problems: ScanProblem[] = [];
      for (const [i, path] of paths.entries()) {
        const scanned = await scanDebFile(path);
        if (!scanned.ok) {
          problems.push(...scanned.problems);
          continue;
        }
        packages[packageFactsKey(scanned.deb)] = { setuid: scanned.setuid };
        progress(`[${i + 1}/${paths.length}] scanned ${scanned.deb.name} ${scanned.deb.version}${scanned.setuid.length > 0 ? `: ${scanned.setuid.map((f) => f.path).join(' ')}` : ''}`);
      }
      if (problems.length > 0) failWith(io, json, 'some packages could not be read', problems, `${problems.map((p) => `tessera: ${basename(p.deb)}: ${p.message}`).join('\n')}\nnothing written`);

      const command = ['tessera catalog facts', ...(opts.forControls === true ? ['--for-controls'] : []), ...dirs.map((d) => `--debs ${d}`), `-o ${opts.output}`].join(' ');
      const file: PackageFactsFile = {
        format: PACKAGE_FACTS_FORMAT,
        header: {
          generatedBy: command,
          indexes,
          note: 'derived data: the setuid/setgid regular files (and hardlinks) of each .deb\'s data archive, keyed by name, version, architecture and the .deb\'s SHA-256; regenerate with the command above after importing the same index',
        },
        packages,
      };
      await writeFileAtomically(opts.output, encodePackageFacts(file));
      const entries = Object.values(packages);
      const summary = { output: opts.output, packages: entries.length, withSetuid: entries.filter((e) => e.setuid.length > 0).length, setuidFiles: entries.reduce((n, e) => n + e.setuid.length, 0), indexes, unresolvable, downloadedBytes };
      io.stdout(json ? JSON.stringify(summary, null, 2) + '\n' : `wrote ${opts.output}: ${summary.packages} packages, ${summary.withSetuid} with setuid/setgid files (${summary.setuidFiles} files)${unresolvable.length > 0 ? `\nnot resolvable (skipped): ${unresolvable.join('; ')}` : ''}\n`);
    });
}
