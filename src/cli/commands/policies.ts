/**
 * `tessera policies ...`: the synthesized-policy workflow of issue 8 against a Tessera server
 * (`--server URL --token T`): permissions boundaries, policies synthesized from approved fragments
 * under a boundary, their review (diff against the active version, verdict, effective permissions,
 * risk), the lifecycle submit → approve | reject → activate (and rollback), and assignments.
 *
 * The workflow lives on the server: its routes hold the synthesis, separation of duties and the
 * audit trail, so the commands are thin clients and the token names who acts. Every transition
 * reads the version's ETag and sends it as `If-Match`, so a change made by someone else in between
 * is refused (412) instead of overwritten. (`tessera policy` is the local validator/explainer.)
 */
import type { Command } from 'commander';
import { InputError, ServerProblemError, UsageError } from '../errors.js';
import { collect, integerOption, keyValues, readText } from '../inputs.js';
import type { CliIO } from '../io.js';
import { ServerClient } from '../remote-client.js';
import type { StoreTarget } from '../store.js';

type Status = 'draft' | 'submitted' | 'approved' | 'rejected' | 'active' | 'superseded';
type Action = 'submit' | 'approve' | 'reject' | 'activate';

interface Boundary { id: string; version: number; document: unknown; team: string | null; createdAt: string; createdBy: string }

const teamText = (team: string | null) => (team === null ? 'the central admin only (no team)' : `team ${team}`);
interface VersionRow { version: number; status: Status; risk: number; createdAt: string; createdBy: string }
interface Overview { id: string; team: string; active: number | null; versions: VersionRow[] }
interface PolicyVersion {
  id: string; version: number; team: string; status: Status; risk: number; createdAt: string; createdBy: string;
  request: { fragments: { ref: string; params: Record<string, string> }[]; boundary: { id: string; version: number }; riskBudget: number | null };
  documents: unknown[];
  verdict: { containment?: string | null; delegator?: { principal: string; policies: string[] | null } | null; findings?: unknown[]; warnings?: { severity?: string; code?: string; message?: string }[] } | null;
  history: { from: Status; to: Status; at: string; by: string; comment?: string }[];
}
interface Review { policy: string; status: Status; against: number | null; added: unknown[]; removed: unknown[]; verdict: PolicyVersion['verdict']; risk: number; effective: unknown }
interface Preview {
  approvable: boolean;
  documents: unknown[];
  verdict: NonNullable<PolicyVersion['verdict']>;
  errors: { severity?: string; code?: string; message?: string; counterexample?: { action: string; resource: string } }[];
  risk: number;
  effective: unknown;
}
interface Assignment { principal: string; policies: string[]; updatedAt: string | null; updatedBy: string | null }

const client = (cmd: Command): ServerClient => ServerClient.of(cmd.optsWithGlobals<StoreTarget>(), 'the synthesized-policy workflow (boundaries, policies, review, assignments)');
const enc = encodeURIComponent;
const printJson = (io: CliIO, value: unknown) => io.stdout(JSON.stringify(value, null, 2) + '\n');

