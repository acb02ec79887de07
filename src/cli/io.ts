/**
 * The CLI's window on the world, injected so that commands run in-process in tests and against
 * the real process in `bin/tessera`.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): Promise<string>;
  /**
   * The file's lines (`-`: stdin) as they are read, for inputs too long to hold whole (an audit
   * export). Optional: without it, a command reads the file with readFile and splits it.
   */
  readLines?(path: string): AsyncIterable<string>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether stdout is a terminal (colors, progress). */
  readonly isTTY: boolean;
  /** The current time (injected so that tests can pin it). */
  now(): Date;
}

export function processIO(): CliIO {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readFile: async (path) => (path === '-' ? readStdin() : readFile(path, 'utf8')),
    readLines: fileLines,
    env: process.env,
    isTTY: process.stdout.isTTY === true,
    now: () => new Date(),
  };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The lines of a file (`-`: stdin) as they are read; a read error (no such file) rejects the iteration. */
export function fileLines(path: string): AsyncIterable<string> {
  return createInterface({ input: path === '-' ? process.stdin : createReadStream(path, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
}

/** `--data-dir`, else TESSERA_DATA_DIR, else `$XDG_DATA_HOME/tessera`, else `~/.local/share/tessera`. */
export function defaultDataDir(env: CliIO['env']): string {
  if (env.TESSERA_DATA_DIR) return env.TESSERA_DATA_DIR;
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, 'tessera');
  return join(env.HOME ?? homedir(), '.local', 'share', 'tessera');
}
