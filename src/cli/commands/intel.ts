/**
 * `tessera intel import|status|diff`: threat-feed snapshots of the data directory's store (or of
 * a server, with --server). A feed is validated whole before it is kept; a bad one changes nothing
 * and the current snapshot stays.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { adoptFeedSnapshots, diffSnapshots, importFeed } from '../../app/index.js';
import type { EpssDiff, IntelDiagnostic, KevDiff, PackageDiff } from '../../intel/index.js';
import { DEBIAN_RELEASES } from '../../risk/index.js';
import { FEED_SOURCES, FileFeedStore, type ControlPlaneStore, type FeedSnapshot, type FeedSnapshotStore, type FeedSource } from '../../store/index.js';
import { UsageError } from '../errors.js';
import { failWith, readText } from '../inputs.js';
import type { CliIO } from '../io.js';
import { ServerClient } from '../remote-client.js';
import { storeFile, withControlPlane, type StoreTarget } from '../store.js';

const SOURCES = FEED_SOURCES;
const NAMES: Record<FeedSource, string> = { kev: 'CISA KEV', epss: 'FIRST EPSS', 'debian-tracker': 'Debian Security Tracker', osv: 'OSV (Debian)' };
/** The media type a feed is sent to a server with (POST /v1/intel/{source}). */
const MEDIA_TYPE: Record<FeedSource, string> = { kev: 'application/json', epss: 'text/csv', 'debian-tracker': 'application/json', osv: 'application/json' };

/** Where a data directory kept its feed snapshots as files before they moved into its store. */
export const feedDir = (dataDir: string): string => join(dataDir, 'intel');

/** The file in feedDir an import touches after its commit: a serve loop on the same data directory watches for it. */
export const IMPORT_DOORBELL = 'last-import';

async function ringDoorbell(dataDir: string, at: Date): Promise<void> {
  // Best effort: the loop's poll of the store finds the import anyway.
  await mkdir(feedDir(dataDir), { recursive: true }).then(() => writeFile(join(feedDir(dataDir), IMPORT_DOORBELL), at.toISOString() + '\n')).catch(() => undefined);
}

/**
 * Moves the feed files an older Tessera kept in `<data-dir>/intel` into `store`, once: the
 * sources the store has no snapshot of come across with their history, and the index is renamed
 * `index.imported.json`, so the next open finds nothing to move. Says so on stderr.
 */
export async function adoptFeedFiles(io: CliIO, dataDir: string, store: ControlPlaneStore): Promise<void> {
  const files = new FileFeedStore(feedDir(dataDir));
  if (!(await files.exists())) return;
  const moved = await adoptFeedSnapshots(files, store.feeds);
  await files.retire();
  const what = moved.length === 0 ? 'nothing to move (the store has snapshots of those feeds already)' : `moved ${moved.map((m) => `${m.snapshots} ${m.source}`).join(', ')} snapshot(s) into the store`;
  io.stderr(`tessera: feed snapshots now live in the store; from ${feedDir(dataDir)}: ${what} (its index.json is now index.imported.json)\n`);
}

/**
 * The data directory's feed snapshots: those of its store (tessera.db), after moving any old feed
 * files in. A command that only reads, on a data directory without a store, reads the old files
 * (or nothing) instead of creating a store.
 */
export async function withFeeds<T>(io: CliIO, dataDir: string, work: (feeds: FeedSnapshotStore) => Promise<T>, options: { write: boolean } = { write: false }): Promise<T> {
  if (!options.write && !existsSync(storeFile(dataDir))) return work(new FileFeedStore(feedDir(dataDir)));
  return withControlPlane(dataDir, async (store) => {
    await adoptFeedFiles(io, dataDir, store);
    return work(store.feeds);
  });
}

/** The server of the global `--server`/`--token`, or undefined for the data directory's store. */
function serverOf(program: Command): ServerClient | undefined {
  const target = program.opts<StoreTarget>();
  return target.server === undefined || target.server === '' ? undefined : ServerClient.of(target, 'the intel API');
}

function sourceOf(value: string): FeedSource {
  if (!(SOURCES as readonly string[]).includes(value)) throw new UsageError(`unknown feed \`${value}\`: use one of ${SOURCES.join(', ')}`);
  return value as FeedSource;
}

export function formatIntelDiagnostics(file: string, ds: readonly IntelDiagnostic[]): string {
  return ds.map((d) => `${file}: ${d.path}: ${d.severity}[${d.code}]: ${d.message}\n      = help: ${d.help}`).join('\n\n') + '\n';
}

