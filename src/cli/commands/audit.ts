/**
 * `tessera audit verify|export`: the hash-chained audit log in the data directory's store. Verify
 * re-hashes every record and checks each link (src/audit), and says where the chain first breaks
 * and how: a record edited, records removed, or records reordered. Export writes records as JSON
 * lines, the form `verify --file` checks offline. With `--server URL --token T` both read the
 * server's log through GET /v1/audit page by page and verify the chain here, so the check does not
 * rest on the server's word (its own /v1/audit/verify would). Verification streams: the store or
 * the server is read a page at a time, an export a line at a time, into the chain verifier, which
 * holds a small window of records; a log of any length verifies in bounded memory.
 */
import type { Command } from 'commander';
import { pagedAuditRecords, verifyChainStream } from '../../audit/index.js';
import type { AuditRecord, ChainVerification } from '../../audit/index.js';
import { ControlPlaneStoreError } from '../../store/index.js';
import { InputError, UsageError } from '../errors.js';
import { failWith, integerOption, readText } from '../inputs.js';
import type { CliIO } from '../io.js';
import { ServerClient } from '../remote-client.js';
import { withControlPlane, type StoreTarget } from '../store.js';

const dataDir = (cmd: Command) => cmd.optsWithGlobals<StoreTarget>().dataDir;
/** The server of `--server`, or undefined for the data directory's store. */
const remote = (cmd: Command): ServerClient | undefined => {
  const target = cmd.optsWithGlobals<StoreTarget>();
  return target.server === undefined || target.server === '' ? undefined : ServerClient.of(target, 'the audit log');
};

/** Records read per query: the log is read in pages, never in one statement. */
const PAGE = 1000;

export function registerAudit(program: Command, io: CliIO): void {
  const audit = program.command('audit').description('the tamper-evident audit log: verify its hash chain, export it').addHelpText('after', `
Every change the control plane makes is appended to one log in which each
record carries the SHA-256 of the record before it, so editing, removing or
reordering a record breaks the chain at that point.

Examples:
  $ tessera audit verify
  $ tessera audit verify --json | jq '.problems[0]'
  $ tessera audit export > audit.jsonl
  $ tessera audit verify --file audit.jsonl
  $ tessera --server https://tessera.example --token "$T" audit verify`);

  audit.command('verify').description('re-hash every record and check the chain; exit 1 where it breaks')
    .option('--file <file>', 'verify an export (JSON lines from `tessera audit export`) instead of the store')
    .option('--json', 'print the verification as one JSON object')
    .addHelpText('after', `
Exit status 0 when every record hashes to its hash and links to the one before;
1 when the chain is broken, with where it first breaks (seq) and how: edited,
removed (a gap in seq) or reordered. Records removed from the end leave a valid,
shorter chain: compare the head with one kept elsewhere.

Examples:
  $ tessera audit verify
  $ tessera audit verify --json
  $ tessera audit verify --file audit.jsonl`)
    .action(async (opts: { file?: string; json?: boolean }, cmd: Command) => {
      const json = opts.json === true;
      const server = opts.file === undefined ? remote(cmd) : undefined;
      const result = opts.file !== undefined
        ? await verifyChainStream(exportRecords(io, opts.file))
        : server !== undefined
          ? await verifyChainStream(pagedAuditRecords((after, limit) => remotePage(server, after, limit), REMOTE_PAGE))
          : await guarded(io, json, () => withControlPlane(dataDir(cmd), (store) => verifyChainStream(pagedAuditRecords((after, limit) => store.audit.read(after, limit), PAGE))));
      report(io, result, json);
    });

  audit.command('export').description('print records as JSON lines, oldest first')
    .option('--after <seq>', 'only records after this seq', integerOption('--after'), 0)
    .option('--limit <n>', 'at most this many records', integerOption('--limit'))
    .addHelpText('after', `
One record per line: seq, prevHash, hash, at, actor, action, resource, outcome,
detail. Records are written as stored, unverified; \`tessera audit verify --file\`
checks an export that starts at seq 1.

Examples:
  $ tessera audit export > audit.jsonl
  $ tessera audit export --after 1200 --limit 100`)
    .action(async (opts: { after: number; limit?: number }, cmd: Command) => {
      const server = remote(cmd);
      if (server !== undefined) return exportRemote(io, server, opts.after, opts.limit ?? Number.POSITIVE_INFINITY);
      await guarded(io, false, () =>
        withControlPlane(dataDir(cmd), async (store) => {
          let after = opts.after;
          let left = opts.limit ?? Number.POSITIVE_INFINITY;
          while (left > 0) {
            const page = await store.audit.read(after, Math.min(PAGE, left));
            if (page.length === 0) break;
            io.stdout(page.map((r) => JSON.stringify(ordered(r))).join('\n') + '\n');
            after = page.at(-1)?.seq ?? after;
            left -= page.length;
          }
        }),
      );
    });
}