export function registerPolicies(program: Command, io: CliIO): void {
  const policies = program.command('policies').description('synthesized policies on a server: boundaries, synthesis, review, approval, activation, assignment').addHelpText('after', `
Needs --server URL --token T (or $TESSERA_SERVER, $TESSERA_TOKEN); the token
names who acts, and the server enforces roles and separation of duties (the
author or submitter of a version cannot approve or reject it).

Lifecycle of a version: draft → submitted → approved | rejected → active →
superseded. Activating an approved version supersedes the active one; rolling
back activates an earlier approved or superseded version.

Examples:
  $ tessera policies boundary put payments-boundary boundary.json --team payments
  $ tessera policies create pay-reports --team payments -f s3-read-prefix@1 -p bucket=acme-reports -b payments-boundary
  $ tessera policies submit pay-reports@1
  $ tessera policies review pay-reports@1
  $ tessera policies approve pay-reports@1 --comment "read-only, one bucket"
  $ tessera policies activate pay-reports@1
  $ tessera policies rollback pay-reports --to 1
  $ tessera policies assign arn:aws:iam::111122223333:user/bob pay-reports`);

  const boundary = policies.command('boundary').description('permissions boundaries that policies are synthesized under');
  boundary.command('put').description('store a boundary for a team (a new version when the document or the team changed)')
    .argument('<id>', 'the boundary id').argument('<file>', 'one IAM policy document (JSON; - for stdin)')
    .option('--team <team>', "the team whose delegated admins may synthesize policies under it (without it, only the central admin may)")
    .option('--json', 'print the stored boundary as JSON')
    .addHelpText('after', `
A delegated admin synthesizes policies only under its own team's boundaries,
and only within what it holds itself when policies are assigned to it.

Examples:
  $ tessera policies boundary put payments-boundary boundary.json --team payments
  $ cat boundary.json | tessera policies boundary put payments-boundary - --team payments --json`)
    .action(async (id: string, file: string, opts: { team?: string; json?: boolean }, cmd: Command) => {
      const document = await readJson(io, file, 'boundary document');
      const r = await client(cmd).call<Boundary>('PUT', `/v1/boundaries/${enc(id)}`, { document, ...(opts.team === undefined ? {} : { team: opts.team }) });
      if (opts.json === true) printJson(io, r.body);
      else io.stdout(`boundary ${r.body.id} version ${r.body.version} for ${teamText(r.body.team)} (by ${r.body.createdBy} at ${r.body.createdAt})\n`);
    });
  boundary.command('list').description('the latest version of every boundary (of one team with --team)')
    .option('--team <team>', "only this team's boundaries (the ones its delegated admins may synthesize under)")
    .option('--json', 'print {items} as JSON')
    .addHelpText('after', `
Examples:
  $ tessera policies boundary list
  $ tessera policies boundary list --team payments --json | jq '.items[].id'`)
    .action(async (opts: { team?: string; json?: boolean }, cmd: Command) => {
      const r = await client(cmd).get<{ items: Omit<Boundary, 'document'>[] }>(`/v1/boundaries${opts.team === undefined ? '' : `?team=${enc(opts.team)}`}`);
      if (opts.json === true) return printJson(io, r.body);
      if (r.body.items.length === 0) return io.stdout('no boundaries\n');
      for (const b of r.body.items) io.stdout(`${b.id}  v${b.version}  ${teamText(b.team)}  by ${b.createdBy} at ${b.createdAt}\n`);
    });
  boundary.command('show').description('a boundary: the latest version, or --version')
    .argument('<id>', 'the boundary id')
    .option('--version <n>', 'a given version', integerOption('--version'))
    .option('--json', 'print the boundary as JSON')
    .addHelpText('after', `
Examples:
  $ tessera policies boundary show payments-boundary
  $ tessera policies boundary show payments-boundary --version 1 --json`)
    .action(async (id: string, opts: { version?: number; json?: boolean }, cmd: Command) => {
      const r = await client(cmd).get<Boundary>(`/v1/boundaries/${enc(id)}${opts.version === undefined ? '' : `?version=${opts.version}`}`);
      if (opts.json === true) printJson(io, r.body);
      else io.stdout(`boundary ${r.body.id} version ${r.body.version} for ${teamText(r.body.team)} (by ${r.body.createdBy} at ${r.body.createdAt})\n${JSON.stringify(r.body.document, null, 2)}\n`);
    });

  policies.command('create').description('synthesize a new draft version of a policy from approved fragments under a boundary')
    .argument('<id>', 'the policy id')
    .option('--team <team>', 'the team that owns the policy')
    .option('-f, --fragment <id@version>', 'a pinned, approved fragment version (repeatable)', collect)
    .option('-p, --param <name=value>', 'a parameter for every fragment that declares it, or `id.name=value` for one fragment (repeatable)', collect)
    .option('-b, --boundary <id[@version]>', 'the boundary (default version: the latest)')
    .option('--risk-budget <n>', 'the most risk the policy may carry', Number)
    .option('--request <file>', 'the whole request as JSON instead ({team, fragments: [{ref, params}], boundary: {id, version?}, riskBudget?})')
    .option('--preview', 'synthesize and show the result (documents, verdict, effective permissions) without storing anything; exit 1 when it would be refused')
    .option('--json', 'print the stored version (or the preview) as JSON')
    .addHelpText('after', `
The server synthesizes the policy and stores it only when it is approvable
(contained in the boundary under every context and, for a delegated admin, in
what it holds itself; no escalation path); otherwise it answers 422 with the
diagnostics, which are printed, and nothing is stored. A delegated admin may
use only its own team's boundaries (tessera policies boundary list --team T).

Examples:
  $ tessera policies create pay-reports --team payments -f s3-read-prefix@1 -p bucket=acme-reports -b payments-boundary --preview
  $ tessera policies create pay-reports --team payments -f s3-read-prefix@1 -p bucket=acme-reports -b payments-boundary
  $ tessera policies create pay-reports --request request.json --json`)
    .action(async (id: string, opts: { team?: string; fragment?: string[]; param?: string[]; boundary?: string; riskBudget?: number; request?: string; preview?: boolean; json?: boolean }, cmd: Command) => {
      const c = client(cmd);
      const body = opts.request !== undefined ? { ...(await readJson(io, opts.request, 'policy request') as Record<string, unknown>), id } : await requestFromFlags(c, id, opts);
      if (opts.preview === true) {
        const preview = (await c.call<Preview>('POST', '/v1/policies/preview', body)).body;
        if (opts.json === true) printJson(io, preview);
        else io.stdout(formatPreview(id, preview));
        if (!preview.approvable) throw new InputError('the synthesis would be refused');
        return;
      }
      const r = await c.call<PolicyVersion | Problemish>('POST', '/v1/policies', body, {}, [422]);
      if (r.status === 422) {
        const p = r.body as Problemish;
        if (opts.json === true) printJson(io, p);
        io.stderr(`tessera: ${p.detail ?? 'synthesis refused'}\n${(p.errors ?? []).map((e) => `  ${e.severity ?? 'error'} ${e.code ?? ''}: ${e.message ?? ''}`).join('\n')}\n`);
        throw c.problem(422, p);
      }
      const v = r.body as PolicyVersion;
      if (opts.json === true) printJson(io, v);
      else io.stdout(`${v.id}@${v.version} ${v.status} (team ${v.team}, risk ${v.risk}, containment ${v.verdict?.containment ?? 'unknown'})\n`);
    });

  policies.command('list').description('every policy (of one team with --team), with its latest and active versions')
    .option('--team <team>', 'only this team\'s policies')
    .option('--json', 'print {items} as JSON')
    .addHelpText('after', `
Examples:
  $ tessera policies list
  $ tessera policies list --team payments --json | jq '.items[].id'`)
    .action(async (opts: { team?: string; json?: boolean }, cmd: Command) => {
      const r = await client(cmd).get<{ items: { id: string; team: string; latestVersion: number; active: number | null }[] }>(`/v1/policies${opts.team === undefined ? '' : `?team=${enc(opts.team)}`}`);
      if (opts.json === true) return printJson(io, r.body);
      if (r.body.items.length === 0) return io.stdout('no policies\n');
      for (const p of r.body.items) io.stdout(`${p.id}  team ${p.team}  latest v${p.latestVersion}  active ${p.active === null ? 'none' : `v${p.active}`}\n`);
    });

  policies.command('show').description('a policy (its versions and statuses), or one version with its documents and history')
    .argument('<policy>', 'a policy id, or id@version')
    .option('--json', 'print the overview or the version as JSON')
    .addHelpText('after', `
Examples:
  $ tessera policies show pay-reports
  $ tessera policies show pay-reports@2 --json | jq '.documents'`)
    .action(async (policy: string, opts: { json?: boolean }, cmd: Command) => {
      const c = client(cmd);
      const at = policy.lastIndexOf('@');
      if (at < 0) return printOverview(io, (await c.get<Overview>(`/v1/policies/${enc(policy)}`)).body, opts.json === true);
      const ref = parseVersionRef(policy);
      const v = (await c.get<PolicyVersion>(`/v1/policies/${enc(ref.id)}/versions/${ref.version}`)).body;
      if (opts.json === true) return printJson(io, v);
      io.stdout(formatVersion(v));
    });

  policies.command('versions').description('the versions of a policy with their statuses')
    .argument('<id>', 'the policy id')
    .option('--json', 'print the versions as a JSON array')
    .addHelpText('after', `
Examples:
  $ tessera policies versions pay-reports
  $ tessera policies versions pay-reports --json | jq '.[] | select(.status == "approved")'`)
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const o = (await client(cmd).get<Overview>(`/v1/policies/${enc(id)}`)).body;
      if (opts.json === true) return printJson(io, o.versions);
      for (const v of o.versions) io.stdout(versionRow(v));
    });

  policies.command('review').description('what a reviewer sees: the diff against the active version, the verdict, effective permissions, risk')
    .argument('<ref>', 'the version, id@version')
    .option('--json', 'print the review as JSON')
    .addHelpText('after', `
Statements are compared with the active version's (Sids ignored): + lines are
granted only by this version, - lines only by the active one.

Examples:
  $ tessera policies review pay-reports@2
  $ tessera policies review pay-reports@2 --json | jq '.effective'`)
    .action(async (refText: string, opts: { json?: boolean }, cmd: Command) => {
      const ref = parseVersionRef(refText);
      const r = (await client(cmd).get<Review>(`/v1/policies/${enc(ref.id)}/versions/${ref.version}/review`)).body;
      if (opts.json === true) return printJson(io, r);
      io.stdout(formatReview(r));
    });

  const moves: [string, Action, string, string][] = [
    ['submit', 'submit', 'send a draft version for review', 'tessera policies submit pay-reports@1'],
    ['approve', 'approve', 'approve a submitted version (not one you wrote or submitted)', 'tessera policies approve pay-reports@1 --comment "read-only, one bucket"'],
    ['reject', 'reject', 'reject a submitted version, saying why', 'tessera policies reject pay-reports@1 --comment "bucket too wide"'],
    ['activate', 'activate', 'make an approved version the enforced one (supersedes the active version)', 'tessera policies activate pay-reports@1'],
  ];
  for (const [name, action, description, example] of moves) {
    policies.command(name).description(description)
      .argument('<ref>', 'the version, id@version')
      .option('-m, --comment <text>', action === 'reject' ? 'why (shown to the author)' : 'a note kept in the version history')
      .option('--json', 'print the version after the change as JSON')
      .addHelpText('after', `
The version's ETag is read first and sent as If-Match: if someone else changes
the version in between, the server refuses (412) and nothing changes.

Example:
  $ ${example}`)
      .action(async (refText: string, opts: { comment?: string; json?: boolean }, cmd: Command) => {
        if (action === 'reject' && (opts.comment === undefined || opts.comment.trim() === '')) throw new UsageError('reject needs --comment: the author needs to know why');
        const v = await transition(client(cmd), parseVersionRef(refText), action, opts.comment);
        if (opts.json === true) printJson(io, v);
        else io.stdout(`${v.id}@${v.version} ${v.history.at(-1)?.from ?? ''} → ${v.status}\n`);
      });
  }

  policies.command('rollback').description('activate an earlier approved or superseded version again')
    .argument('<id>', 'the policy id')
    .requiredOption('--to <version>', 'the version to enforce again', integerOption('--to'))
    .option('-m, --comment <text>', 'why, kept in the version history')
    .option('--json', 'print the reactivated version as JSON')
    .addHelpText('after', `
Rolling back is activating that version: the active one becomes superseded.
Only versions that were approved can be activated.

Examples:
  $ tessera policies rollback pay-reports --to 1
  $ tessera policies rollback pay-reports --to 1 --comment "v2 broke the nightly export" --json`)
    .action(async (id: string, opts: { to: number; comment?: string; json?: boolean }, cmd: Command) => {
      const c = client(cmd);
      const o = (await c.get<Overview>(`/v1/policies/${enc(id)}`)).body;
      const target = o.versions.find((v) => v.version === opts.to);
      if (target === undefined) throw new UsageError(`${id} has no version ${opts.to} (versions: ${o.versions.map((v) => v.version).join(', ')})`);
      if (target.status === 'active') throw new UsageError(`${id}@${opts.to} is already the active version`);
      if (target.status !== 'approved' && target.status !== 'superseded') throw new UsageError(`${id}@${opts.to} is ${target.status}: only an approved or superseded version can be rolled back to`);
      const v = await transition(c, { id, version: opts.to }, 'activate', opts.comment);
      if (opts.json === true) printJson(io, v);
      else io.stdout(`${v.id}@${v.version} active again${o.active === null ? '' : ` (v${o.active} superseded)`}\n`);
    });

  policies.command('assign').description('replace the policies assigned to a principal (--none removes them)')
    .argument('<principal>', 'the principal, e.g. an IAM user ARN')
    .argument('[policy...]', 'policy ids; their active versions are enforced')
    .option('--none', 'assign no policies')
    .option('--json', 'print the assignment as JSON')
    .addHelpText('after', `
Examples:
  $ tessera policies assign arn:aws:iam::111122223333:user/bob pay-reports pay-ledger
  $ tessera policies assign arn:aws:iam::111122223333:user/bob --none`)
    .action(async (principal: string, ids: string[], opts: { none?: boolean; json?: boolean }, cmd: Command) => {
      if (ids.length === 0 && opts.none !== true) throw new UsageError('name the policies to assign, or pass --none to remove every assignment');
      if (ids.length > 0 && opts.none === true) throw new UsageError('--none and policy ids exclude each other');
      const a = (await client(cmd).call<Assignment>('PUT', `/v1/assignments/${enc(principal)}`, { policies: ids })).body;
      if (opts.json === true) printJson(io, a);
      else io.stdout(formatAssignment(a));
    });

  policies.command('assignments').description('the policies assigned to a principal')
    .argument('<principal>', 'the principal, e.g. an IAM user ARN')
    .option('--json', 'print the assignment as JSON')
    .addHelpText('after', `
Examples:
  $ tessera policies assignments arn:aws:iam::111122223333:user/bob
  $ tessera policies assignments arn:aws:iam::111122223333:user/bob --json | jq '.policies'`)
    .action(async (principal: string, opts: { json?: boolean }, cmd: Command) => {
      const a = (await client(cmd).get<Assignment>(`/v1/assignments/${enc(principal)}`)).body;
      if (opts.json === true) printJson(io, a);
      else io.stdout(formatAssignment(a));
    });
}

