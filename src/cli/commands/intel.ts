/**
 * `tessera intel import|status|diff`: threat-feed snapshots in the data directory. A feed is
 * validated whole before it is kept; a bad one changes nothing and the current snapshot stays.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { diffSnapshots, importFeed } from '../../app/index.js';
import type { EpssDiff, IntelDiagnostic, KevDiff, PackageDiff } from '../../intel/index.js';
import { DEBIAN_RELEASES } from '../../risk/index.js';
import { FileFeedStore, type FeedSnapshot, type FeedSource } from '../../store/index.js';
import { UsageError } from '../errors.js';
import { failWith, readText } from '../inputs.js';
import type { CliIO } from '../io.js';

const SOURCES: readonly FeedSource[] = ['kev', 'epss', 'debian-tracker', 'osv'];
const NAMES: Record<FeedSource, string> = { kev: 'CISA KEV', epss: 'FIRST EPSS', 'debian-tracker': 'Debian Security Tracker', osv: 'OSV (Debian)' };

/** Where the feed snapshots of a data directory live (the serve loop watches it for imports). */
export const feedDir = (dataDir: string): string => join(dataDir, 'intel');

export function feedStore(dataDir: string): FileFeedStore {
  return new FileFeedStore(feedDir(dataDir));
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
Snapshots live in <data-dir>/intel, each kept whole under its SHA-256. A feed that
fails validation is rejected whole and the current snapshot stays in force.

Examples:
  $ tessera intel import kev known_exploited_vulnerabilities.json
  $ tessera intel import epss epss_scores-2025-08-25.csv
  $ tessera intel import debian-tracker tracker.json         security-tracker.debian.org/tracker/data/json
  $ tessera intel import osv debian-osv.json                  OSV records: an array, one record, or one per line
  $ tessera intel import kev --url https://feeds.example/kev.json   conditional GET (ETag, Last-Modified)
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
      const store = feedStore(dataDir);
      const json = opts.json === true;
      let text: string;
      let http: { etag?: string; lastModified?: string } = {};
      const origin = opts.url ?? (file === '-' ? '<stdin>' : (file as string));
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
      if (json) io.stdout(JSON.stringify({ source, changed: r.changed, snapshot: r.snapshot }, null, 2) + '\n');
      else io.stdout(`${r.changed ? 'imported' : 'unchanged (the current snapshot has the same content)'}: ${describe(r.snapshot)}\n`);
    });

  intel.command('status').description('the current snapshot of each feed')
    .option('--json', 'print the snapshots as JSON')
    .action(async (opts: { json?: boolean }) => {
      const store = feedStore(program.opts<{ dataDir: string }>().dataDir);
      const rows = await Promise.all(SOURCES.map(async (source) => ({ source, current: (await store.current(source)) ?? null, stored: (await store.list(source)).length })));
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
      const store = feedStore(program.opts<{ dataDir: string }>().dataDir);
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
