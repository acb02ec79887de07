/**
 * `tessera fragment add|version|submit|approve|reject|deprecate|archive|list|show|search`: the
 * fragment repository in the data directory's store. Every write command checks all of its inputs
 * before the first write, so bad input changes nothing.
 */
import { Option, type Command } from 'commander';
import { loadAwsCatalog, servicesOf } from '../../aws-catalog/index.js';
import {
  FRAGMENT_STATUSES, FragmentStoreError, contentHash, formatRef, hasFragmentErrors, parseRef, reviewProblem, transition, validateFragment,
  type FragmentContent, type FragmentDiagnostic, type FragmentQuery, type FragmentRef, type FragmentStatus, type FragmentVersion, type LifecycleAction,
} from '../../fragments/index.js';
import { parseJsonText, type Diagnostic } from '../../policy/index.js';
import { UsageError } from '../errors.js';
import { formatDiagnostics, summarize } from '../format-diagnostics.js';
import { actorName, collect, failWith, integerOption, readText } from '../inputs.js';
import type { CliIO } from '../io.js';
import { withFragmentStore, type StoreTarget } from '../store.js';
import { formatFragment, formatVersionRow } from './fragment-format.js';

/** The data directory's store, or the server of `--server`. */
const dataDir = (cmd: Command): StoreTarget => cmd.optsWithGlobals<StoreTarget>();