interface Problemish { title?: string; detail?: string; code?: string; errors?: { severity?: string; code?: string; message?: string }[] }

/** Reads the ETag, then moves with If-Match; a 412 says who-changed-it in words. */
export async function transition(c: ServerClient, ref: { id: string; version: number }, action: Action, comment: string | undefined): Promise<PolicyVersion> {
  const path = `/v1/policies/${enc(ref.id)}/versions/${ref.version}`;
  const read = await c.get<PolicyVersion>(path);
  const body = comment === undefined ? { action } : { action, comment };
  const r = await c.call<PolicyVersion>('POST', `${path}/transitions`, body, read.etag === undefined ? {} : { 'if-match': read.etag }, [412]);
  if (r.status !== 412) return r.body;
  const now = (await c.get<PolicyVersion>(path, [404])).body;
  const last = now?.history?.at(-1);
  throw new ServerProblemError(c.base, 412, 'changed by someone else',
    `${ref.id}@${ref.version} was ${read.body.status} when read and is now ${now?.status ?? 'gone'}${last === undefined ? '' : ` (${last.to} by ${last.by} at ${last.at})`}; nothing was changed — look at it again (tessera policies show ${ref.id}@${ref.version}) before retrying`,
    (r.body as unknown as Problemish | undefined)?.code);
}

