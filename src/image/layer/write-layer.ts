/**
 * Writing one layer tar from .deb files. Every package is read and checked first (`collect.ts`:
 * several at once, checked in install order), contents held in memory or a spool file beside the
 * target (`content-store.ts`); only when no package was refused is the tar written — entries
 * sorted by path, one mtime (SOURCE_DATE_EPOCH), ownership from the .debs, identical
 * documentation linked (`dedupe.ts`) — and renamed into place. On any refusal the temporary
 * directory goes and the diagnostics return; the target is never half-written.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { DebControl } from '../deb/control.js';
import type { Decompressor } from '../deb/decompress.js';
import type { ImageDiagnostic } from '../diagnostics.js';
import { GzipWriter, type GzipResult } from '../oci/gzip.js';
import { collect } from './collect.js';
import { ContentStore, type Placed, type Stored } from './content-store.js';
import { dedupe } from './dedupe.js';
import { MERGED_USR_DIRS } from './paths.js';
import { encodeHeader, END_OF_ARCHIVE, padding, type TarWriteHeader } from './tar-writer.js';

export interface WriteLayerOptions {
  /** The .deb files, in install order. */
  readonly debs: readonly string[];
  /** The layer tar to create. */
  readonly target: string;
  /** SOURCE_DATE_EPOCH: every entry's mtime, in seconds. */
  readonly sourceDateEpoch: number;
  /** Largest regular file accepted (default 1 GiB). */
  readonly maxMemberSize?: number;
  /** Bound on the sum of the layer's file sizes (default 16 GiB). */
  readonly maxLayerSize?: number;
  /** Add the merged-/usr top-level symlinks (`bin -> usr/bin`, ...): for the base layer. */
  readonly mergedUsrLinks?: boolean;
  /** How members are decompressed (default in process; `systemDecompressor()` is faster). */
  readonly decompress?: Decompressor;
  /** Packages read at once (default 4). */
  readonly concurrency?: number;
  /** File contents held in memory at most; the rest is spooled to disk (default 512 MiB). */
  readonly memoryBudget?: number;
  /** Controls the caller already read from these files, by path: not decoded again. */
  readonly controls?: ReadonlyMap<string, DebControl>;
  /** Link identical documentation files (`dedupe.ts`; default true). */
  readonly dedupe?: boolean;
  /**
   * fsync the tar before renaming it into place (default true). Off for a tar that is only an
   * intermediate in a directory the caller removes: 40 MB of fsync is wall time.
   */
  readonly durable?: boolean;
  /**
   * Write `target` as the layer's gzip blob (`oci/gzip.ts`) instead of the tar: the tar is never
   * on disk and its first pieces deflate while the rest is written. `buildImage` does, and hands
   * the blob to the layout; the blob is always synced.
   */
  readonly gzip?: boolean;
}

/** What the layer holds at a path (no trailing `/`): what later layers are decided against (alternatives). */
export interface LayerPath {
  readonly type: 'file' | 'hardlink' | 'directory' | 'symlink';
  readonly linkname: string;
}

export type WriteLayerResult =
  | {
    readonly ok: true;
    /** The tar's digest and size (with `gzip`, of the tar inside the blob). */
    readonly digest: string;
    readonly size: number;
    readonly entries: number;
    readonly paths: ReadonlyMap<string, LayerPath>;
    /** With `gzip`: the blob's digests and sizes. */
    readonly compressed?: GzipResult;
  }
  | { readonly ok: false; readonly diagnostics: readonly ImageDiagnostic[] };

const byPath = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

interface Arranged {
  readonly header: TarWriteHeader;
  readonly content: Stored | null;
}

/**
 * In path order a hardlink may come before the file it names, which a tar cannot express; so in
 * each group of linked paths the first in order carries the content and the others link to it.
 */
function arrange(placed: readonly Placed[], mtime: number, links: readonly string[]): Arranged[] {
  const files = new Map(placed.filter((p) => p.entry.type === 'file').map((p) => [p.entry.path, p]));
  const groups = new Map<string, string[]>();
  for (const p of placed) if (p.entry.type === 'hardlink') groups.set(p.entry.linkname, [...(groups.get(p.entry.linkname) ?? [p.entry.linkname]), p.entry.path]);
  const leader = new Map<string, string>();
  for (const members of groups.values()) {
    const first = [...members].sort(byPath)[0] as string;
    for (const m of members) leader.set(m, first);
  }
  const out = placed.map((p) => {
    const e = p.entry;
    const source = e.type === 'hardlink' ? (files.get(e.linkname) as Placed) : p;
    const lead = leader.get(e.path);
    const carries = lead === undefined ? e.type !== 'hardlink' : lead === e.path;
    const type = carries ? (e.type === 'hardlink' ? 'file' : e.type) : 'hardlink';
    // Linked paths share one inode: all of them carry the linked file's mode and owner.
    const m = source.entry;
    const header: TarWriteHeader = {
      path: e.type === 'directory' ? `${e.path}/` : e.path,
      type, mode: m.mode, uid: m.uid, gid: m.gid, uname: m.uname, gname: m.gname, mtime,
      size: type === 'file' ? source.entry.size : 0,
      linkname: type === 'hardlink' ? (lead as string) : e.linkname,
    };
    return { header, content: type === 'file' ? source.content : null };
  });
  for (const dir of links) {
    out.push({ header: { path: dir, type: 'symlink', mode: 0o777, uid: 0, gid: 0, uname: 'root', gname: 'root', size: 0, mtime, linkname: `usr/${dir}` }, content: null });
  }
  return out.sort((a, b) => byPath(a.header.path.replace(/\/$/, ''), b.header.path.replace(/\/$/, '')));
}