function describe(s: FeedSnapshot): string {
  return `${NAMES[s.source]}${s.version === '-' ? '' : ` ${s.version}`}: ${s.records.toLocaleString('en-US')} records, ${(s.bytes / 1024).toFixed(0)} KiB, sha256 ${s.hash.slice(0, 12)}, imported ${s.importedAt} from ${s.origin}`;
}

/**
 * The feed URLs configured in `<data-dir>/feeds.json`, `{"kev": "https://...", "epss": ...}`:
 * `tessera intel import kev` with neither a file nor --url fetches the configured one.
 */
async function configuredUrl(io: CliIO, dataDir: string, source: FeedSource): Promise<string> {
  const file = join(dataDir, 'feeds.json');
  let text: string;
  try {
    text = await io.readFile(file);
  } catch {
    throw new UsageError(`give the feed file or --url, or configure its URL in ${file} ({"${source}": "https://..."})`);
  }
  let urls: unknown;
  try {
    urls = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file} is not JSON: ${(e as Error).message}`);
  }
  const url = typeof urls === 'object' && urls !== null ? (urls as Record<string, unknown>)[source] : undefined;
  if (typeof url !== 'string') throw new UsageError(`${file} configures no URL for \`${source}\` (expected {"${source}": "https://..."})`);
  return url;
}

/** GET with the stored validators; 304 means the current snapshot is still the feed. */
async function download(url: string, current: FeedSnapshot | undefined): Promise<{ status: 'not-modified' } | { status: 'ok'; text: string; etag?: string; lastModified?: string }> {
  if (!/^https?:\/\//.test(url)) throw new UsageError(`--url takes an http(s) URL, got \`${url}\``);
  const headers: Record<string, string> = {};
  if (current?.etag !== undefined) headers['if-none-match'] = current.etag;
  if (current?.lastModified !== undefined) headers['if-modified-since'] = current.lastModified;
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(60_000) });
  } catch (e) {
    throw new UsageError(`cannot fetch ${url}: ${(e as Error).message}`);
  }
  if (response.status === 304) return { status: 'not-modified' };
  if (!response.ok) throw new UsageError(`cannot fetch ${url}: HTTP ${response.status} ${response.statusText}`);
  const etag = response.headers.get('etag') ?? undefined;
  const lastModified = response.headers.get('last-modified') ?? undefined;
  return { status: 'ok', text: await response.text(), ...(etag !== undefined ? { etag } : {}), ...(lastModified !== undefined ? { lastModified } : {}) };
}

