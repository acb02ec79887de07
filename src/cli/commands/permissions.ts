/**
 * `tessera permissions`: the concrete AWS actions a policy (or a blend under a boundary) allows,
 * by service and access level, with resources and conditions; or a what-if matrix over contexts.
 */
import type { Command } from 'commander';
import { effectivePermissions, formatEffective, formatWhatIf, whatIfMatrix, type EffectiveInput, type NamedContext } from '../../policy-analysis/index.js';
import type { ContextValue } from '../../policy/index.js';
import { UsageError } from '../errors.js';
import { collect, keyValues, readText } from '../inputs.js';
import type { CliIO } from '../io.js';
import { catalogFor, loadPolicyFiles } from '../policy-files.js';

interface PermissionsOptions { boundary?: string; session?: string; context?: string[]; principal?: string; matrix?: string; json?: boolean }

export function registerPermissions(program: Command, io: CliIO): void {
  program.command('permissions').description('effective permissions: the AWS actions a policy allows, by service and access level')
    .argument('<file...>', 'identity policies of the principal (each file one document or an array)')
    .option('-b, --boundary <file>', 'a permissions boundary: only what both allow is effective (blending)')
    .option('--session <file>', 'a session policy, intersected too')
    .option('-C, --context <key=value>', 'a what-if context value; keys not given leave their conditions open (repeatable)', collect)
    .option('--principal <arn>', 'evaluate as this caller (settles aws:username, aws:PrincipalAccount, ...)')
    .option('-m, --matrix <file>', 'a what-if grid of contexts (see below): the actions whose standing differs')
    .option('--json', 'print the effective permissions (or the matrix) as JSON')
    .addHelpText('after', `
An action is listed when some statement allows it past every Deny, in every policy
that must allow (identity, boundary, session). An action still hanging on a
condition the context does not settle is marked conditional, with the condition.

A matrix file is JSON, either a list of named contexts
  [{"name": "office", "context": {"tessera:NetworkZone": "corporate"}}, ...]
or dimensions whose product is taken
  {"dimensions": {
     "network": {"corporate": {"tessera:NetworkZone": "corporate"}, "internet": {"tessera:NetworkZone": "internet"}},
     "device":  {"managed": {"tessera:DeviceManaged": "true"}, "unmanaged": {"tessera:DeviceManaged": "false"}}}}

Examples:
  $ tessera permissions team-policy.json
  $ tessera permissions team-policy.json --boundary boundary.json -C tessera:NetworkZone=corporate
  $ tessera permissions team-policy.json --boundary boundary.json --matrix grid.json
  $ tessera permissions policy.json --json | jq '.services[].service'`)
    .action(async (files: string[], opts: PermissionsOptions) => {
      const json = opts.json === true;
      const identity = (await loadPolicyFiles(io, files, json)).flatMap((f) => f.documents);
      const boundary = opts.boundary === undefined ? undefined : (await loadPolicyFiles(io, [opts.boundary], json, 'boundary'))[0]?.documents;
      const session = opts.session === undefined ? undefined : (await loadPolicyFiles(io, [opts.session], json, 'session'))[0]?.documents;
      if ((boundary?.length ?? 1) !== 1 || (session?.length ?? 1) !== 1) throw new UsageError('--boundary and --session take one policy document each');
      const input: EffectiveInput = { identity, ...(boundary?.[0] !== undefined ? { boundary: boundary[0] } : {}), ...(session?.[0] !== undefined ? { session: session[0] } : {}) };
      const catalog = await catalogFor([...identity, ...(boundary ?? []), ...(session ?? [])]);
      const context = keyValues(opts.context, '--context');
      if (opts.matrix !== undefined) {
        const contexts = parseMatrix(await readText(io, opts.matrix, 'matrix'), opts.matrix).map((c) => ({ ...c, context: { ...context, ...c.context } }));
        const m = whatIfMatrix(input, catalog, contexts, opts.principal);
        if (json) io.stdout(JSON.stringify({ columns: m.columns.map(({ result: _r, ...c }) => c), rows: m.rows }, null, 2) + '\n');
        else io.stdout(formatWhatIf(m));
        return;
      }
      const e = effectivePermissions(input, catalog, { ...(Object.keys(context).length > 0 ? { context } : {}), ...(opts.principal !== undefined ? { principal: opts.principal } : {}) });
      io.stdout(json ? JSON.stringify(e, null, 2) + '\n' : formatEffective(e));
    });
}

const MAX_CONTEXTS = 256;

/** A list of named contexts, or the product of dimensions. */
export function parseMatrix(text: string, file: string): NamedContext[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`matrix \`${file}\` is not JSON: ${(e as Error).message}`);
  }
  const bad = (why: string): never => {
    throw new UsageError(`matrix \`${file}\`: ${why} (see tessera permissions --help)`);
  };
  const contextOf = (v: unknown, where: string): Record<string, ContextValue> => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) bad(`${where} must be an object of context keys`);
    for (const [k, x] of Object.entries(v as object)) {
      if (typeof x !== 'string' && !(Array.isArray(x) && x.every((i) => typeof i === 'string'))) bad(`${where}.${k} must be a string or a list of strings`);
    }
    return v as Record<string, ContextValue>;
  };
  let out: NamedContext[];
  if (Array.isArray(value)) {
    out = value.map((c: unknown, i) => {
      const o = c as { name?: unknown; context?: unknown };
      if (typeof o?.name !== 'string') bad(`entry ${i} needs a "name"`);
      return { name: o.name as string, context: contextOf(o.context, `entry ${i}.context`) };
    });
  } else {
    const dims = (value as { dimensions?: unknown })?.dimensions;
    if (dims === null || typeof dims !== 'object' || Array.isArray(dims)) bad('expected a list of contexts or {"dimensions": {...}}');
    out = [{ name: '', context: {} }];
    for (const [dim, options] of Object.entries(dims as object)) {
      if (options === null || typeof options !== 'object' || Object.keys(options as object).length === 0) bad(`dimension ${dim} needs named options`);
      out = out.flatMap((base) => Object.entries(options as object).map(([name, ctx]) => ({ name: base.name === '' ? name : `${base.name}/${name}`, context: { ...base.context, ...contextOf(ctx, `${dim}.${name}`) } })));
      if (out.length > MAX_CONTEXTS) bad(`more than ${MAX_CONTEXTS} contexts`);
    }
  }
  if (out.length === 0) bad('no contexts');
  if (out.length > MAX_CONTEXTS) bad(`more than ${MAX_CONTEXTS} contexts`);
  return out;
}