/** The server's page size limit for GET /v1/audit. */
const REMOTE_PAGE = 1000;

async function remotePage(server: ServerClient, after: number, limit: number): Promise<AuditRecord[]> {
  return (await server.get<{ items: AuditRecord[] }>(`/v1/audit?after=${after}&limit=${limit}`)).body.items;
}

/** Writes each page as it arrives: an export of a long log never sits in memory whole. */
async function exportRemote(io: CliIO, server: ServerClient, after: number, limit: number): Promise<void> {
  let left = limit;
  while (left > 0) {
    const page = await remotePage(server, after, Math.min(REMOTE_PAGE, left));
    if (page.length === 0) break;
    io.stdout(page.map((r) => JSON.stringify(ordered(r))).join('\n') + '\n');
    after = page.at(-1)?.seq ?? after;
    left -= page.length;
  }
}

/** A store that fails or holds an unreadable row is a finding about the log, not a crash. */
async function guarded<T>(io: CliIO, json: boolean, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof ControlPlaneStoreError) failWith(io, json, e.message, [{ code: e.code, message: e.message }], `tessera: ${e.message}`);
    throw e;
  }
}

function report(io: CliIO, result: ChainVerification, json: boolean): void {
  if (json) io.stdout(JSON.stringify(result, null, 2) + '\n');
  else if (result.ok) io.stdout(`audit log verified: ${result.records} record${result.records === 1 ? '' : 's'}, head seq ${result.head.seq} ${result.head.hash}\n`);
  if (result.ok) return;
  if (!json) {
    const [first] = result.problems;
    const lines = [`tessera: the audit chain is broken at seq ${first?.seq}: ${first?.message}`];
    for (const p of result.problems) lines.push(`  ${p.code} at seq ${p.seq}: ${p.message}`);
    lines.push(`  help: ${first?.help}`);
    io.stderr(lines.join('\n') + '\n');
  }
  throw new InputError('the audit chain is broken');
}

/** Field order of an exported line (JSON.stringify keeps insertion order). */
function ordered(r: AuditRecord): AuditRecord {
  return { seq: r.seq, prevHash: r.prevHash, hash: r.hash, at: r.at, actor: r.actor, action: r.action, resource: r.resource, outcome: r.outcome, detail: r.detail };
}

/**
 * The records of an export, parsed line by line as the file is read (io.readLines), so that an
 * export of any length is never held whole; an IO without readLines reads the text and splits it.
 */
async function* exportRecords(io: CliIO, file: string): AsyncGenerator<AuditRecord> {
  const lines = io.readLines?.(file) ?? (async function* () { yield* (await readText(io, file, 'audit export')).split('\n'); })();
  const it = lines[Symbol.asyncIterator]();
  try {
    for (let n = 1; ; n++) {
      let next: IteratorResult<string>;
      try {
        next = await it.next();
      } catch (e) {
        if (e instanceof UsageError) throw e;
        throw new UsageError(`cannot read audit export \`${file}\`: ${(e as Error).message}`);
      }
      if (next.done === true) return;
      if (next.value.trim() !== '') yield parseExportLine(next.value, `${file}:${n}`);
    }
  } finally {
    // A bad line ends the read early: close the file (readline's return closes its stream).
    await it.return?.();
  }
}

function parseExportLine(line: string, where: string): AuditRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    throw new UsageError(`${where}: not a JSON line (${(e as Error).message})`);
  }
  const r = value as Partial<AuditRecord> | null;
  if (r === null || typeof r !== 'object' || typeof r.seq !== 'number' || typeof r.hash !== 'string' || typeof r.prevHash !== 'string') {
    throw new UsageError(`${where}: not an audit record (seq, prevHash and hash are required)`);
  }
  return r as AuditRecord;
}
