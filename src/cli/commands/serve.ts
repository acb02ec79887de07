/**
 * `tessera serve`: the control plane's HTTP API over the data directory's SQLite store (or
 * PostgreSQL with --database-url). On a store without tokens it creates a central-admin token and
 * prints it once, with the URL: there is no other way in. Runs until SIGINT or SIGTERM, then stops
 * accepting, finishes the requests in flight and closes the store. Stored adaptation-loop events
 * older than --event-retention days are pruned at start and hourly (src/server/event-retention.ts).
 */
import { mkdir } from 'node:fs/promises';
import type { Command } from 'commander';
import { DEFAULT_EVENT_RETENTION_DAYS, createToken, startEventRetention, startServer, type EventRetention, type StartedServer } from '../../server/index.js';
import { ControlPlaneStoreError, openPostgresControlPlane, openSqliteControlPlane, type ControlPlaneStore } from '../../store/index.js';
import { UsageError } from '../errors.js';
import type { CliIO } from '../io.js';
import { storeFile } from '../store.js';
import { adoptFeedFiles } from './intel.js';
import { monitorRunner, startMonitor, type StartedMonitor } from './monitor.js';
import { seedDemo } from './demo-seed.js';

export interface ServeOptions {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  databaseSchema: string;
  json: boolean;
  /** Run the adaptation loop every this many seconds (and on every intel import). */
  monitorInterval?: number;
  /** Largest feed POST /v1/intel/{source} accepts, in bytes (default 64 MiB). */
  intelBodyLimit?: number;
  /** Which `/v1/authorize` decisions go into the audit log (default: every denied one, no allowed one). */
  auditDecisions?: { denied: boolean; allowedSample: number };
  /** Prune stored events older than this many days, at start and hourly; undefined or 0 keeps them forever. */
  eventRetentionDays?: number;
}

export interface SeedOutput {
  text: string;
  json: unknown;
}

export interface ServeHooks {
  /**
   * Runs once the store is open, before the server listens (the demo seed). What it returns is
   * printed after the URL (`text`) or put under `seed` in the --json object.
   */
  seed?: (store: ControlPlaneStore) => Promise<SeedOutput | void>;
  /** Resolves when the server should stop; the command passes SIGINT/SIGTERM. */
  stop: Promise<unknown>;
  /** Called once the server listens (tests read the URL from it). */
  onListening?: (server: StartedServer) => void;
}

async function openStore(opts: ServeOptions): Promise<ControlPlaneStore> {
  if (opts.databaseUrl !== undefined) {
    try {
      return await openPostgresControlPlane(opts.databaseUrl, { schema: opts.databaseSchema });
    } catch (e) {
      if (e instanceof ControlPlaneStoreError) throw new UsageError(`cannot open the database at --database-url: ${e.message}`);
      throw e;
    }
  }
  try {
    await mkdir(opts.dataDir, { recursive: true });
  } catch (e) {
    throw new UsageError(`cannot create the data directory \`${opts.dataDir}\`: ${(e as Error).message}`);
  }
  return openSqliteControlPlane(storeFile(opts.dataDir));
}

