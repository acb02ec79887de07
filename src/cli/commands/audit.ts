/**
 * `tessera audit verify|export`: the hash-chained audit log in the data directory's store. Verify
 * re-hashes every record and checks each link (src/audit), and says where the chain first breaks
 * and how: a record edited, records removed, or records reordered. Export writes records as JSON
 * lines, the form `verify --file` checks offline.
 */
import type { Command } from 'commander';
import { verifyChain } from '../../audit/index.js';
import type { AuditRecord, ChainVerification } from '../../audit/index.js';
import { ControlPlaneStoreError } from '../../store/index.js';
import type { AuditLogStore } from '../../store/index.js';
import { InputError, UsageError } from '../errors.js';
import { failWith, integerOption, readText } from '../inputs.js';
import type { CliIO } from '../io.js';
import { withControlPlane } from '../store.js';

interface Global { dataDir: string }
const dataDir = (cmd: Command) => (cmd.optsWithGlobals() as Global).dataDir;

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
  $ tessera audit verify --file audit.jsonl`);

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
      const records = opts.file !== undefined ? parseExport(await readText(io, opts.file, 'audit export'), opts.file) : await guarded(io, json, () => withControlPlane(dataDir(cmd), (store) => readAll(store.audit)));
      report(io, verifyChain(records), json);
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

async function readAll(log: AuditLogStore): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for (;;) {
    const page = await log.read(out.at(-1)?.seq ?? 0, PAGE);
    out.push(...page);
    if (page.length < PAGE) return out;
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

function parseExport(text: string, file: string): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new UsageError(`${file}:${i + 1}: not a JSON line (${(e as Error).message})`);
    }
    const r = value as Partial<AuditRecord> | null;
    if (r === null || typeof r !== 'object' || typeof r.seq !== 'number' || typeof r.hash !== 'string' || typeof r.prevHash !== 'string') {
      throw new UsageError(`${file}:${i + 1}: not an audit record (seq, prevHash and hash are required)`);
    }
    records.push(r as AuditRecord);
  }
  return records;
}
