/**
 * A `Decompressor` that hands large xz and zstd members to the system's `xz` and `zstd`, one child
 * process per member, and keeps everything else in process (`decompress.ts`). Measured on the
 * image benchmark's 39 packages: liblzma decodes the data archives in ~0.15 s of CPU where the
 * WebAssembly build takes ~1.1 s on the main thread, and child processes let several packages
 * decode at once on several cores while the main thread parses tar headers. Small members
 * (control archives, tiny packages) stay in process: a spawn costs ~5 ms, more than decoding them.
 * gzip always stays in zlib, which is native already. The readers stay pure: they only see the
 * `Decompressor` interface; this file is the edge that starts processes.
 */
import { spawn } from 'node:child_process';
import { DebFormatError } from '../diagnostics.js';
import { decompress, type Compression, type Decompressor } from './decompress.js';

export interface SystemDecompressorOptions {
  /** Members smaller than this (compressed bytes) are decoded in process. Default 128 KiB. */
  readonly minSize?: number;
  /** Tool names or paths; default `xz` and `zstd` from PATH. */
  readonly xz?: string;
  readonly zstd?: string;
}

/** Which child-process decoders were found, and the decompressor that uses them. */
export interface SystemDecompressor {
  readonly decompress: Decompressor;
  /** The compressions handed to a child process (empty: everything in process). */
  readonly native: readonly Compression[];
}

/**
 * liblzma's memory for one xz member. Debian packs with at most `-9` (a 64 MiB dictionary); the
 * bound keeps a hostile header from reserving gigabytes. zstd's own default limit (a 128 MiB
 * window) applies to zstd.
 */
const XZ_MEMLIMIT = '--memlimit-decompress=256MiB';

const probed = new Map<string, Promise<boolean>>();

/**
 * Whether `tool --version` runs and exits 0; asked once per tool name in a process (two spawns
 * per build were ~10 ms of main-thread time, and tools do not come and go between builds).
 */
function works(tool: string): Promise<boolean> {
  let answer = probed.get(tool);
  if (answer === undefined) probed.set(tool, (answer = probe(tool)));
  return answer;
}

function probe(tool: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(tool, ['--version'], { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('close', (code) => resolve(code === 0));
  });
}

/** Probes for `xz` and `zstd` (two short spawns, once per process); whatever is missing is decoded in process. */
export async function systemDecompressor(options: SystemDecompressorOptions = {}): Promise<SystemDecompressor> {
  const minSize = options.minSize ?? 128 << 10;
  const xz = options.xz ?? 'xz';
  const zstd = options.zstd ?? 'zstd';
  const [hasXz, hasZstd] = await Promise.all([works(xz), works(zstd)]);
  const commands: Partial<Record<Compression, [string, string[]]>> = {};
  if (hasXz) commands.xz = [xz, ['--decompress', '--stdout', '--quiet', XZ_MEMLIMIT]];
  if (hasZstd) commands.zstd = [zstd, ['--decompress', '--stdout', '--quiet', '--no-progress']];
  const native = (Object.keys(commands) as Compression[]).sort();
  const run: Decompressor = (source, c, member, size) => {
    const command = commands[c];
    if (command === undefined || size < minSize) return decompress(source, c, member);
    return throughProcess(command[0], command[1], source, c, member);
  };
  return { decompress: run, native };
}

/**
 * Feeds `source` to the tool's stdin and yields its stdout. An error of the source (a truncated
 * .deb, an I/O failure) wins over the tool's complaint about the input it cut short; otherwise a
 * non-zero exit becomes `image/decompress-failed` with the tool's message. A consumer that stops
 * early kills the process.
 */
async function* throughProcess(tool: string, args: string[], source: AsyncIterable<Uint8Array>, c: Compression, member: string): AsyncGenerator<Uint8Array> {
  const child = spawn(tool, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    if (stderr.length < 2048) stderr += d;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  exited.catch(() => undefined); // awaited below; this only keeps an early spawn error from going unhandled
  // Writing into a pipe whose reader has exited fails with EPIPE; the exit status says why.
  child.stdin.on('error', () => undefined);
  let stopped = false;
  let sourceError: unknown = null;
  const stdinClosed = new Promise<void>((resolve) => child.stdin.once('close', resolve));
  const feeding = (async () => {
    try {
      for await (const chunk of source) {
        if (stopped || child.stdin.destroyed) break;
        if (!child.stdin.write(chunk)) await Promise.race([new Promise((resolve) => child.stdin.once('drain', resolve)), stdinClosed]);
      }
      if (!child.stdin.destroyed) child.stdin.end();
    } catch (e) {
      sourceError = e;
      child.kill('SIGKILL');
    }
  })();
  let finished = false;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) yield chunk;
    const code = await exited;
    await feeding;
    if (sourceError !== null) throw sourceError;
    if (code !== 0) {
      const why = stderr.trim().split('\n').pop()?.replace(/^[^:]*: \(stdin\): /, '') ?? '';
      throw new DebFormatError('image/decompress-failed', member, `cannot decompress \`${member}\` (${c}): ${why === '' ? `${tool} exited with ${code}` : why}`);
    }
    finished = true;
  } finally {
    if (!finished) {
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited.catch(() => undefined);
      await feeding;
    }
  }
}