async function requestFromFlags(c: ServerClient, id: string, opts: { team?: string; fragment?: string[]; param?: string[]; boundary?: string; riskBudget?: number }): Promise<Record<string, unknown>> {
  if (opts.team === undefined) throw new UsageError('create needs --team (or --request FILE)');
  if (opts.fragment === undefined || opts.fragment.length === 0) throw new UsageError('create needs at least one --fragment id@version (or --request FILE)');
  if (opts.boundary === undefined) throw new UsageError('create needs --boundary id[@version] (or --request FILE)');
  if (opts.riskBudget !== undefined && !(Number.isFinite(opts.riskBudget) && opts.riskBudget >= 0)) throw new UsageError('--risk-budget must be a number ≥ 0');
  const pairs = keyValues(opts.param, '--param');
  const refs = opts.fragment.map(parseVersionRef);
  const fragments: { ref: string; params: Record<string, string> }[] = [];
  const used = new Set<string>();
  for (const ref of refs) {
    // Unscoped names go to the fragments that declare them, as `tessera synth` does.
    const declared = Object.keys(pairs).some((k) => !k.includes('.'))
      ? Object.keys((await c.get<{ content: { parameters: Record<string, unknown> } }>(`/v1/fragments/${enc(ref.id)}/versions/${ref.version}`)).body.content.parameters)
      : [];
    const params: Record<string, string> = {};
    for (const [k, value] of Object.entries(pairs)) {
      const dot = k.indexOf('.');
      if (dot < 0 && declared.includes(k)) params[k] = value;
      else if (dot >= 0 && k.slice(0, dot) === ref.id) params[k.slice(dot + 1)] = value;
      else continue;
      used.add(k);
    }
    fragments.push({ ref: `${ref.id}@${ref.version}`, params });
  }
  const unused = Object.keys(pairs).filter((k) => !used.has(k));
  if (unused.length > 0) throw new UsageError(`--param ${unused.join(', ')}: no chosen fragment declares ${unused.length === 1 ? 'it' : 'them'}`);
  const b = /^(.+?)(?:@(\d+))?$/.exec(opts.boundary);
  const boundary = b?.[2] === undefined ? { id: opts.boundary } : { id: b[1], version: Number(b[2]) };
  return { id, team: opts.team, fragments, boundary, ...(opts.riskBudget === undefined ? {} : { riskBudget: opts.riskBudget }) };
}