export function registerIntel(program: Command, io: CliIO): void {
  const intel = program.command('intel').description('threat intelligence feeds: import CISA KEV, FIRST EPSS, Debian tracker and OSV snapshots, see what changed')
    .addHelpText('after', `
Snapshots live in the data directory's store (or, with --server, the server's, which every
node of a cluster shares), each kept whole under its SHA-256. A feed that fails validation is
rejected whole and the current snapshot stays in force. Feed files an older Tessera kept in
<data-dir>/intel are moved into the store the first time it is opened.

Examples:
  $ tessera intel import kev known_exploited_vulnerabilities.json
  $ tessera intel import epss epss_scores-2025-08-25.csv
  $ tessera intel import debian-tracker tracker.json         security-tracker.debian.org/tracker/data/json
  $ tessera intel import osv debian-osv.json                  OSV records: an array, one record, or one per line
  $ tessera intel import kev --url https://feeds.example/kev.json   conditional GET (ETag, Last-Modified)
  $ tessera intel import kev kev.json --server https://tessera.example --token $TOKEN
  $ tessera intel status
  $ tessera intel diff kev                     the current snapshot against the one before it
  $ tessera intel diff epss --threshold 0.2
  $ tessera intel diff debian-tracker --release bookworm   newly disclosed and newly fixed issues`);

  intel.command('import').description('validate a feed and make it the current snapshot')
    .argument('<feed>', `which feed: ${SOURCES.join(', ')}`)
    .argument('[file]', 'the feed file (`-` for stdin); or --url; with neither, the URL configured in <data-dir>/feeds.json')
    .option('--url <url>', 'download the feed (sends If-None-Match / If-Modified-Since from the current snapshot)')
    .option('--json', 'print the snapshot as JSON')
    .action(async (feed: string, file: string | undefined, opts: { url?: string; json?: boolean }) => {
      const source = sourceOf(feed);
      if (file !== undefined && opts.url !== undefined) throw new UsageError('give the feed file or --url, not both');
      const dataDir = program.opts<{ dataDir: string }>().dataDir;
      if (file === undefined && opts.url === undefined) opts.url = await configuredUrl(io, dataDir, source);
      const json = opts.json === true;
      const origin = opts.url ?? (file === '-' ? '<stdin>' : (file as string));
      const server = serverOf(program);
      if (server !== undefined) {
        // The server validates exactly as below and keeps the feed in the store every node reads.
        const text = opts.url !== undefined ? await downloaded(opts.url, undefined) : await readText(io, file as string, `${source} feed`);
        if (text === undefined) return;
        const reply = await server.upload<{ snapshot: FeedSnapshot; changed: boolean; diagnostics: IntelDiagnostic[]; errors?: IntelDiagnostic[] }>(`/v1/intel/${source}?origin=${encodeURIComponent(origin)}`, text, MEDIA_TYPE[source], [422]);
        if (reply.status === 422) {
          const ds = reply.body.errors ?? [];
          failWith(io, json, `the ${NAMES[source]} feed was rejected`, ds, `${formatIntelDiagnostics(origin, ds)}rejected by ${server.base}: nothing imported; the current snapshot stays`);
        }
        reportImport(io, json, source, reply.body.changed, reply.body.snapshot, server.base);
        return;
      }
      await withFeeds(io, dataDir, async (store) => {
        let text: string;
        let http: { etag?: string; lastModified?: string } = {};
        if (opts.url !== undefined) {
          const got = await download(opts.url, await store.current(source));
          if (got.status === 'not-modified') {
            const current = await store.current(source);
            io.stdout(json ? JSON.stringify({ source, changed: false, notModified: true, snapshot: current }, null, 2) + '\n' : `${NAMES[source]}: not modified since the current snapshot (HTTP 304)\n`);
            return;
          }
          ({ text, ...http } = got);
        } else {
          text = await readText(io, file as string, `${source} feed`);
        }
        const r = await importFeed(store, source, text, origin, io.now(), http);
        if (!r.ok) {
          const current = await store.current(source);
          failWith(io, json, `the ${NAMES[source]} feed was rejected`, r.diagnostics, `${formatIntelDiagnostics(origin, r.diagnostics)}rejected: nothing imported; ${current === undefined ? `there is no ${source} snapshot yet` : `the current snapshot stays ${current.version} (${current.hash.slice(0, 12)})`}`);
        }
        reportImport(io, json, source, r.changed, r.snapshot);
        if (r.changed) await ringDoorbell(dataDir, io.now());
      }, { write: true });
    });

  intel.command('status').description('the current snapshot of each feed')
    .option('--json', 'print the snapshots as JSON')
    .action(async (opts: { json?: boolean }) => {
      const server = serverOf(program);
      const rows = server !== undefined
        ? (await server.get<{ feeds: { source: FeedSource; current: FeedSnapshot | null; stored: number }[] }>('/v1/intel')).body.feeds
        : await withFeeds(io, program.opts<{ dataDir: string }>().dataDir, (store) => Promise.all(SOURCES.map(async (source) => ({ source, current: (await store.current(source)) ?? null, stored: (await store.list(source)).length }))));
      if (opts.json === true) {
        io.stdout(JSON.stringify({ feeds: rows }, null, 2) + '\n');
        return;
      }
      for (const r of rows) io.stdout(r.current === null ? `${NAMES[r.source]}: no snapshot (tessera intel import ${r.source} FILE)\n` : `${describe(r.current)} (${r.stored} stored)\n`);
    });

  intel.command('diff').description('what changed between two snapshots of a feed (default: the current one against the one before)')
    .argument('<feed>', `which feed: ${SOURCES.join(', ')}`)
    .option('--from <hash>', 'the older snapshot (a prefix of its sha256)')
    .option('--to <hash>', 'the newer snapshot (default: the current one)')
    .option('--threshold <p>', 'EPSS: report scores that moved at least this much', '0.1')
    .option('--release <codename>', `debian-tracker and osv: only this Debian release (${Object.keys(DEBIAN_RELEASES).join(', ')})`)
    .option('--json', 'print the diff as JSON')
    .action(async (feed: string, opts: { from?: string; to?: string; threshold: string; release?: string; json?: boolean }) => {
      const source = sourceOf(feed);
      if (opts.release !== undefined && DEBIAN_RELEASES[opts.release] === undefined) throw new UsageError(`unknown Debian release \`${opts.release}\`: use one of ${Object.keys(DEBIAN_RELEASES).join(', ')}`);
      const threshold = Number(opts.threshold);
      if (!(threshold > 0 && threshold <= 1)) throw new UsageError(`--threshold takes a probability step in (0, 1], got \`${opts.threshold}\``);
      // A diff reads both snapshots whole; the API serves the current ones, not their content.
      if (serverOf(program) !== undefined) throw new UsageError('`tessera intel diff` compares the snapshots of the data directory\'s store; it has no --server form (GET /v1/intel lists the server\'s current snapshots)');
      await withFeeds(io, program.opts<{ dataDir: string }>().dataDir, async (store) => {
        const pick = async (hash: string | undefined, fallback: () => Promise<FeedSnapshot | undefined>, what: string) => {
          const s = hash === undefined ? await fallback() : await store.find(source, hash);
          if (s === undefined) throw new UsageError(hash === undefined ? `no ${what} ${source} snapshot to compare (import the feed at least twice, or give --from and --to)` : `no ${source} snapshot with hash \`${hash}\``);
          return s;
        };
        const to = await pick(opts.to, () => store.current(source), 'current');
        const from = await pick(opts.from, () => store.previous(source), 'previous');
        if (source === 'kev') {
          const d = await diffSnapshots(store, 'kev', from, to);
          io.stdout(opts.json === true ? JSON.stringify(d, null, 2) + '\n' : formatKevDiff(d));
        } else if (source === 'epss') {
          const d = await diffSnapshots(store, 'epss', from, to, threshold);
          io.stdout(opts.json === true ? JSON.stringify(d, null, 2) + '\n' : formatEpssDiff(d));
        } else {
          // The tracker names releases by codename, OSV by number.
          const release = opts.release === undefined ? undefined : source === 'osv' ? DEBIAN_RELEASES[opts.release] : opts.release;
          const d = await diffSnapshots(store, source, from, to, release);
          io.stdout(opts.json === true ? JSON.stringify(d, null, 2) + '\n' : formatPackageDiff(NAMES[source], d));
        }
      });
    });
}

