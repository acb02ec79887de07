/** `tessera deb vercmp`: Debian version comparison with dpkg's exact rules. */
import type { Command } from 'commander';
import { compareParsedVersions, parseVersion } from '../../catalog/index.js';
import { failWith } from '../inputs.js';
import type { CliIO } from '../io.js';

export function registerDeb(program: Command, io: CliIO): void {
  const deb = program.command('deb').description('Debian package tools: version comparison (resolution comes next)');
  deb.command('vercmp').description('compare two Debian versions as dpkg does; prints <, = or >')
    .argument('<a>', 'a version, [epoch:]upstream[-revision]')
    .argument('<b>', 'another version')
    .option('--json', 'print {"a", "b", "order": -1 | 0 | 1}')
    .addHelpText('after', `
The order is dpkg's: epochs as numbers, then upstream and revision in runs where ~ sorts
before everything (even the end), letters before other characters, digits as numbers.

Examples:
  $ tessera deb vercmp 1.0~rc1 1.0          <
  $ tessera deb vercmp 1:0.9 2.0            >
  $ tessera deb vercmp 2.36-9+deb12u3 2.36-9+deb12u10 --json`)
    .action((a: string, b: string, opts: { json?: boolean }) => {
      const json = opts.json === true;
      const [x, y] = [parseVersion(a), parseVersion(b)];
      const bad = [x, y].flatMap((r, i) => (r.ok ? [] : [{ code: 'deb/bad-version', argument: i === 0 ? 'a' : 'b', message: r.message }]));
      if (!x.ok || !y.ok) failWith(io, json, 'not a Debian version', bad, bad.map((d) => `tessera: ${d.message}`).join('\n'));
      const order = compareParsedVersions(x.version, y.version);
      io.stdout(json ? JSON.stringify({ a, b, order }) + '\n' : `${order < 0 ? '<' : order > 0 ? '>' : '='}\n`);
    });
}
