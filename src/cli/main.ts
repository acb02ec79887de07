/**
 * The `tessera` command line: one file per command under commands/, wired here. `run` is
 * in-process and returns the exit code, so tests drive it directly.
 */
import { Command, CommanderError } from 'commander';
import { registerAnalyze } from './commands/analyze.js';
import { registerAudit } from './commands/audit.js';
import { registerAuthorize } from './commands/authorize.js';
import { registerCatalog } from './commands/catalog.js';
import { registerDeb } from './commands/deb.js';
import { registerDemo } from './commands/demo.js';
import { registerFragment } from './commands/fragment.js';
import { registerImage } from './commands/image.js';
import { registerIntel } from './commands/intel.js';
import { registerMonitor } from './commands/monitor.js';
import { registerPermissions } from './commands/permissions.js';
import { registerPolicy } from './commands/policy.js';
import { registerPolicies } from './commands/policies.js';
import { registerRisk } from './commands/risk.js';
import { registerSynth } from './commands/synth.js';
import { registerServe } from './commands/serve.js';
import { FeedStoreError } from '../store/index.js';
import { InputError, ServerProblemError, UsageError } from './errors.js';
import { defaultDataDir, type CliIO } from './io.js';

export const VERSION = '0.1.0';

export function buildProgram(io: CliIO): Command {
  const program = new Command('tessera')
    .description('Tessera: least privilege from live risk — IAM policy decisions and analysis, threat intel and risk assessment, Debian packages')
    .version(VERSION)
    .option('--data-dir <dir>', 'where the embedded store, caches and feeds live', defaultDataDir(io.env))
    .option('--server <url>', 'work against a Tessera server instead of the embedded store (fragment, synth, policies, audit, monitor, intel import|status); also $TESSERA_SERVER', io.env.TESSERA_SERVER)
    .option('--token <token>', 'the API token for --server; also $TESSERA_TOKEN', io.env.TESSERA_TOKEN)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .addHelpText('after', `
Examples:
  $ tessera authorize --scenario scenario.json          decide a request, with the deciding statements
  $ tessera policy validate policy.json                  findings with file:line:col, like a compiler
  $ tessera policy explain --scenario scenario.json      the evaluation step by step
  $ tessera fragment search --action 's3:Get*'           pre-approved policy fragments
  $ tessera synth -f s3-read-prefix@1 -p ... -b b.json   compose fragments, proven within a boundary
  $ tessera analyze contains -c new.json -w b.json       exact containment with a counterexample
  $ tessera permissions policy.json --matrix grid.json   effective AWS actions, what-if by context
  $ tessera intel import kev known_exploited.json        threat feeds as validated snapshots
  $ tessera risk assess --app app.yaml --env env.yaml    risk score, tier, SSVC decisions, threats
  $ tessera catalog import --index P.xz --release InRelease   a signed Debian index as the catalog
  $ tessera deb vercmp 1.0~rc1 1.0                       Debian versions compared as dpkg does
  $ tessera deb resolve nginx python3                    the install set apt would choose, with why
  $ tessera image plan --app app.yaml --env env.yaml     packages and security controls chosen by risk
  $ tessera <command> --help                             options and examples of a command

Every command takes --json for machine output. Exit status: 0 success, 1 errors
in the input, 2 usage errors.`);
  registerAuthorize(program, io);
  registerPolicy(program, io);
  registerPolicies(program, io);
  registerFragment(program, io);
  registerSynth(program, io);
  registerAnalyze(program, io);
  registerPermissions(program, io);
  registerIntel(program, io);
  registerRisk(program, io);
  registerCatalog(program, io);
  registerImage(program, io);
  registerDeb(program, io);
  registerDemo(program, io);
  registerAudit(program, io);
  registerServe(program, io);
  registerMonitor(program, io);
  for (const c of program.commands) propagate(c, io);
  return program;
}

/** Subcommands inherit the error routing (commander configures each command separately). */
function propagate(cmd: Command, io: CliIO): void {
  cmd.exitOverride().configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) }).showHelpAfterError('(run with --help for usage)');
  for (const c of cmd.commands) propagate(c, io);
}

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    if (e instanceof UsageError) {
      io.stderr(`tessera: ${e.message}\n`);
      return 2;
    }
    if (e instanceof InputError) return 1;
    if (e instanceof ServerProblemError) {
      io.stderr(`tessera: server ${e.message}\n`);
      return 1;
    }
    if (e instanceof FeedStoreError) {
      // The data directory's feed store is unreadable or was changed by hand: say so, no stack.
      io.stderr(`tessera: ${e.message}\n`);
      return 1;
    }
    io.stderr(`tessera: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 70;
  }
}
