/**
 * `tessera monitor register|run-once`: the adaptation loop from the command line, and
 * `startMonitor`, the hook `tessera serve --monitor-interval` runs it through.
 *
 * Configuration, all optional, in `<data-dir>/monitor.json`:
 * `{"policy": {...image policy...}, "webhook": "https://...", "release": "bookworm",
 *   "mirror": "<base URL of a Debian mirror; default: the host's apt sources>", "debs": ["dir"], "aptCache": true, "sourceDateEpoch": 0}`.
 */
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  resolveDeploymentDocuments, storedEventSink,
  buildPlannedImage, CONTROLS_DIR, defaultPackageFactsFile, loadPackageFacts, evaluateDeployments, loadControlCatalog, StoreSummaryStore, feedsAsAdopted, loadIntel, planImage, PostgresLeadership, soleLeader,
  startAdaptationLoop, WebhookNotifier, type AdaptDeps, type DeploymentOutcome, type Leadership,
} from '../../app/index.js';
import { APT_ARCHIVES, hostMirror, type DebSource } from '../../image/index.js';
import { EventBus, type RebuildReason } from '../../monitor/index.js';
import { checkApp, checkEnv, DEBIAN_RELEASES } from '../../risk/index.js';
import { checkSelectionPolicy, type SelectionPolicy } from '../../solver/index.js';
import type { MonitorRunner } from '../../server/index.js';
import { FileFeedStore, openPostgresControlPlane, type ControlPlaneStore, type FeedSnapshotStore, type FeedSource } from '../../store/index.js';
import { ServerProblemError, UsageError } from '../errors.js';
import { failWith, readText } from '../inputs.js';
import type { CliIO } from '../io.js';
import { ServerClient } from '../remote-client.js';
import { withControlPlane, type StoreTarget } from '../store.js';
import { loadCatalog } from './catalog.js';
import { adoptFeedFiles, feedDir, formatIntelDiagnostics, IMPORT_DOORBELL } from './intel.js';
import { parse as parseYaml } from 'yaml';

/** The repository root: the plan's profile sources are relative to it. */
const REPO = join(import.meta.dirname, '..', '..', '..');
const FEEDS: readonly FeedSource[] = ['kev', 'epss', 'debian-tracker', 'osv'];

export interface MonitorConfig {
  policy?: SelectionPolicy;
  webhook?: string;
  release: string;
  mirror?: string;
  debs?: string[];
  aptCache: boolean;
  sourceDateEpoch: number;
}

