/**
 * Where a layer's file contents wait between reading the .debs and writing the sorted tar: in
 * memory while they fit a budget, else appended to one spool file. The memory path is the common
 * one (a 40-package image holds ~40 MB of files) and saves writing every byte to disk and reading
 * it back; the spool keeps memory bounded for very large layers and single large members.
 * Several packages are read at once, so spooled pieces of different members interleave in the
 * file: a spooled content is a list of segments. Which contents were spooled depends on timing,
 * so nothing about the output may depend on it (hashes are taken while reading, in both cases).
 */
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { LayerEntry } from './safe-entry.js';

export interface Segment {
  readonly offset: number;
  readonly size: number;
}

export type Stored =
  | { readonly kind: 'memory'; readonly bytes: Uint8Array; readonly size: number; readonly md5: string; readonly sha256: string | null }
  | { readonly kind: 'spool'; readonly segments: readonly Segment[]; readonly size: number; readonly md5: string; readonly sha256: string | null };

/** A checked entry of the layer and, for a regular file, its content. */
export interface Placed {
  readonly entry: LayerEntry;
  readonly content: Stored | null;
}

export interface ContentStoreOptions {
  /** The spool file, created on first use. */
  readonly spoolFile: string;
  /** Bytes held in memory at most (default 512 MiB). */
  readonly memoryBudget?: number;
  /** A member larger than this always goes to the spool (default 64 MiB). */
  readonly maxInMemory?: number;
}

export class ContentStore {
  private used = 0;
  private spool: FileHandle | null = null;
  private opening: Promise<FileHandle> | null = null;
  private spoolSize = 0;
  private readonly budget: number;
  private readonly maxInMemory: number;

  constructor(private readonly options: ContentStoreOptions) {
    this.budget = options.memoryBudget ?? 512 << 20;
    this.maxInMemory = options.maxInMemory ?? 64 << 20;
  }

  /**
   * Reads `content`, which declares `size` bytes, hashing it on the way (MD5 for md5sums, SHA-256
   * when `strongHash`, for finding identical files). Fewer bytes than declared come back as a
   * shorter `size`: the reader reports the truncation.
   */
  async take(content: AsyncIterable<Uint8Array>, size: number, strongHash: boolean): Promise<Stored> {
    const md5 = createHash('md5');
    const sha = strongHash ? createHash('sha256') : null;
    if (size <= this.maxInMemory && this.used + size <= this.budget) {
      this.used += size;
      // One exact-size copy: keeping the decoder's chunks would pin their larger buffers.
      const bytes = new Uint8Array(size);
      let at = 0;
      for await (const chunk of content) {
        const piece = chunk.subarray(0, size - at);
        bytes.set(piece, at);
        md5.update(piece);
        sha?.update(piece);
        at += piece.length;
      }
      return { kind: 'memory', bytes: at === size ? bytes : bytes.subarray(0, at), size: at, md5: md5.digest('hex'), sha256: sha?.digest('hex') ?? null };
    }
    const segments: Segment[] = [];
    let got = 0;
    for await (const chunk of content) {
      md5.update(chunk);
      sha?.update(chunk);
      segments.push(await this.append(chunk));
      got += chunk.length;
    }
    return { kind: 'spool', segments, size: got, md5: md5.digest('hex'), sha256: sha?.digest('hex') ?? null };
  }

  /** Appends one chunk; the offset is claimed before the write, so concurrent appends never overlap. */
  private async append(chunk: Uint8Array): Promise<Segment> {
    const offset = this.spoolSize;
    this.spoolSize += chunk.length;
    const handle = await this.handle();
    for (let done = 0; done < chunk.length;) {
      const { bytesWritten } = await handle.write(chunk, done, chunk.length - done, offset + done);
      done += bytesWritten;
    }
    return { offset, size: chunk.length };
  }

  private handle(): Promise<FileHandle> {
    this.opening ??= open(this.options.spoolFile, 'wx+').then((h) => (this.spool = h));
    return this.opening;
  }

  /** The bytes of a stored content, in pieces of at most `piece` bytes. */
  async *read(stored: Stored, piece = 1 << 20): AsyncGenerator<Uint8Array> {
    if (stored.kind === 'memory') {
      yield stored.bytes;
      return;
    }
    const handle = await this.handle();
    for (const s of stored.segments) {
      for (let at = 0; at < s.size;) {
        const buf = Buffer.allocUnsafe(Math.min(piece, s.size - at)); // filled whole, or the short read throws
        const { bytesRead } = await handle.read(buf, 0, buf.length, s.offset + at);
        if (bytesRead !== buf.length) throw new Error(`${this.options.spoolFile}: short read at ${s.offset + at}`);
        yield buf;
        at += bytesRead;
      }
    }
  }

  async close(): Promise<void> {
    if (this.opening !== null) await this.opening.catch(() => undefined);
    await this.spool?.close();
    this.spool = null;
  }
}