function reportImport(io: CliIO, json: boolean, source: FeedSource, changed: boolean, snapshot: FeedSnapshot, server?: string): void {
  if (json) io.stdout(JSON.stringify({ source, changed, snapshot, ...(server !== undefined ? { server } : {}) }, null, 2) + '\n');
  else io.stdout(`${changed ? 'imported' : 'unchanged (the current snapshot has the same content)'}: ${describe(snapshot)}${server !== undefined ? ` on ${server}` : ''}\n`);
}

/** A feed downloaded for a server import (the server has the validators, so no conditional GET). */
async function downloaded(url: string, current: FeedSnapshot | undefined): Promise<string | undefined> {
  const got = await download(url, current);
  return got.status === 'ok' ? got.text : undefined;
}

function formatKevDiff(d: KevDiff): string {
  const lines = [`CISA KEV ${d.from} → ${d.to}: ${d.added.length} added, ${d.removed.length} removed`];
  for (const e of d.added) lines.push(`  + ${e.cve}  ${e.dateAdded}  ${e.vendorProject} ${e.product}: ${e.name}${e.knownRansomware ? ' (ransomware)' : ''}`);
  for (const cve of d.removed) lines.push(`  - ${cve}`);
  return lines.join('\n') + '\n';
}

function formatEpssDiff(d: EpssDiff): string {
  const lines = [`FIRST EPSS ${d.from} → ${d.to}: ${d.changes.length} scores moved by ≥ ${d.threshold}; ${d.newlyScored} newly scored, ${d.noLongerScored} no longer scored`];
  for (const c of d.changes.slice(0, 50)) lines.push(`  ${c.delta > 0 ? '▲' : '▼'} ${c.cve.padEnd(16)} ${c.from === null ? '   new' : c.from.toFixed(4)} → ${c.to === null ? 'gone' : c.to.toFixed(4)}  (${c.delta > 0 ? '+' : ''}${c.delta.toFixed(4)})`);
  if (d.changes.length > 50) lines.push(`  … ${d.changes.length - 50} more (--json for all)`);
  return lines.join('\n') + '\n';
}

function formatPackageDiff(name: string, d: PackageDiff): string {
  const lines = [`${name}: ${d.disclosed.length} newly disclosed, ${d.fixed.length} newly fixed`];
  for (const c of d.disclosed) lines.push(`  + ${c.cve.padEnd(16)} ${c.source} (${c.release})`);
  for (const c of d.fixed) lines.push(`  ✓ ${c.cve.padEnd(16)} ${c.source} (${c.release}) fixed in ${c.fixedVersion}`);
  return lines.join('\n') + '\n';
}
