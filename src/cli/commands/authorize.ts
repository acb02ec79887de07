/** `tessera authorize --scenario FILE [--json]`: decide one scenario (design.md's contract). */
import type { Command } from 'commander';
import { formatDecision } from '../format-decision.js';
import { formatDiagnostics } from '../format-diagnostics.js';
import type { CliIO } from '../io.js';
import { loadScenario } from './scenario-input.js';

export function registerAuthorize(program: Command, io: CliIO): void {
  program
    .command('authorize')
    .description('decide an authorization scenario: Allow, ExplicitDeny or ImplicitDeny, with the deciding statements')
    .requiredOption('-s, --scenario <file>', 'scenario file (JSON with "request" and "policies"); - reads stdin')
    .option('--json', 'print the decision as one JSON object')
    .addHelpText('after', `
Examples:
  $ tessera authorize --scenario examples/scenarios/s3-read.json
  $ tessera authorize --scenario s3-read.json --json | jq .decision

The exit status is 0 for every decision; 1 when the scenario itself is invalid
(diagnostics on stderr), 2 for usage errors.`)
    .action(async (opts: { scenario: string; json?: boolean }) => {
      const json = opts.json === true;
      const { scenario, authorizer, text, warnings } = await loadScenario(io, opts.scenario, json);
      const decision = authorizer.authorize(scenario.request);
      if (json) {
        io.stdout(JSON.stringify(decision) + '\n');
        return;
      }
      const sources = new Map([[opts.scenario, text]]);
      if (warnings.length > 0) io.stderr(formatDiagnostics(warnings, { sources, defaultSource: opts.scenario, color: io.isTTY }) + '\n');
      io.stdout(formatDecision(scenario.request, decision, sources, opts.scenario));
    });
}