function parseVersionRef(text: string): { id: string; version: number } {
  const m = /^(.+)@([1-9]\d*)$/.exec(text);
  if (m === null) throw new UsageError(`\`${text}\` is not id@version (e.g. pay-reports@2)`);
  return { id: m[1] as string, version: Number(m[2]) };
}

async function readJson(io: CliIO, file: string, what: string): Promise<unknown> {
  const text = await readText(io, file, what);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UsageError(`${file}: the ${what} is not JSON (${(e as Error).message})`);
  }
}

const versionRow = (v: VersionRow) => `v${v.version}  ${v.status.padEnd(10)}  risk ${v.risk}  by ${v.createdBy} at ${v.createdAt}\n`;

function printOverview(io: CliIO, o: Overview, json: boolean): void {
  if (json) return printJson(io, o);
  io.stdout(`${o.id}  team ${o.team}  active ${o.active === null ? 'none' : `v${o.active}`}\n${o.versions.map((v) => `  ${versionRow(v)}`).join('')}`);
}

/** What the containment proof covered besides the boundary (the verdict's `delegator`). */
function provenWithin(d: { principal: string; policies: string[] | null } | null | undefined): string {
  if (d === undefined || d === null) return ' (in the boundary)';
  if (d.policies === null) return ` (in the boundary; ${d.principal} has no assignment, so nothing else bounds it)`;
  return ` (in the boundary and in what ${d.principal} holds: ${d.policies.length === 0 ? 'nothing' : d.policies.join(', ')})`;
}