/** Serves until `hooks.stop` resolves, then closes the server and the store. */
export async function serve(opts: ServeOptions, io: CliIO, hooks: ServeHooks): Promise<void> {
  const store = await openStore(opts);
  let server: StartedServer | undefined;
  let monitor: StartedMonitor | undefined;
  let retention: EventRetention | undefined;
  try {
    // Intel is the store's, shared by every node; feed files an older Tessera left here move in once.
    await adoptFeedFiles(io, opts.dataDir, store);
    // The bootstrap token first: a seed that adds tokens must not hide that the store had none.
    const bootstrap = (await store.tokens.listTokens()).length === 0
      ? await createToken(store, { principal: 'user/admin', role: 'central-admin', at: io.now() })
      : undefined;
    const seeded = hooks.seed !== undefined ? await hooks.seed(store) : undefined;
    if (opts.eventRetentionDays !== undefined && opts.eventRetentionDays > 0) {
      retention = startEventRetention(store.events, { days: opts.eventRetentionDays, now: () => io.now(), onError: (e) => io.stderr(`tessera: pruning old events failed (retried hourly): ${(e as Error).message}\n`) });
      await retention.started;
    }
    if (opts.monitorInterval !== undefined) monitor = await startMonitor(io, store, { dataDir: opts.dataDir, intervalSeconds: opts.monitorInterval, databaseUrl: opts.databaseUrl, databaseSchema: opts.databaseSchema, toolVersion: 'tessera' });
    try {
      server = await startServer({ store, host: opts.host, port: opts.port, now: () => io.now(), auditDecisions: opts.auditDecisions ?? { denied: true, allowedSample: 0 }, logger: opts.json ? false : { level: 'warn' }, ...(monitor !== undefined ? { events: monitor.events } : {}), ...(opts.intelBodyLimit !== undefined ? { intelBodyLimit: opts.intelBodyLimit } : {}), onIntelImported: () => monitor?.poke(), monitor: monitorRunner(io, store, { dataDir: opts.dataDir, toolVersion: 'tessera', ...(monitor !== undefined ? { events: monitor.events } : {}) }) });
    } catch (e) {
      // A port in use or not ours to take is the command line's problem, not a crash.
      const code = (e as { code?: unknown }).code;
      if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new UsageError(`cannot listen on ${opts.host}:${opts.port}: ${(e as Error).message}`);
      throw e;
    }
    if (opts.json) {
      io.stdout(JSON.stringify({ url: server.url, bootstrapToken: bootstrap?.token ?? null, ...(seeded ? { seed: seeded.json } : {}) }) + '\n');
    } else {
      io.stdout(`Tessera control plane listening on ${server.url} (web UI: ${server.url}/, OpenAPI: ${server.url}/openapi.json)\n`);
      if (bootstrap !== undefined) {
        io.stdout(`Bootstrap central-admin token for user/admin (shown once, keep it safe):\n  ${bootstrap.token}\n`);
        io.stdout(`Try: curl -H 'Authorization: Bearer ${bootstrap.token}' ${server.url}/v1/fragments\n`);
      }
      if (seeded) io.stdout(seeded.text);
    }
    hooks.onListening?.(server);
    await hooks.stop;
  } finally {
    // The loop and the pruning stop first: they use the store that the server's close closes.
    await monitor?.stop();
    await retention?.stop();
    // startServer's close closes the store too; without a server the store is closed here.
    if (server !== undefined) await server.close();
    else await store.close();
  }
}

/** Resolves on the first SIGINT or SIGTERM. */
function terminationSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.once('SIGINT', on);
    process.once('SIGTERM', on);
  });
}

/** The demo seed as a serve hook: seeds an empty store and says what it made. */
async function demoSeed(store: ControlPlaneStore, now: Date): Promise<SeedOutput> {
  const r = await seedDemo(store, now);
  if (!r.seeded) return { text: 'Demo: the store has data already; nothing was seeded (tokens were printed on the first start).\n', json: r };
  const lines = [
    `Demo seeded: ${r.fragments} approved starter fragments; boundary ${r.boundary ?? 'none'}; deployments ${r.deployments.map((d) => `${d.id} (tier ${d.tier}, risk ${d.score})`).join(', ')}.`,
    'Demo tokens (shown once):',
    ...r.tokens.map((t) => `  ${t.role.padEnd(16)} ${t.principal.padEnd(22)} ${t.token}`),
    '',
  ];
  return { text: lines.join('\n'), json: r };
}

