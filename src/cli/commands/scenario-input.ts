/** Shared by the commands that read a scenario file: load, parse, compile, or report and fail. */
import { compileParsedSet, parseScenario, sortDiagnostics, type Authorizer, type Diagnostic, type Scenario } from '../../policy/index.js';
import { InputError, UsageError } from '../errors.js';
import { formatDiagnostics } from '../format-diagnostics.js';
import type { CliIO } from '../io.js';

export interface LoadedScenario {
  readonly scenario: Scenario;
  readonly authorizer: Authorizer;
  readonly text: string;
  readonly warnings: readonly Diagnostic[];
}

export async function loadScenario(io: CliIO, file: string, json: boolean): Promise<LoadedScenario> {
  let text: string;
  try {
    text = await io.readFile(file);
  } catch (e) {
    throw new UsageError(`cannot read scenario \`${file}\`: ${(e as Error).message}`);
  }
  const parsed = parseScenario(text, file);
  const fail = (ds: readonly Diagnostic[]): never => {
    const sorted = sortDiagnostics(ds);
    if (json) io.stderr(JSON.stringify({ error: 'invalid scenario', diagnostics: sorted }, null, 2) + '\n');
    else io.stderr(formatDiagnostics(sorted, { sources: new Map([[file, text]]), defaultSource: file, color: io.isTTY }));
    throw new InputError(`invalid scenario \`${file}\``);
  };
  if (!parsed.ok) return fail(parsed.diagnostics);
  const compiled = compileParsedSet(parsed.scenario.policies);
  if (compiled.authorizer === undefined) return fail(compiled.diagnostics);
  const warnings = [...parsed.diagnostics, ...compiled.diagnostics].filter((d) => d.severity !== 'error');
  return { scenario: parsed.scenario, authorizer: compiled.authorizer, text, warnings };
}