export function registerFragment(program: Command, io: CliIO): void {
  const fragment = program.command('fragment').description('the repository of pre-approved, versioned IAM policy fragments').addHelpText('after', `
Lifecycle: draft → in-review → approved → deprecated → archived (reject sends a
version in review back to its author; a new submission retries it). Versions are
immutable and content-addressed; a deprecated version stays usable where pinned.

Examples:
  $ tessera fragment add catalog/fragments/*.json --by alice
  $ tessera fragment submit s3-read-prefix@1 --by alice
  $ tessera fragment approve s3-read-prefix@1 --by bob --comment "matches the data policy"
  $ tessera fragment search --action 's3:Get*' --status approved
  $ tessera fragment show s3-read-prefix`);

  const writeOptions = (c: Command) => c.option('--by <name>', 'who is acting (default: $TESSERA_USER, else $USER)').option('--json', 'print the stored versions as JSON');

  writeOptions(fragment.command('add').description('store new fragments (version 1, draft) from definition files')
    .argument('<file...>', 'fragment definitions (JSON; see catalog/fragments/)')
    .addHelpText('after', `
Every file is validated first (fields, parameter patterns, slots, required
conditions, signature, and the statements as IAM once bound); if any file has an
error, or an id already exists, nothing is stored.

Examples:
  $ tessera fragment add my-fragment.json
  $ tessera fragment add catalog/fragments/*.json --json | jq '.[].hash'`))
    .action(async (files: string[], opts: { by?: string; json?: boolean }, cmd: Command) => {
      await writeDefinitions(io, files, opts, dataDir(cmd), 'add');
    });

  writeOptions(fragment.command('version').description('store the next version (draft) of existing fragments')
    .argument('<file...>', 'new definitions of fragments that exist')
    .addHelpText('after', `
The id in the file names the fragment. A definition identical to the latest
version is refused (versions are content-addressed).

Example:
  $ tessera fragment version s3-read-prefix.json --by alice`))
    .action(async (files: string[], opts: { by?: string; json?: boolean }, cmd: Command) => {
      await writeDefinitions(io, files, opts, dataDir(cmd), 'version');
    });

  const moves: [LifecycleAction, string, string][] = [
    ['submit', 'send draft (or rejected) versions for review', 'tessera fragment submit s3-read-prefix@2'],
    ['approve', 'approve versions in review (not your own)', 'tessera fragment approve s3-read-prefix@2 --by bob --comment "ok"'],
    ['reject', 'reject versions in review, with a comment for the author', 'tessera fragment reject s3-read-prefix@2 --by bob --comment "prefix too wide"'],
    ['deprecate', 'deprecate approved versions (still usable where pinned, with a warning)', 'tessera fragment deprecate s3-read-prefix@1'],
    ['archive', 'archive versions (never usable again)', 'tessera fragment archive s3-read-prefix@1'],
  ];
  for (const [action, description, example] of moves) {
    writeOptions(fragment.command(action).description(description)
      .argument('<ref...>', 'versions as id@version')
      .option('-m, --comment <text>', action === 'reject' ? 'why (required)' : 'a note kept in the version history')
      .addHelpText('after', `\nExample:\n  $ ${example}`))
      .action(async (refs: string[], opts: { by?: string; json?: boolean; comment?: string }, cmd: Command) => {
        await move(io, action, refs, opts, dataDir(cmd));
      });
  }

  fragment.command('list').description('list fragments (newest version of each, or every version)')
    .addOption(new Option('--status <status>', 'only versions with this status (repeatable)').choices([...FRAGMENT_STATUSES]).argParser(collectStatus))
    .option('--all-versions', 'every version, not only the newest')
    .option('--json', 'print {items, total} as JSON')
    .addHelpText('after', `
Examples:
  $ tessera fragment list
  $ tessera fragment list --status in-review
  $ tessera fragment list --all-versions --json | jq '.items[] | "\\(.id)@\\(.version) \\(.status)"'`)
    .action(async (opts: { status?: FragmentStatus[]; allVersions?: boolean; json?: boolean }, cmd: Command) => {
      await searchAndPrint(io, dataDir(cmd), { ...(opts.status ? { status: opts.status } : {}), latestOnly: opts.allVersions !== true }, opts.json === true);
    });

  fragment.command('search').description('find fragments by action (wildcards too), resource type, tag, risk, status or text')
    .option('-a, --action <pattern>', 'fragments granting an action this pattern matches (`s3:Get*` finds `s3:GetObject` and `s3:*`)')
    .addOption(new Option('--effect <effect>', 'look at Allow or Deny statements for --action').choices(['Allow', 'Deny']))
    .option('-r, --resource-type <type>', 'exact resource type, e.g. s3:object')
    .option('-t, --tag <tag>', 'a tag the fragment must have (repeatable: all must be present)', collect)
    .option('--min-risk <n>', 'lowest risk (0–100)', integerOption('--min-risk'))
    .option('--max-risk <n>', 'highest risk (0–100)', integerOption('--max-risk'))
    .addOption(new Option('--status <status>', 'only this status (repeatable)').choices([...FRAGMENT_STATUSES]).argParser(collectStatus))
    .option('-q, --text <text>', 'a substring of the id, title or description (any case)')
    .option('--all-versions', 'every matching version, not only the newest matching one')
    .option('--limit <n>', 'at most n results', integerOption('--limit'))
    .option('--offset <n>', 'skip the first n results', integerOption('--offset'))
    .option('--json', 'print {items, total} as JSON')
    .addHelpText('after', `
Examples:
  $ tessera fragment search --action 's3:Get*'
  $ tessera fragment search --action 'iam:PassRole' --status approved --json
  $ tessera fragment search --tag s3 --tag read --max-risk 30`)
    .action(async (opts: { action?: string; effect?: 'Allow' | 'Deny'; resourceType?: string; tag?: string[]; minRisk?: number; maxRisk?: number; status?: FragmentStatus[]; text?: string; allVersions?: boolean; limit?: number; offset?: number; json?: boolean }, cmd: Command) => {
      const query: FragmentQuery = { latestOnly: opts.allVersions !== true };
      if (opts.action !== undefined) query.action = opts.action;
      if (opts.effect !== undefined) query.effect = opts.effect;
      if (opts.resourceType !== undefined) query.resourceType = opts.resourceType;
      if (opts.tag !== undefined) query.tags = opts.tag;
      if (opts.minRisk !== undefined) query.minRisk = opts.minRisk;
      if (opts.maxRisk !== undefined) query.maxRisk = opts.maxRisk;
      if (opts.status !== undefined) query.status = opts.status;
      if (opts.text !== undefined) query.text = opts.text;
      if (opts.limit !== undefined) query.limit = opts.limit;
      if (opts.offset !== undefined) query.offset = opts.offset;
      await searchAndPrint(io, dataDir(cmd), query, opts.json === true);
    });

  fragment.command('show').description('a fragment version in full: parameters, statements, signature, history')
    .argument('<id>', 'id (newest version) or id@version')
    .option('--json', 'print the version as JSON')
    .addHelpText('after', `
Examples:
  $ tessera fragment show s3-read-prefix
  $ tessera fragment show s3-read-prefix@1 --json | jq .content.statements`)
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      await withFragmentStore(dataDir(cmd), async (store) => {
        const ref = id.includes('@') ? parseRef(id) : undefined;
        if (id.includes('@') && ref === undefined) throw new UsageError(`\`${id}\` is not id@version`);
        const versions = await store.versions(ref?.id ?? id);
        const v = ref === undefined ? versions.at(-1) : versions.find((x) => x.version === ref.version);
        if (v === undefined) failWith(io, opts.json === true, 'unknown fragment', [], `tessera: there is no fragment \`${id}\` (\`tessera fragment list\` shows them)`);
        if (opts.json === true) io.stdout(JSON.stringify({ ...v, versions: versions.map((x) => ({ version: x.version, status: x.status, hash: x.hash })) }, null, 2) + '\n');
        else io.stdout(formatFragment(v, versions));
      });
    });
}