/** Where the tar's bytes go, in order. */
interface TarSink {
  write(bytes: Uint8Array): Promise<void>;
}

/** Writes in 1 MiB batches while hashing: one system call per batch, not per header, and no copy. */
class TarOutput implements TarSink {
  private readonly hash = createHash('sha256');
  private pending: Uint8Array[] = [];
  private pendingSize = 0;
  size = 0;

  constructor(private readonly handle: FileHandle) {}

  async write(bytes: Uint8Array): Promise<void> {
    this.hash.update(bytes);
    this.size += bytes.length;
    this.pending.push(bytes);
    this.pendingSize += bytes.length;
    if (this.pendingSize >= 1 << 20) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pendingSize > 0) await this.handle.writev(this.pending);
    this.pending = [];
    this.pendingSize = 0;
  }

  digest(): string {
    return `sha256:${this.hash.digest('hex')}`;
  }
}

async function writeEntries(entries: readonly Arranged[], store: ContentStore, out: TarSink): Promise<void> {
  for (const { header, content } of entries) {
    await out.write(encodeHeader(header));
    if (content === null) continue;
    for await (const piece of store.read(content)) await out.write(piece);
    await out.write(padding(header.size));
  }
  await out.write(END_OF_ARCHIVE);
}

async function writeTar(entries: readonly Arranged[], store: ContentStore, file: string, durable: boolean): Promise<{ digest: string; size: number }> {
  const handle = await open(file, 'wx');
  try {
    const out = new TarOutput(handle);
    await writeEntries(entries, store, out);
    await out.flush();
    if (durable) await handle.sync();
    return { digest: out.digest(), size: out.size };
  } finally {
    await handle.close();
  }
}

async function writeGzip(entries: readonly Arranged[], store: ContentStore, file: string): Promise<GzipResult> {
  const out = await GzipWriter.create(file);
  try {
    await writeEntries(entries, store, out);
    return await out.finish();
  } catch (e) {
    await out.abort();
    throw e;
  }
}

/** Builds `options.target` from `options.debs`, or returns why not (and leaves nothing behind). */
export async function writeLayer(options: WriteLayerOptions): Promise<WriteLayerResult> {
  if (!Number.isSafeInteger(options.sourceDateEpoch) || options.sourceDateEpoch < 0 || options.sourceDateEpoch >= 8 ** 11) {
    throw new RangeError(`SOURCE_DATE_EPOCH must be a non-negative integer, not ${options.sourceDateEpoch}`);
  }
  const dir = await mkdtemp(join(dirname(options.target), `.${basename(options.target)}.tmp-`));
  const store = new ContentStore({ spoolFile: join(dir, 'spool'), memoryBudget: options.memoryBudget });
  try {
    const { placed, diagnostics } = await collect({
      debs: options.debs, maxMemberSize: options.maxMemberSize ?? 1 << 30, maxLayerSize: options.maxLayerSize ?? 16 * 2 ** 30,
      decompress: options.decompress, concurrency: options.concurrency, controls: options.controls,
    }, store);
    if (diagnostics.length > 0) return { ok: false, diagnostics };
    const present = new Set(placed.map((p) => p.entry.path));
    // bin, sbin and lib always exist on Debian 12; lib32/lib64/libx32 only where /usr has them.
    const links = options.mergedUsrLinks === true ? MERGED_USR_DIRS.filter((d) => ['bin', 'lib', 'sbin'].includes(d) || present.has(`usr/${d}`)) : [];
    const entries = arrange(options.dedupe === false ? placed : dedupe(placed), options.sourceDateEpoch, links);
    const tmp = join(dir, 'layer');
    const compressed = options.gzip === true ? await writeGzip(entries, store, tmp) : undefined;
    const { digest, size } = compressed === undefined ? await writeTar(entries, store, tmp, options.durable !== false) : { digest: compressed.diffId, size: compressed.uncompressedSize };
    await rename(tmp, options.target);
    const paths = new Map<string, LayerPath>();
    for (const { header } of entries) paths.set(header.path.replace(/\/$/, ''), { type: header.type, linkname: header.type === 'symlink' ? header.linkname : '' });
    return { ok: true, digest, size, entries: entries.length, paths, ...(compressed !== undefined ? { compressed } : {}) };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
