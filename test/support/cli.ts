/** Runs the CLI in-process with captured output, a pinned clock and a given environment. */
import { readFile } from 'node:fs/promises';
import { fileLines, type CliIO } from '../../src/cli/io.js';
import { run } from '../../src/cli/main.js';

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** `files` are served instead of the disk when given. */
export async function tessera(args: readonly string[], options: { files?: Record<string, string>; env?: Record<string, string>; now?: Date } = {}): Promise<CliResult> {
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    readFile: async (p) => options.files?.[p] ?? readFile(p, 'utf8'),
    readLines: (p) => {
      const served = options.files?.[p];
      return served === undefined ? fileLines(p) : (async function* () { yield* served.split('\n'); })();
    },
    env: { HOME: '/home/test', ...options.env },
    isTTY: false,
    now: () => options.now ?? new Date('2026-11-23T10:00:00Z'),
  };
  const code = await run(args, io);
  return { code, out, err };
}