function collectStatus(value: string, previous: FragmentStatus[] | undefined): FragmentStatus[] {
  return [...(previous ?? []), value as FragmentStatus];
}

async function searchAndPrint(io: CliIO, dir: StoreTarget, query: FragmentQuery, json: boolean): Promise<void> {
  await withFragmentStore(dir, async (store) => {
    const r = await storeCall(io, json, () => store.search(query));
    if (json) {
      io.stdout(JSON.stringify({ items: r.items.map(({ content, ...v }) => ({ ...v, title: content.title, resourceType: content.resourceType, risk: content.risk, tags: content.tags })), total: r.total }, null, 2) + '\n');
      return;
    }
    if (r.items.length === 0) io.stdout('no fragments match\n');
    for (const v of r.items) io.stdout(formatVersionRow(v) + '\n');
    if (r.total > r.items.length) io.stdout(`(${r.items.length} of ${r.total}; use --limit/--offset)\n`);
  });
}

/** Runs a store call, turning the store's typed errors into diagnostics on stderr (exit 1). */
async function storeCall<T>(io: CliIO, json: boolean, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof FragmentStoreError) failWith(io, json, e.message, [{ code: e.code, message: e.message }], `tessera: ${e.message}`);
    throw e;
  }
}

interface Checked {
  readonly file: string;
  readonly content?: FragmentContent;
  readonly diagnostics: FragmentDiagnostic[];
}

async function writeDefinitions(io: CliIO, files: readonly string[], opts: { by?: string; json?: boolean }, dir: StoreTarget, mode: 'add' | 'version'): Promise<void> {
  const json = opts.json === true;
  const by = actorName(io, opts.by);
  const texts = await Promise.all(files.map(async (f) => [f, await readText(io, f, 'fragment')] as const));
  const values = texts.map(([file, text]): { file: string; value?: unknown; diagnostics: FragmentDiagnostic[] } => {
    const parsed = parseJsonText(text);
    if (parsed.ok) return { file, value: JSON.parse(text) as unknown, diagnostics: [] };
    return { file, diagnostics: parsed.errors.map((e) => ({ code: 'fragment/invalid-definition', severity: 'error', message: e.message, help: 'a fragment definition is one JSON object', loc: { ...e.loc, source: file } })) };
  });
  const catalog = await loadAwsCatalog(servicesOf(values.flatMap((v) => actionStrings(v.value))));
  const checked: Checked[] = values.map((v) => {
    if (!('value' in v)) return v;
    const r = validateFragment(v.value, { catalog });
    return r.content === undefined ? { file: v.file, diagnostics: [...r.diagnostics] } : { file: v.file, content: r.content, diagnostics: [...r.diagnostics] };
  });
  await withFragmentStore(dir, async (store) => {
    const ids = new Map<string, string>();
    for (const c of checked) {
      if (c.content === undefined) continue;
      const id = c.content.id;
      const other = ids.get(id);
      if (other !== undefined) c.diagnostics.push(problem(id, `\`${id}\` is defined in both \`${other}\` and \`${c.file}\``));
      ids.set(id, c.file);
      const existing = await store.versions(id);
      if (mode === 'add' && existing.length > 0) c.diagnostics.push(problem(id, `\`${id}\` exists already (${existing.length} version${existing.length === 1 ? '' : 's'}); use \`tessera fragment version\``));
      if (mode === 'version' && existing.length === 0) c.diagnostics.push(problem(id, `there is no fragment \`${id}\`; use \`tessera fragment add\``));
      if (mode === 'version' && existing.at(-1)?.hash === contentHash(c.content)) c.diagnostics.push(problem(id, `\`${c.file}\` is identical to ${id}@${existing.at(-1)?.version}`));
    }
    const sources = new Map(texts);
    const report = () => checked.filter((c) => c.diagnostics.length > 0).map((c) => formatDiagnostics(c.diagnostics as Diagnostic[], { defaultSource: c.file, sources, color: io.isTTY })).join('\n');
    const all = checked.flatMap((c) => c.diagnostics.map((d) => ({ ...d, file: c.file })));
    if (checked.some((c) => c.content === undefined || hasFragmentErrors(c.diagnostics))) {
      failWith(io, json, 'invalid fragment definitions; nothing was stored', all, `${report()}${summarize(all as Diagnostic[])}; nothing was stored`);
    }
    const at = io.now().toISOString();
    const stored: FragmentVersion[] = [];
    for (const c of checked) {
      const content = c.content as FragmentContent;
      stored.push(await storeCall(io, json, () => (mode === 'add' ? store.create(content, { by, at }) : store.addVersion(content, { by, at }))));
    }
    if (all.length > 0) io.stderr(json ? JSON.stringify({ warnings: all }, null, 2) + '\n' : report());
    if (json) io.stdout(JSON.stringify(stored.map(({ content: _c, ...v }) => v), null, 2) + '\n');
    else for (const v of stored) io.stdout(`stored ${formatRef(v)} (draft) ${v.hash}\n`);
  });
}