export function registerServe(program: Command, io: CliIO, seed?: ServeHooks['seed']): void {
  program
    .command('serve')
    .description('run the control plane HTTP API (fragments, decisions, tokens, audit, deployments)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '8750')
    .option('--database-url <url>', 'PostgreSQL instead of the data directory\'s SQLite file, e.g. postgres://user@host:5432/db')
    .option('--database-schema <name>', 'the PostgreSQL schema that holds the store', 'tessera')
    .option('--demo', 'seed an empty store with the demo: starter fragments, two apps, a token per role')
    .option('--monitor-interval <seconds>', 'run the adaptation loop: re-evaluate deployments this often and on every intel import')
    .option('--intel-body-limit <MiB>', 'largest threat feed POST /v1/intel/{source} accepts, in MiB', '64')
    .option('--no-audit-denied', 'do not write denied /v1/authorize decisions to the audit log (written by default)')
    .option('--audit-allowed <fraction>', 'also audit this share (0-1) of allowed /v1/authorize decisions', '0')
    .option('--event-retention <days>', 'prune adaptation-loop events older than this, at start and hourly (0 keeps them forever)', String(DEFAULT_EVENT_RETENTION_DAYS))
    .option('--json', 'print the URL and the bootstrap token as one JSON object')
    .addHelpText('after', `
Examples:
  $ tessera serve                                   SQLite in the data directory, http://127.0.0.1:8750
  $ tessera serve --port 9000 --data-dir /var/lib/tessera
  $ tessera serve --database-url postgres://tessera@db:5432/tessera
  $ tessera serve --demo                            what \`npm start\` runs
  $ tessera serve --event-retention 7               keep a week of /v1/events

On first start (no tokens yet) a central-admin token is printed once. Stop with Ctrl-C (SIGINT) or SIGTERM.`)
    .action(async (opts: { host: string; port: string; databaseUrl?: string; databaseSchema: string; demo?: boolean; monitorInterval?: string; intelBodyLimit: string; auditDenied: boolean; auditAllowed: string; eventRetention: string; json?: boolean }, cmd: Command) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port \`${opts.port}\` is not a port number (0-65535)`);
      const dataDir = (cmd.optsWithGlobals() as { dataDir: string }).dataDir;
      const monitorInterval = opts.monitorInterval === undefined ? undefined : Number(opts.monitorInterval);
      if (monitorInterval !== undefined && !(Number.isInteger(monitorInterval) && monitorInterval >= 1)) throw new UsageError(`--monitor-interval \`${opts.monitorInterval}\` is not a whole number of seconds (1 or more)`);
      const allowedSample = Number(opts.auditAllowed);
      if (!(allowedSample >= 0 && allowedSample <= 1)) throw new UsageError(`--audit-allowed \`${opts.auditAllowed}\` is not a fraction between 0 and 1`);
      const auditDecisions = { denied: opts.auditDenied, allowedSample };
      const intelMiB = Number(opts.intelBodyLimit);
      if (!(Number.isInteger(intelMiB) && intelMiB >= 1 && intelMiB <= 1024)) throw new UsageError(`--intel-body-limit \`${opts.intelBodyLimit}\` is not a whole number of MiB (1-1024)`);
      const eventRetentionDays = Number(opts.eventRetention);
      if (!(Number.isInteger(eventRetentionDays) && eventRetentionDays >= 0)) throw new UsageError(`--event-retention \`${opts.eventRetention}\` is not a whole number of days (0 keeps events forever)`);
      await serve({ host: opts.host, port, dataDir, databaseUrl: opts.databaseUrl, databaseSchema: opts.databaseSchema, json: opts.json === true, auditDecisions, intelBodyLimit: intelMiB * 1024 * 1024, eventRetentionDays, ...(monitorInterval !== undefined ? { monitorInterval } : {}) }, io, {
        seed: opts.demo === true ? (store) => demoSeed(store, io.now()) : seed,
        // Signals are the process's; the CLI's other commands never wait for one, so this is the one place.
        stop: terminationSignal(),
      });
    });
}