function formatPreview(id: string, p: Preview): string {
  const lines = [
    `${id}: ${p.approvable ? 'approvable' : 'refused'} (nothing stored)`,
    `  containment: ${p.verdict.containment ?? 'not proven'}${provenWithin(p.verdict.delegator)}`,
    `  risk: ${p.risk}`,
    ...p.errors.map((e) => `  ${e.severity ?? 'error'} ${e.code ?? ''}: ${e.message ?? ''}${e.counterexample === undefined ? '' : ` (for example ${e.counterexample.action} on ${e.counterexample.resource})`}`),
  ];
  if (p.approvable) lines.push('  effective permissions (within the boundary):', ...formatEffective(p.effective).map((l) => `  ${l}`), '  documents:', ...JSON.stringify(p.documents, null, 2).split('\n').map((l) => `    ${l}`));
  return lines.join('\n') + '\n';
}

function formatVersion(v: PolicyVersion): string {
  const lines = [
    `${v.id}@${v.version}  ${v.status}  team ${v.team}  risk ${v.risk}`,
    `  synthesized from ${v.request.fragments.map((f) => f.ref).join(', ')} under ${v.request.boundary.id}@${v.request.boundary.version} by ${v.createdBy} at ${v.createdAt}`,
    `  containment: ${v.verdict?.containment ?? 'unknown'}${provenWithin(v.verdict?.delegator)}`,
    '  history:',
    ...v.history.map((h) => `    ${h.at} ${h.by}: ${h.from} → ${h.to}${h.comment === undefined ? '' : ` — ${h.comment}`}`),
    '  documents:',
    ...JSON.stringify(v.documents, null, 2).split('\n').map((l) => `    ${l}`),
  ];
  return lines.join('\n') + '\n';
}