function problem(fragment: string, message: string): FragmentDiagnostic {
  return { code: 'fragment/invalid-definition', severity: 'error', message, help: '`tessera fragment list` shows what is stored', fragment };
}

async function move(io: CliIO, action: LifecycleAction, refs: readonly string[], opts: { by?: string; json?: boolean; comment?: string }, dir: StoreTarget): Promise<void> {
  const json = opts.json === true;
  const by = actorName(io, opts.by);
  if (action === 'reject' && (opts.comment === undefined || opts.comment.trim() === '')) throw new UsageError('reject needs --comment: say what the author should change');
  const parsed = refs.map((r) => {
    const ref = parseRef(r);
    if (ref === undefined) throw new UsageError(`\`${r}\` is not id@version (e.g. s3-read-prefix@1)`);
    return ref;
  });
  await withFragmentStore(dir, async (store) => {
    // Check every move first: one refused move stores none.
    const problems: string[] = [];
    const current: FragmentVersion[] = [];
    for (const ref of parsed) {
      const v = await store.get(ref);
      if (v === undefined) {
        problems.push(`there is no fragment \`${formatRef(ref)}\``);
        continue;
      }
      const t = transition(v.status, action);
      if (!t.ok) problems.push(`${formatRef(ref)}: ${t.reason}`);
      const review = reviewProblem(v, action, by);
      if (review !== undefined) problems.push(`${formatRef(ref)}: ${review} (separation of duties)`);
      current.push(v);
    }
    if (problems.length > 0) failWith(io, json, `cannot ${action}; nothing was changed`, problems.map((message) => ({ code: 'fragment/refused', message })), problems.map((p) => `tessera: ${p}`).join('\n') + '\nnothing was changed');
    const at = io.now().toISOString();
    const done: FragmentVersion[] = [];
    for (const v of current) {
      const actor = opts.comment === undefined ? { by, at } : { by, at, comment: opts.comment };
      done.push(await storeCall(io, json, () => store.transition(v as FragmentRef, action, actor, v.status)));
    }
    if (json) io.stdout(JSON.stringify(done.map(({ content: _c, ...v }) => v), null, 2) + '\n');
    else for (const v of done) io.stdout(`${formatRef(v)}: ${current.find((c) => c.id === v.id)?.status} → ${v.status}\n`);
  });
}

/** Action strings of a parsed definition, to load only the catalog services it uses. */
export function actionStrings(value: unknown): string[] {
  if (value === null || typeof value !== 'object') return [];
  const statements = (value as { statements?: unknown }).statements;
  if (!Array.isArray(statements)) return [];
  return statements.flatMap((s) => {
    const a = (s as { Action?: unknown; NotAction?: unknown }).Action ?? (s as { NotAction?: unknown }).NotAction;
    return (Array.isArray(a) ? a : [a]).filter((x): x is string => typeof x === 'string');
  });
}