export async function readMonitorConfig(io: CliIO, dataDir: string): Promise<MonitorConfig> {
  const file = join(dataDir, 'monitor.json');
  let text: string;
  try {
    text = await io.readFile(file);
  } catch {
    return { release: 'bookworm', aptCache: true, sourceDateEpoch: 0 };
  }
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`${file} is not JSON: ${(e as Error).message}`);
  }
  const release = typeof raw.release === 'string' ? raw.release : 'bookworm';
  if (DEBIAN_RELEASES[release] === undefined) throw new UsageError(`${file}: unknown Debian release \`${release}\``);
  let policy: SelectionPolicy | undefined;
  if (raw.policy !== undefined) {
    const checked = checkSelectionPolicy(raw.policy);
    if (!checked.ok) failWith(io, false, 'the monitor policy has errors', checked.diagnostics, formatIntelDiagnostics(`${file} (policy)`, checked.diagnostics));
    policy = checked.value;
  }
  if (raw.webhook !== undefined && (typeof raw.webhook !== 'string' || !/^https?:\/\//.test(raw.webhook))) throw new UsageError(`${file}: \`webhook\` must be an http(s) URL`);
  return {
    release,
    ...(policy !== undefined ? { policy } : {}),
    ...(typeof raw.webhook === 'string' ? { webhook: raw.webhook } : {}),
    ...(typeof raw.mirror === 'string' ? { mirror: raw.mirror } : {}),
    ...(Array.isArray(raw.debs) ? { debs: raw.debs.filter((d): d is string => typeof d === 'string') } : {}),
    aptCache: raw.aptCache !== false,
    sourceDateEpoch: typeof raw.sourceDateEpoch === 'number' && Number.isInteger(raw.sourceDateEpoch) && raw.sourceDateEpoch >= 0 ? raw.sourceDateEpoch : 0,
  };
}

/** The loop's dependencies over a data directory and an open store. */
export function adaptDeps(io: CliIO, dataDir: string, store: ControlPlaneStore, events: EventBus, config: MonitorConfig, toolVersion: string, feeds: FeedSnapshotStore = store.feeds): AdaptDeps {
  const mirror = config.mirror ?? hostMirror(config.release);
  const sources: DebSource[] = [
    ...(config.debs ?? []).map((dir) => ({ kind: 'directory' as const, dir })),
    ...(config.aptCache ? [{ kind: 'directory' as const, dir: APT_ARCHIVES }] : []),
    ...(mirror !== undefined ? [{ kind: 'mirror' as const, url: mirror }] : []),
  ];
  // The catalog and the control catalog are read once per evaluation, on first need.
  let catalog: ReturnType<typeof loadCatalog> | undefined;
  let controls: ReturnType<typeof loadControlCatalog> | undefined;
  let facts: ReturnType<typeof loadPackageFacts> | undefined;
  return {
    deployments: store.deployments,
    artifacts: store.artifacts,
    audit: store.audit,
    summaries: new StoreSummaryStore(store.deployments),
    transaction: (work) => store.transaction(work),
    intel: () => loadIntel(feeds),
    plan: async (app, profile, feeds) => {
      const { universe, sources: indexes } = await (catalog ??= loadCatalog(dataDir));
      const loaded = await (controls ??= loadControlCatalog(CONTROLS_DIR));
      if (!loaded.ok) return { ok: false, message: `the control catalog has errors: ${loaded.diagnostics[0]?.message ?? ''}` };
      // The shipped setuid facts price attack surface as `image plan` does: a release without a
      // facts file plans without them (the plan notes it); a broken file stops the plan.
      const factsFile = defaultPackageFactsFile(config.release);
      const packageFacts = await (facts ??= loadPackageFacts(factsFile));
      if (!packageFacts.ok && existsSync(factsFile)) return { ok: false, message: `the package facts file is unusable: ${packageFacts.problems.join('; ')}` };
      const r = await planImage({
        app, profile, universe, feeds, release: config.release, policy: config.policy ?? {},
        sources: indexes.map(({ label, priority, codename, path, sha256 }) => ({ label, priority, codename, path, sha256 })),
        controls: loaded.value.catalog, profilesDir: 'data/security-controls/profiles',
        ...(packageFacts.ok ? { packageFacts: packageFacts.facts } : {}),
      });
      return r.ok ? r : { ok: false, message: r.diagnostics.map((d) => d.message).join('; ') };
    },
    build: (plan, id) => buildPlannedImage(plan, id, { dataDir, repoDir: REPO, sources, sourceDateEpoch: config.sourceDateEpoch, toolVersion, layerCache: join(dataDir, 'layers') }),
    events: storedEventSink(store.events, events),
    now: () => io.now(),
    release: config.release,
  };
}

const reasonText = (r: RebuildReason) => `${r.kind}: ${r.message}`;

function formatOutcome(o: DeploymentOutcome): string {
  if (!('tier' in o)) return `${o.id}: ${o.status}: ${o.message}\n`;
  const head = o.status === 'rebuilt' ? `rebuilt ${o.from ?? '(none)'} → ${o.to}` : o.status === 'would-rebuild' ? 'would rebuild' : 'no rebuild';
  const lines = [`${o.id}: ${head} (tier ${o.tier}; plan ${o.planDigest})`, ...o.reasons.map((r) => `  because ${reasonText(r)}`), ...o.notices.map((r) => `  note ${reasonText(r)}`)];
  return lines.join('\n') + '\n';
}

/** A webhook notifier subscribed to the bus, when one is configured. */
function subscribeWebhook(io: CliIO, events: EventBus, url: string | undefined): WebhookNotifier | undefined {
  if (url === undefined) return undefined;
  const hook = new WebhookNotifier({ url, onError: (e) => io.stderr(`tessera monitor: ${e.message}\n`) });
  events.subscribe((e) => hook.notify(e));
  return hook;
}

/** The server of the global `--server`/`--token`, or undefined for the embedded store. */
function serverOf(program: Command): ServerClient | undefined {
  const target = program.opts<StoreTarget>();
  return target.server === undefined || target.server === '' ? undefined : ServerClient.of(target, 'the deployments API');
}

async function withStore<T>(dataDir: string, opts: { databaseUrl?: string; databaseSchema: string }, work: (store: ControlPlaneStore) => Promise<T>): Promise<T> {
  if (opts.databaseUrl === undefined) return withControlPlane(dataDir, work);
  const store = await openPostgresControlPlane(opts.databaseUrl, { schema: opts.databaseSchema });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

async function readDocument(io: CliIO, file: string, what: string): Promise<unknown> {
  try {
    return parseYaml(await readText(io, file, what), { maxAliasCount: 100 });
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${file}: not YAML or JSON: ${(e as Error).message.split('\n')[0]}`);
  }
}

export function registerMonitor(program: Command, io: CliIO): void {
  const monitor = program.command('monitor').description('the adaptation loop: re-assess registered deployments and rebuild their images when the risk changes')
    .addHelpText('after', `
A deployment is rebuilt when a package its image ships at a vulnerable version enters CISA KEV or
gets an SSVC decision of out-of-cycle or immediate while a fixed version exists, when such a
vulnerability gains its fix, when its risk tier changes, or when the image policy changes. A
known-exploited vulnerability without a fix is reported, not rebuilt for. Each rebuild is recorded
in the deployment's lineage with its reasons and in the audit log (actor system/monitor).
\`tessera serve --monitor-interval SECONDS\` runs the loop in the server (one leader per store).

Examples:
  $ tessera monitor register --id payments --app app.yaml --env env.yaml
  $ tessera monitor run-once --dry-run        what would be rebuilt, and why
  $ tessera monitor run-once --json`);

  monitor.command('register').description('register a deployment (or replace its app and environment; its image and lineage stay)')
    .requiredOption('--id <id>', 'the deployment id')
    .option('--app <file>', 'application metadata (YAML or JSON)')
    .option('--app-ref <name[@revision]>', 'a stored app profile instead of --app (without @revision: the latest, and each new one)')
    .option('--env <file>', 'deployment environment (YAML or JSON)')
    .option('--env-ref <name[@revision]>', 'a stored environment instead of --env (without @revision: the latest, and each new one)')
    .option('--json', 'print the deployment as JSON')
    .action(async (opts: { id: string; app?: string; appRef?: string; env?: string; envRef?: string; json?: boolean }) => {
      const json = opts.json === true;
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(opts.id)) throw new UsageError(`--id \`${opts.id}\`: use letters, digits, '.', '_' and '-' (at most 128)`);
      if (opts.app !== undefined && opts.appRef !== undefined) throw new UsageError('give --app or --app-ref, not both');
      if (opts.env !== undefined && opts.envRef !== undefined) throw new UsageError('give --env or --env-ref, not both');
      const app = opts.app !== undefined ? await readDocument(io, opts.app, 'app') : documentRef('--app-ref', opts.appRef, '--app');
      const env = opts.env !== undefined ? await readDocument(io, opts.env, 'env') : documentRef('--env-ref', opts.envRef, '--env');
      if (opts.app !== undefined) {
        const checkedApp = checkApp(app);
        if (!checkedApp.ok) failWith(io, json, 'the app file has errors', checkedApp.diagnostics, formatIntelDiagnostics(opts.app, checkedApp.diagnostics));
      }
      if (opts.env !== undefined) {
        const checkedEnv = checkEnv(env);
        if (!checkedEnv.ok) failWith(io, json, 'the env file has errors', checkedEnv.diagnostics, formatIntelDiagnostics(opts.env, checkedEnv.diagnostics));
      }
      const server = serverOf(program);
      if (server !== undefined) {
        // --server: the deployments API registers it (resolving references, auditing as the token's principal).
        const r = await server.call<Record<string, unknown> & { imageDigest: string | null }>('PUT', `/v1/deployments/${encodeURIComponent(opts.id)}`, { app, environment: env });
        const registered = r.status === 201;
        io.stdout(json ? JSON.stringify({ ...r.body, registered }, null, 2) + '\n' : `${registered ? 'registered' : 'updated'} deployment ${opts.id} on ${server.base}${r.body.imageDigest !== null ? ` (image ${r.body.imageDigest})` : ''}\n`);
        return;
      }
      const dataDir = program.opts<{ dataDir: string }>().dataDir;
      const record = await withControlPlane(dataDir, (store) => store.transaction(async (tx) => {
        const docs = await resolveDeploymentDocuments(tx.artifacts, app, env);
        if (!docs.ok) return docs;
        const old = await tx.deployments.getDeployment(opts.id);
        const at = io.now().toISOString();
        const next = { id: opts.id, app: docs.app, environment: docs.environment, imageDigest: old?.imageDigest ?? null, planDigest: old?.planDigest ?? null, riskTier: old?.riskTier ?? null, updatedAt: at, ...(docs.documents !== undefined ? { documents: docs.documents } : {}) };
        await tx.deployments.putDeployment(next);
        await tx.audit.append({ at, actor: `user/${io.env.USER ?? 'cli'}`, action: 'tessera:RegisterDeployment', resource: `trn:tessera:deployment/${opts.id}`, outcome: 'changed', detail: { op: old === undefined ? 'register' : 'update', via: 'cli' } });
        return { ...next, ok: true as const, registered: old === undefined };
      }));
      if (!record.ok) failWith(io, json, 'a referenced document is not stored', [], `${record.message}: store it first (PUT /v1/apps/NAME or /v1/environments/NAME)\n`);
      io.stdout(json ? JSON.stringify(record, null, 2) + '\n' : `${record.registered ? 'registered' : 'updated'} deployment ${opts.id}${record.imageDigest !== null ? ` (image ${record.imageDigest})` : ' (no image yet: tessera monitor run-once builds it)'}\n`);
    });

  monitor.command('run-once').description('re-evaluate every deployment now: rebuild where the risk calls for it, and say why')
    .option('--id <id...>', 'only these deployments')
    .option('--dry-run', 'decide and print only: build nothing, record nothing')
    .option('--database-url <url>', 'PostgreSQL instead of the data directory\'s SQLite file')
    .option('--database-schema <name>', 'the PostgreSQL schema that holds the store', 'tessera')
    .option('--json', 'print the outcomes as JSON')
    .action(async (opts: { id?: string[]; dryRun?: boolean; databaseUrl?: string; databaseSchema: string; json?: boolean }) => {
      const json = opts.json === true;
      const server = opts.databaseUrl === undefined ? serverOf(program) : undefined;
      if (server !== undefined) {
        // The server evaluates on its own store, data directory and catalog, and streams its
        // progress (each outcome as it is known, on stderr) before the result.
        const result = await evaluateRemotely(io, server, { dryRun: opts.dryRun === true, ...(opts.id !== undefined ? { ids: opts.id } : {}) });
        const remote = result.outcomes;
        io.stdout(json ? JSON.stringify({ dryRun: result.dryRun, outcomes: remote, server: server.base }, null, 2) + '\n' : remote.length === 0 ? `no deployments registered on ${server.base}\n` : remote.map(formatOutcome).join(''));
        const failedRemote = remote.filter((o) => o.status === 'invalid' || o.status === 'no-plan' || o.status === 'failed');
        if (failedRemote.length > 0) failWith(io, json, `${failedRemote.length} deployment(s) could not be evaluated`, failedRemote, `${failedRemote.length} deployment(s) could not be evaluated`);
        return;
      }
      const dataDir = program.opts<{ dataDir: string }>().dataDir;
      const config = await readMonitorConfig(io, dataDir);
      const events = new EventBus();
      const hook = opts.dryRun === true ? undefined : subscribeWebhook(io, events, config.webhook);
      const outcomes = await withStore(dataDir, opts, async (store) => {
        // A dry run changes nothing: it reads an older data directory's feed files where a real
        // run would first move them into the store.
        let feeds: FeedSnapshotStore = store.feeds;
        if (opts.dryRun === true) feeds = feedsAsAdopted(new FileFeedStore(feedDir(dataDir)), store.feeds);
        else await adoptFeedFiles(io, dataDir, store);
        return evaluateDeployments(adaptDeps(io, dataDir, store, events, config, program.version() ?? 'unknown', feeds), { dryRun: opts.dryRun === true, ...(opts.id !== undefined ? { ids: opts.id } : {}) });
      });
      await hook?.close();
      io.stdout(json ? JSON.stringify({ dryRun: opts.dryRun === true, outcomes, events: events.after(0, 10_000) }, null, 2) + '\n' : outcomes.length === 0 ? 'no deployments registered (tessera monitor register)\n' : outcomes.map(formatOutcome).join(''));
      const failed = outcomes.filter((o) => o.status === 'invalid' || o.status === 'no-plan' || o.status === 'failed');
      if (failed.length > 0) failWith(io, json, `${failed.length} deployment(s) could not be evaluated`, failed, `${failed.length} deployment(s) could not be evaluated`);
    });
}

/**
 * POST /v1/monitor/evaluations as JSON lines: `started`, an `outcome` per deployment (printed to
 * stderr as progress), heartbeats while a build runs, then `done` with every outcome; an `error`
 * line is the server's failure after the answer had begun.
 */
async function evaluateRemotely(io: CliIO, server: ServerClient, body: { dryRun: boolean; ids?: string[] }): Promise<{ dryRun: boolean; outcomes: DeploymentOutcome[] }> {
  let result: { dryRun: boolean; outcomes: DeploymentOutcome[] } | undefined;
  let total = 0;
  let seen = 0;
  await server.stream('POST', '/v1/monitor/evaluations', body, (value) => {
    const event = value as { type?: string; deployments?: number; outcome?: DeploymentOutcome; detail?: string; dryRun?: boolean; outcomes?: DeploymentOutcome[] };
    if (event.type === 'started') {
      total = event.deployments ?? 0;
      io.stderr(`evaluating ${total} deployment(s) on ${server.base}${body.dryRun ? ' (dry run)' : ''}\n`);
    } else if (event.type === 'outcome' && event.outcome !== undefined) {
      io.stderr(`[${++seen}/${total}] ${formatOutcome(event.outcome)}`);
    } else if (event.type === 'error') {
      throw new ServerProblemError(server.base, 500, 'evaluation failed', event.detail ?? 'the server gave no reason');
    } else if (event.type === 'done' || event.type === undefined) {
      // `done`, or a server that answered one JSON document.
      result = { dryRun: event.dryRun === true, outcomes: event.outcomes ?? [] };
    }
  });
  if (result === undefined) throw new ServerProblemError(server.base, 0, 'incomplete answer', 'the server ended the answer before the evaluation was done (it may still be running there: see GET /v1/events)');
  return result;
}

/**
 * What `tessera serve` answers POST /v1/monitor/evaluations with: `run-once` on the server's own
 * store and data directory (the monitor configuration is read per evaluation), announcing on
 * `events` (the running loop's bus, whose webhook then hears it; without one, a bus of its own
 * with the configured webhook).
 */
export function monitorRunner(io: CliIO, store: ControlPlaneStore, opts: { dataDir: string; toolVersion: string; events?: EventBus }): MonitorRunner {
  return {
    async evaluate({ ids, dryRun, onStart, onOutcome }) {
      const config = await readMonitorConfig(io, opts.dataDir);
      const events = opts.events ?? new EventBus();
      // The running loop's bus already feeds the webhook; a bus of our own needs it subscribed.
      const hook = dryRun || opts.events !== undefined ? undefined : subscribeWebhook(io, events, config.webhook);
      try {
        const progress = { ...(onStart !== undefined ? { onStart } : {}), ...(onOutcome !== undefined ? { onOutcome } : {}) };
        return await evaluateDeployments(adaptDeps(io, opts.dataDir, store, events, config, opts.toolVersion), { dryRun, ...(ids !== undefined ? { ids } : {}), ...progress });
      } finally {
        await hook?.close();
      }
    },
  };
}

export interface StartedMonitor {
  readonly events: EventBus;
  /** Looks for new intel now (the server's own imports call it). */
  poke(): void;
  stop(): Promise<void>;
}

/**
 * The loop inside `tessera serve`: leadership (a PostgreSQL advisory lock, or sole on SQLite),
 * the schedule, the webhook. Progress and failures go to stderr; nothing here stops the server.
 */
export async function startMonitor(io: CliIO, store: ControlPlaneStore, opts: { dataDir: string; intervalSeconds: number; pollSeconds?: number; databaseUrl?: string; databaseSchema: string; toolVersion: string }): Promise<StartedMonitor> {
  const config = await readMonitorConfig(io, opts.dataDir);
  const events = new EventBus();
  const hook = subscribeWebhook(io, events, config.webhook);
  const leadership: Leadership = opts.databaseUrl === undefined
    ? soleLeader()
    : new PostgresLeadership(opts.databaseUrl, {
      schema: opts.databaseSchema,
      retryMs: Math.min(opts.intervalSeconds * 1000, 5000),
      onChange: (leading) => io.stderr(`tessera monitor: ${leading ? 'leading the adaptation loop' : 'following (another node leads the adaptation loop)'}\n`),
    });
  await leadership.start();
  await adoptFeedFiles(io, opts.dataDir, store);
  const loop = startAdaptationLoop({
    leadership,
    intervalMs: opts.intervalSeconds * 1000,
    ...(opts.pollSeconds !== undefined ? { pollMs: opts.pollSeconds * 1000 } : {}),
    // The store's current snapshots, which every node shares: an import on any node changes it.
    fingerprint: async () => {
      const current = await store.feeds.currentHashes();
      return FEEDS.map((s) => current[s] ?? '-').join(',') + `|${(await store.deployments.listDeployments()).map((d) => d.id).join(',')}`;
    },
    run: async () => {
      const outcomes = await evaluateDeployments(adaptDeps(io, opts.dataDir, store, events, config, opts.toolVersion));
      for (const o of outcomes) if (o.status !== 'unchanged') io.stderr(`tessera monitor: ${formatOutcome(o)}`);
    },
    onError: (e) => io.stderr(`tessera monitor: evaluation failed: ${e.message}\n`),
  });
  const watcher = await watchFeedIndex(io, feedDir(opts.dataDir), () => loop.poke());
  return {
    events,
    poke: () => loop.poke(),
    async stop() {
      watcher?.close();
      await loop.stop();
      await leadership.close();
      await hook?.close();
    },
  };
}

/** `--app-ref name[@revision]` as the reference the store resolves; exactly one of the file and the reference. */
function documentRef(flag: string, value: string | undefined, fileFlag: string): { ref: { name: string; revision?: number } } {
  if (value === undefined) throw new UsageError(`give ${fileFlag} <file> or ${flag} <name[@revision]>`);
  const m = /^([^@\s]+)(?:@([1-9][0-9]{0,8}))?$/.exec(value);
  if (m === null) throw new UsageError(`${flag} \`${value}\`: use name or name@revision (a whole number from 1)`);
  return { ref: m[2] === undefined ? { name: m[1] as string } : { name: m[1] as string, revision: Number(m[2]) } };
}

/**
 * An import by `tessera intel import` on this data directory (another process) rings a doorbell
 * file in the feed directory after its commit; watching that directory pokes the loop at once.
 * Imports on other nodes (or where watching is not possible) are found by the poll of the store.
 */
async function watchFeedIndex(io: CliIO, dir: string, onChange: () => void): Promise<FSWatcher | undefined> {
  try {
    await mkdir(dir, { recursive: true });
    const watcher = watch(dir, (_event, file) => {
      if (file === null || file === IMPORT_DOORBELL) onChange();
    });
    watcher.on('error', (e) => io.stderr(`tessera monitor: no longer watching ${dir} (${e.message}); new intel is found by polling\n`));
    return watcher;
  } catch (e) {
    io.stderr(`tessera monitor: cannot watch ${dir} (${(e as Error).message}); new intel is found by polling\n`);
    return undefined;
  }
}