function formatReview(r: Review): string {
  const findings = r.verdict?.findings ?? [];
  const warnings = (r.verdict?.warnings ?? []).filter((w) => w.severity === 'warning');
  const lines = [
    `review of ${r.policy} (${r.status}) against ${r.against === null ? 'nothing (no active version)' : `the active v${r.against}`}`,
    `verdict: containment ${r.verdict?.containment ?? 'unknown'}${provenWithin(r.verdict?.delegator)}, ${findings.length} finding${findings.length === 1 ? '' : 's'}, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}`,
    ...warnings.map((w) => `  warning ${w.code ?? ''}: ${w.message ?? ''}`),
    `risk: ${r.risk}`,
    `diff: ${r.added.length} statement${r.added.length === 1 ? '' : 's'} added, ${r.removed.length} removed`,
    ...r.added.map((s) => `+ ${JSON.stringify(s)}`),
    ...r.removed.map((s) => `- ${JSON.stringify(s)}`),
    'effective permissions (within the boundary):',
    ...formatEffective(r.effective),
  ];
  return lines.join('\n') + '\n';
}

function formatEffective(e: unknown): string[] {
  const x = e as { skipped?: string; total?: number; totals?: Record<string, number>; services?: { service: string; totals: Record<string, number>; risk?: unknown }[]; denied?: number } | null;
  if (x === null || typeof x !== 'object') return ['  (none)'];
  if (typeof x.skipped === 'string') return [`  not computed: ${x.skipped}`];
  const levels = (t: Record<string, number> | undefined) => Object.entries(t ?? {}).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
  return [
    `  ${x.total ?? 0} action${x.total === 1 ? '' : 's'}${levels(x.totals) === '' ? '' : ` (${levels(x.totals)})`}${x.denied ? `, ${x.denied} denied` : ''}`,
    ...(x.services ?? []).map((s) => `  ${s.service}: ${levels(s.totals)}${s.risk === undefined ? '' : `  risk ${String(s.risk)}`}`),
  ];
}

function formatAssignment(a: Assignment): string {
  return `${a.principal}: ${a.policies.length === 0 ? 'no policies' : a.policies.join(', ')}${a.updatedBy === null ? '' : ` (by ${a.updatedBy} at ${a.updatedAt})`}\n`;
}
