/**
 * Decompressing a .deb member by its suffix, as a stream: gzip through zlib, xz through
 * xz-decompress (WebAssembly; Node has no xz), zstd through fzstd (pure JavaScript; Node 20 has no
 * zstd). Any failure of the decompressor becomes `image/decompress-failed` naming the member.
 * The readers take any `Decompressor`, so a faster one (`system-decompress.ts`: the system's `xz`
 * and `zstd` as child processes) can stand in without the readers doing I/O of their own.
 */
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import xzModule from 'xz-decompress';
import { DebFormatError } from '../diagnostics.js';

// xz-decompress is CommonJS; its class is a property of the default export.
const { XzReadableStream } = xzModule as unknown as { XzReadableStream: new (s: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array> };

export type Compression = 'none' | 'gzip' | 'xz' | 'zstd';

/**
 * Turns a compressed member into its bytes. `size` is the member's compressed size (from the ar
 * header), for choosing a strategy; errors must be `DebFormatError`s or I/O errors, as `decompress`'s.
 */
export type Decompressor = (source: AsyncIterable<Uint8Array>, c: Compression, member: string, size: number) => AsyncIterable<Uint8Array>;

const SUFFIXES: Record<string, Compression> = { '': 'none', '.gz': 'gzip', '.xz': 'xz', '.zst': 'zstd' };

/** The compression of `control.tar.xz`-style names (`base` is `control.tar` or `data.tar`), or null. */
export function compressionOf(name: string, base: string): Compression | null {
  if (!name.startsWith(base)) return null;
  return SUFFIXES[name.slice(base.length)] ?? null;
}

async function* zstd(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let out: Uint8Array[] = [];
  const d = new ZstdDecompress((data) => {
    // fzstd may reuse its window buffer, so each chunk is copied before the next push.
    out.push(data.slice());
  });
  for await (const chunk of source) {
    d.push(chunk);
    yield* out;
    out = [];
  }
  d.push(new Uint8Array(0), true);
  yield* out;
}

function xz(source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const web = Readable.toWeb(Readable.from(source)) as ReadableStream<Uint8Array>;
  return new XzReadableStream(web) as unknown as AsyncIterable<Uint8Array>;
}

function gunzip(source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  // pipeline (not pipe) so that an error of the source reaches the reader of the output.
  const out = createGunzip();
  pipeline(Readable.from(source), out, () => { /* errors surface through `out` */ });
  return out;
}

function raw(source: AsyncIterable<Uint8Array>, c: Compression): AsyncIterable<Uint8Array> {
  switch (c) {
    case 'none': return source;
    case 'gzip': return gunzip(source);
    case 'xz': return xz(source);
    case 'zstd': return zstd(source);
  }
}

/** The decompressed bytes of `source`, in process; decoder errors are reported against `member`. */
export async function* decompress(source: AsyncIterable<Uint8Array>, c: Compression, member: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of raw(source, c)) yield chunk;
  } catch (e) {
    // Our own format errors and I/O failures (errno set) pass through; the rest are the decoder's.
    if (e instanceof DebFormatError || (e as NodeJS.ErrnoException).syscall !== undefined) throw e;
    throw new DebFormatError('image/decompress-failed', member, `cannot decompress \`${member}\` (${c}): ${(e as Error).message}`);
  }
}
