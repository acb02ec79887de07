/**
 * `tessera synth`: compose approved fragments into one policy and prove it within the boundary
 * and the delegator's own permissions. Reads fragments from the store; writes nothing to it.
 */
import type { Command } from 'commander';
import { loadAwsCatalog, servicesOf } from '../../aws-catalog/index.js';
import { formatRef, parseRef, synthesize, type FragmentRef, type FragmentVersion, type SynthesisRequest } from '../../fragments/index.js';
import { Analyzer, effectivePermissions, formatEffective } from '../../policy-analysis/index.js';
import { parsePolicy, type Diagnostic, type PolicyDocument } from '../../policy/index.js';
import { UsageError } from '../errors.js';
import { formatFindings, formatRequest } from '../format-analysis.js';
import { formatDiagnostics, summarize } from '../format-diagnostics.js';
import { collect, failWith, integerOption, keyValues, readPolicies, writeFileAtomically } from '../inputs.js';
import type { CliIO } from '../io.js';
import { withFragmentStore, type StoreTarget } from '../store.js';

interface SynthOptions { fragment: string[]; param?: string[]; boundary: string; delegator?: string[]; riskBudget?: number; output?: string; json?: boolean }

export function registerSynth(program: Command, io: CliIO): void {
  program.command('synth').description('compose approved fragments into a policy, proven within the boundary and the delegator\'s permissions')
    .requiredOption('-f, --fragment <id@version>', 'a pinned fragment version (repeatable)', collect)
    .option('-p, --param <name=value>', 'a parameter for every fragment that declares it, or `id.name=value` for one fragment (repeatable)', collect)
    .requiredOption('-b, --boundary <file>', "the delegator's permissions boundary (a policy document)")
    .option('-d, --delegator <file>', "the delegator's own identity policies (a document or a JSON array of them; repeatable)", collect)
    .option('--risk-budget <n>', 'the most the fragments\' risk budgets may add up to', integerOption('--risk-budget'))
    .option('-o, --output <file>', 'write the synthesized policy (one document, or an array when split) to this file')
    .option('--json', 'print {ok, policies, record, containment, findings, effective, diagnostics} as JSON')
    .addHelpText('after', `
Checks, in order: every version approved (a pinned deprecated one warns); parameters
satisfy their patterns and enumerations (no smuggled wildcards); signatures compatible
(requires, conflicts, exclusive groups, risk budget); the merged policy is valid IAM
within the size limits; no known privilege-escalation path; and an exact proof that
the result is contained in boundary ∩ delegator under every context. On failure the
diagnostics name the fragments and the counterexample request.

Examples:
  $ tessera synth -f s3-read-prefix@1 -f dynamodb-read-table@1 \\
      -p account=111122223333 -p bucket=acme-reports -p prefix=finance \\
      -p dynamodb-read-table.table=orders -p region=eu-west-1 \\
      --boundary team-boundary.json --delegator lead-policies.json -o policy.json
  $ tessera synth -f s3-read-prefix@1 -p ... --boundary b.json --json | jq .containment.verdict

Exit status 0 when the policy is approvable, 1 with diagnostics otherwise.`)
    .action(async (opts: SynthOptions, cmd: Command) => {
      const json = opts.json === true;
      const refs = opts.fragment.map((r) => parseRef(r) ?? usage(`\`${r}\` is not id@version (e.g. s3-read-prefix@1)`));
      const boundary = (await readPolicies(io, opts.boundary)).policies;
      if (boundary.length !== 1) throw new UsageError('--boundary takes one policy document');
      const delegator = (await Promise.all((opts.delegator ?? []).map((f) => readPolicies(io, f)))).flatMap((p) => p.policies);
      const versions = await withFragmentStore(cmd.optsWithGlobals<StoreTarget>(), async (store) => {
        const found = new Map<string, FragmentVersion>();
        for (const ref of refs) {
          const v = await store.get(ref);
          if (v !== undefined) found.set(formatRef(ref), v);
        }
        return found;
      });
      const request: SynthesisRequest = {
        fragments: refs.map((ref) => ({ ref, params: paramsFor(ref, versions.get(formatRef(ref)), opts.param) })),
        boundary: boundary[0] as string,
        ...(opts.delegator !== undefined ? { delegator } : {}),
        ...(opts.riskBudget !== undefined ? { riskBudget: opts.riskBudget } : {}),
      };
      const unused = unusedParams(refs, versions, opts.param);
      if (unused.length > 0) throw new UsageError(`no chosen fragment declares ${unused.map((p) => `\`${p}\``).join(', ')}`);
      const actions = [...versions.values()].flatMap((v) => v.actions);
      const catalog = await loadAwsCatalog(servicesOf(actions));
      const result = synthesize(request, { analyzer: new Analyzer(), catalog, resolve: (ref: FragmentRef) => versions.get(formatRef(ref)) });
      const ok = result.policies !== undefined;
      const docs = (result.policies ?? []).map((p) => parsePolicy(p, { policyType: 'identity' }).document).filter((d): d is PolicyDocument => d !== undefined);
      const boundaryDoc = parsePolicy(request.boundary, { policyType: 'boundary' }).document;
      const effective = ok ? effectivePermissions(boundaryDoc === undefined ? { identity: docs } : { identity: docs, boundary: boundaryDoc }, catalog) : undefined;
      const policyOut = result.policies === undefined ? undefined : result.policies.length === 1 ? result.policies[0] : result.policies;
      if (ok && opts.output !== undefined) await writeFileAtomically(opts.output, JSON.stringify(policyOut, null, 2) + '\n');
      if (json) {
        const body = { ok, policies: result.policies ?? null, record: result.record ?? null, containment: result.containment ?? null, findings: result.findings, riskScore: result.riskScore, riskCost: result.riskCost, effective: effective ?? null, diagnostics: result.diagnostics };
        if (!ok) failWith(io, true, 'synthesis failed', result.diagnostics, '');
        io.stdout(JSON.stringify(body, null, 2) + '\n');
        return;
      }
      const diags = result.diagnostics as readonly Diagnostic[];
      if (!ok) {
        const cx = result.containment?.verdict === 'not-contained' ? `\ncounterexample (confirmed by the evaluator):\n${formatRequest(result.containment.counterexample)}\n` : '';
        failWith(io, false, 'synthesis failed', diags, `${formatDiagnostics(diags, { defaultSource: 'synthesis' })}${cx}${summarize(diags)}; no policy was produced`);
      }
      if (diags.length > 0) io.stderr(formatDiagnostics(diags, { defaultSource: 'synthesis' }));
      const lines = [
        `synthesized from ${refs.map(formatRef).join(', ')}`,
        `proof: contained in the boundary${delegator.length > 0 ? " and the delegator's permissions" : ''} under every context`,
        `risk: score ${result.riskScore}, cost ${result.riskCost}${opts.riskBudget !== undefined ? ` of budget ${opts.riskBudget}` : ''}`,
        `record: ${result.record?.resultHash}`,
        '',
        'findings:',
        formatFindings(result.findings),
      ];
      io.stdout(lines.join('\n'));
      if (opts.output !== undefined) io.stdout(`policy written to ${opts.output} (${result.policies?.length ?? 0} document${result.policies?.length === 1 ? '' : 's'})\n\n`);
      else io.stdout(`policy:\n${JSON.stringify(policyOut, null, 2)}\n\n`);
      if (effective !== undefined) io.stdout(formatEffective(effective));
    });
}

function usage(message: string): never {
  throw new UsageError(message);
}

/** The values for one fragment: unscoped `name=value` where it declares `name`, and `id.name=value`. */
function paramsFor(ref: FragmentRef, v: FragmentVersion | undefined, pairs: readonly string[] | undefined): Record<string, string> {
  const all = keyValues(pairs, '--param');
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(all)) {
    const dot = k.indexOf('.');
    if (dot < 0) {
      if (v !== undefined && k in v.content.parameters) out[k] = value;
    } else if (k.slice(0, dot) === ref.id) out[k.slice(dot + 1)] = value;
  }
  return out;
}

/** Unscoped names no fragment declares, and scoped ones for fragments not chosen. */
function unusedParams(refs: readonly FragmentRef[], versions: ReadonlyMap<string, FragmentVersion>, pairs: readonly string[] | undefined): string[] {
  const ids = new Set(refs.map((r) => r.id));
  const declared = new Set([...versions.values()].flatMap((v) => Object.keys(v.content.parameters)));
  return Object.keys(keyValues(pairs, '--param')).filter((k) => {
    const dot = k.indexOf('.');
    if (dot >= 0) return !ids.has(k.slice(0, dot));
    return versions.size === refs.length && !declared.has(k);
  });
}
