/**
 * `tessera analyze contains|equivalent|diff|findings`: exact questions about what policies allow,
 * over every principal, action, resource and context.
 */
import type { Command } from 'commander';
import { Analyzer, diffEffective, effectivePermissions, formatDiff, policyFindings, type Difference } from '../../policy-analysis/index.js';
import { InputError } from '../errors.js';
import { formatContainment, formatFindings, formatRegion } from '../format-analysis.js';
import { collect, failWith, integerOption } from '../inputs.js';
import type { CliIO } from '../io.js';
import { actionUniverse, catalogFor, loadPolicyFiles, type PolicyFile } from '../policy-files.js';

const SCOPE = `
Policies are identity-style (no Principal); a file holds one document or a JSON
array of documents taken together. Conditions, IfExists, ForAllValues/ForAnyValue,
Null, policy variables and tessera: context keys are all modelled.`;

export function registerAnalyze(program: Command, io: CliIO): void {
  const analyze = program.command('analyze').description('exact permission analysis: containment, equivalence, new access, findings');

  analyze.command('contains').description('prove that every request the candidate allows is allowed by every --within policy')
    .requiredOption('-c, --candidate <file>', 'the policy to check')
    .requiredOption('-w, --within <file>', 'a policy the candidate must stay within (repeatable: within each of them)', collect)
    .option('--json', 'print {verdict, counterexample, region, reasons} as JSON')
    .addHelpText('after', `${SCOPE}

The verdict is "contained" (a proof over the whole request space), "not-contained"
with a counterexample request the evaluator confirms (Allow under the candidate,
not under a --within policy), or "unknown" with the reasons (never a guess).

Examples:
  $ tessera analyze contains --candidate team-policy.json --within boundary.json
  $ tessera analyze contains -c new.json -w boundary.json -w delegator.json --json | jq .verdict

Exit status 0 when contained, 1 when not contained, unknown, or a policy is invalid.`)
    .action(async (opts: { candidate: string; within: string[]; json?: boolean }) => {
      const json = opts.json === true;
      const [candidate, ...within] = await loadPolicyFiles(io, [opts.candidate, ...opts.within], json);
      const analyzer = await analyzerFor([candidate as PolicyFile, ...within]);
      const r = analyzer.contains((candidate as PolicyFile).policies, within.map((w) => w.policies));
      if (!r.ok) failWith(io, json, 'invalid policy', r.diagnostics, r.diagnostics.map((d) => d.message).join('\n'));
      const c = r.result;
      if (json) io.stdout(JSON.stringify({ ...c, region: c.verdict === 'not-contained' ? c.region : null, reasons: c.verdict === 'unknown' ? c.reasons : null, candidate: opts.candidate, within: opts.within }, null, 2) + '\n');
      else io.stdout(formatContainment(c, [opts.candidate], opts.within));
      if (c.verdict !== 'contained') throw new InputError(c.verdict);
    });

  analyze.command('equivalent').description('prove that two policies allow exactly the same requests')
    .argument('<a>', 'a policy file').argument('<b>', 'another policy file')
    .option('--json', 'print {equivalent, aNotInB, bNotInA} as JSON')
    .addHelpText('after', `${SCOPE}

Example:
  $ tessera analyze equivalent policy-v1.json policy-v2.json

Exit status 0 when equivalent, 1 otherwise.`)
    .action(async (a: string, b: string, opts: { json?: boolean }) => {
      const json = opts.json === true;
      const files = await loadPolicyFiles(io, [a, b], json);
      const [fa, fb] = files as [PolicyFile, PolicyFile];
      const r = (await analyzerFor(files)).equivalent(fa.policies, fb.policies);
      if (!r.ok) failWith(io, json, 'invalid policy', r.diagnostics, r.diagnostics.map((d) => d.message).join('\n'));
      if (json) io.stdout(JSON.stringify(r.result, null, 2) + '\n');
      else {
        const e = r.result.equivalent;
        io.stdout(e === true ? 'EQUIVALENT: both allow exactly the same requests, under every context\n' : e === false ? 'NOT EQUIVALENT\n' : 'UNKNOWN\n');
        if (e !== true) {
          io.stdout(`\n${a} beyond ${b}: ${formatContainment(r.result.aNotInB, [a], [b])}`);
          io.stdout(`\n${b} beyond ${a}: ${formatContainment(r.result.bNotInA, [b], [a])}`);
        }
      }
      if (r.result.equivalent !== true) throw new InputError('not equivalent');
    });

  analyze.command('diff').description('what B allows that A does not (and back), as request regions and as actions')
    .argument('<a>', 'the policy before').argument('<b>', 'the policy after')
    .option('--limit <n>', 'at most n regions each way', integerOption('--limit'), 20)
    .option('--json', 'print {added, removed, effective} as JSON')
    .addHelpText('after', `${SCOPE}

"added" is the new access of B: regions (actions × resources × conditions), each
with a concrete request the evaluator confirms. "effective" lists the AWS actions
(from the AWS catalog) whose grant appeared, disappeared or changed.

Examples:
  $ tessera analyze diff policy-v1.json policy-v2.json
  $ tessera analyze diff v1.json v2.json --json | jq '.added.regions[].example'

Exit status 0 whether or not the policies differ.`)
    .action(async (a: string, b: string, opts: { limit: number; json?: boolean }) => {
      const json = opts.json === true;
      const files = await loadPolicyFiles(io, [a, b], json);
      const [fa, fb] = files as [PolicyFile, PolicyFile];
      const analyzer = await analyzerFor(files);
      const added = analyzer.difference(fb.policies, [fa.policies], opts.limit);
      const removed = analyzer.difference(fa.policies, [fb.policies], opts.limit);
      if (!added.ok) failWith(io, json, 'invalid policy', added.diagnostics, added.diagnostics.map((d) => d.message).join('\n'));
      if (!removed.ok) failWith(io, json, 'invalid policy', removed.diagnostics, removed.diagnostics.map((d) => d.message).join('\n'));
      const catalog = await catalogFor([...fa.documents, ...fb.documents]);
      const effective = diffEffective(effectivePermissions({ identity: fa.documents }, catalog), effectivePermissions({ identity: fb.documents }, catalog));
      if (json) {
        io.stdout(JSON.stringify({ added: added.result, removed: removed.result, effective }, null, 2) + '\n');
        return;
      }
      io.stdout(`${formatDifference(`${b} allows beyond ${a}`, added.result, b, a)}\n${formatDifference(`${a} allows beyond ${b}`, removed.result, a, b)}\nEffective permissions (${a} → ${b}):\n${formatDiff(effective)}`);
    });

  analyze.command('findings').description('overly permissive grants, escalation paths, dead statements and a risk score')
    .argument('<file...>', 'policy documents')
    .option('--json', 'print [{file, findings, riskScore, limits}] as JSON')
    .addHelpText('after', `
Findings: public principals, service-wide wildcards, Allow with NotAction, \`*\`
resources on write or permissions-management actions, known privilege-escalation
paths (granted past every Deny, decided exactly), statements shadowed by a Deny
and Allows that others already cover. Risk score 0–100.

Example:
  $ tessera analyze findings team-policy.json

Exit status 1 when any finding is critical or high.`)
    .action(async (files: string[], opts: { json?: boolean }) => {
      const json = opts.json === true;
      const out = [];
      for (const file of files) {
        const [f] = await loadPolicyFiles(io, [file], json, 'auto');
        const catalog = await catalogFor((f as PolicyFile).documents);
        const results = (f as PolicyFile).policies.map((p) => policyFindings(p, { catalog }));
        out.push({ file, findings: results.flatMap((r) => r.findings), riskScore: Math.max(0, ...results.map((r) => r.riskScore)), limits: results.flatMap((r) => r.limits) });
      }
      if (json) io.stdout(JSON.stringify(out, null, 2) + '\n');
      else for (const r of out) io.stdout(`${r.file}: risk score ${r.riskScore}\n${formatFindings(r.findings, [r.file])}${r.limits.map((l) => `  (limit: ${l})\n`).join('')}`);
      if (out.some((r) => r.findings.some((f) => f.severity === 'critical' || f.severity === 'high'))) throw new InputError('findings');
    });
}

async function analyzerFor(files: readonly PolicyFile[]): Promise<Analyzer> {
  const documents = files.flatMap((f) => f.documents);
  const catalog = await catalogFor(documents);
  return new Analyzer({ actionUniverse: actionUniverse(catalog, documents) });
}

function formatDifference(title: string, d: Difference, from: string, within: string): string {
  if (d.regions.length === 0) return `${title}: nothing${d.complete ? '' : ` (incomplete: ${d.reasons.join('; ')})`}\n`;
  const regions = d.regions.map((r, i) => `region ${i + 1}:\n${formatRegion(r, [from], [within])}\n  example    ${r.example.action} on ${r.example.resource}${Object.keys(r.example.context ?? {}).length > 0 ? ` with ${JSON.stringify(r.example.context)}` : ''}`);
  return `${title}: ${d.regions.length} region${d.regions.length === 1 ? '' : 's'}${d.complete ? '' : ' (more not shown)'}\n${regions.join('\n')}\n`;
}

