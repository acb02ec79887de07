/** `tessera policy validate|explain|checks`. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { loadAwsCatalog, servicesOf } from '../../aws-catalog/index.js';
import { explain, parseJsonText, POLICY_CHECKS, POLICY_TYPES, validatePolicy, type PolicyType } from '../../policy/index.js';
import { InputError, UsageError } from '../errors.js';
import { formatExplanation } from '../format-decision.js';
import { formatDiagnostics, summarize } from '../format-diagnostics.js';
import type { CliIO } from '../io.js';
import { loadScenario } from './scenario-input.js';

export function registerPolicy(program: Command, io: CliIO): void {
  const policy = program.command('policy').description('validate IAM policies and explain decisions');

  policy
    .command('validate')
    .description('check IAM policy documents: grammar, values, AWS catalog, security and style findings')
    .argument('<file...>', 'policy documents (JSON); - reads stdin')
    .addOption(new Option('-t, --type <type>', 'policy type of the documents').choices([...POLICY_TYPES]).default('identity'))
    .option('--no-catalog', 'skip the checks against the AWS catalog (services, actions, condition keys)')
    .option('--json', 'print {"files": [{"file", "diagnostics"}], "summary"} as JSON')
    .addHelpText('after', `
Examples:
  $ tessera policy validate policy.json
  $ tessera policy validate --type resource bucket-policy.json
  $ tessera policy validate --json policies/*.json | jq '.files[].diagnostics[].code'

Exit status 1 when any document has an error (security warnings, warnings and
suggestions do not fail). \`tessera policy checks\` lists every check.`)
    .action(async (files: string[], opts: { type: PolicyType; catalog: boolean; json?: boolean }) => {
      const texts = await readAll(io, files);
      const catalog = opts.catalog ? await loadAwsCatalog(servicesOf(texts.flatMap(([, t]) => actionStrings(t)))) : undefined;
      const results = texts.map(([file, text]) => ({ file, diagnostics: validatePolicy(text, catalog === undefined ? { policyType: opts.type, source: file } : { policyType: opts.type, source: file, catalog }) }));
      const all = results.flatMap((r) => r.diagnostics);
      if (opts.json === true) {
        io.stdout(JSON.stringify({ files: results, summary: summarize(all), catalog: catalog?.version ?? null }, null, 2) + '\n');
      } else {
        const sources = new Map(texts);
        for (const r of results) {
          if (r.diagnostics.length > 0) io.stdout(formatDiagnostics(r.diagnostics, { sources, defaultSource: r.file, color: io.isTTY }) + '\n');
          else io.stdout(`${r.file}: no findings\n`);
        }
        if (results.length > 1 || all.length > 0) io.stdout(`${summarize(all)} in ${results.length} file${results.length === 1 ? '' : 's'}\n`);
      }
      if (all.some((d) => d.severity === 'error')) throw new InputError('policy has errors');
    });

  policy
    .command('explain')
    .description('step-by-step trace of how a scenario is evaluated, statement by statement')
    .requiredOption('-s, --scenario <file>', 'scenario file; - reads stdin')
    .option('--json', 'print {decision, steps, statements} as JSON')
    .addHelpText('after', `
Examples:
  $ tessera policy explain --scenario s3-read.json
  $ tessera policy explain --scenario s3-read.json --json | jq '.statements[] | select(.applies)'`)
    .action(async (opts: { scenario: string; json?: boolean }) => {
      const json = opts.json === true;
      const { scenario, authorizer, text } = await loadScenario(io, opts.scenario, json);
      const e = explain(authorizer, scenario.request);
      if (json) io.stdout(JSON.stringify(e, null, 2) + '\n');
      else io.stdout(formatExplanation(scenario.request, e, new Map([[opts.scenario, text]]), opts.scenario));
    });

  policy
    .command('checks')
    .description('list every validator check with its code and severity')
    .option('--json', 'print the list as JSON')
    .action((opts: { json?: boolean }) => {
      const rows = Object.entries(POLICY_CHECKS).filter(([code]) => code.startsWith('policy/')).map(([code, c]) => ({ code, severity: c.severity, title: c.title }));
      if (opts.json === true) io.stdout(JSON.stringify(rows, null, 2) + '\n');
      else io.stdout(rows.map((r) => `${r.code.padEnd(46)} ${r.severity.padEnd(17)} ${r.title}`).join('\n') + `\n${rows.length} checks\n`);
    });
}

async function readAll(io: CliIO, files: readonly string[]): Promise<[string, string][]> {
  return Promise.all(
    files.map(async (f): Promise<[string, string]> => {
      try {
        return [f, await io.readFile(f)];
      } catch (e) {
        throw new UsageError(`cannot read \`${f}\`: ${(e as Error).message}`);
      }
    }),
  );
}

/** Action strings in a document, to load only the catalog services it uses. */
function actionStrings(text: string): string[] {
  const json = parseJsonText(text);
  if (!json.ok) return [];
  const out: string[] = [];
  const walk = (n: typeof json.root): void => {
    if (n.kind === 'object') {
      for (const p of n.props) {
        if ((p.key === 'Action' || p.key === 'NotAction') && (p.value.kind === 'string' || p.value.kind === 'array')) {
          for (const v of p.value.kind === 'string' ? [p.value] : p.value.items) if (v.kind === 'string') out.push(v.value);
        } else walk(p.value);
      }
    } else if (n.kind === 'array') n.items.forEach(walk);
  };
  walk(json.root);
  // Condition keys and variables name services too (e.g. `s3:prefix` in an ec2 statement).
  for (const m of text.matchAll(/"([a-z0-9-]+):[A-Za-z0-9/._-]+"\s*:/g)) if (m[1] !== undefined) out.push(`${m[1]}:x`);
  return out;
}

