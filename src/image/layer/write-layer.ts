/**
 * Writing one layer tar from .deb files. Every package is read and checked first, regular files
 * spooled into a temporary directory next to the target; only when no package was refused is the
 * tar written — entries sorted by path, one mtime (SOURCE_DATE_EPOCH), ownership from the .debs —
 * and renamed into place. On any refusal the temporary directory goes and the diagnostics return;
 * the target is never half-written.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { once } from 'node:events';
import { fileSource, openDeb } from '../deb/read-deb.js';
import { imageDiagnostic, type ImageDiagnostic } from '../diagnostics.js';
import { MERGED_USR_DIRS } from './paths.js';
import { EntryChecker, type LayerEntry } from './safe-entry.js';
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
}

export type WriteLayerResult =
  | { readonly ok: true; readonly digest: string; readonly size: number; readonly entries: number }
  | { readonly ok: false; readonly diagnostics: readonly ImageDiagnostic[] };

/** Where a regular file's content sits in the spool file. */
interface Blob {
  readonly offset: number;
  readonly size: number;
}

interface Placed {
  readonly entry: LayerEntry;
  readonly blob: Blob | null;
}

/**
 * Contents go one after another into a single spool file (one file per entry would cost a file
 * creation each; thousands of small files are the common case).
 */
class Spool {
  private readonly out: WriteStream;
  private size = 0;

  constructor(readonly file: string) {
    this.out = createWriteStream(file);
  }

  /** Appends `content`; returns where it sits and its MD5 (checked against the package's md5sums). */
  async add(content: AsyncIterable<Uint8Array>): Promise<Blob & { md5: string }> {
    const offset = this.size;
    const md5 = createHash('md5');
    for await (const chunk of content) {
      this.size += chunk.length;
      md5.update(chunk);
      if (!this.out.write(chunk)) await once(this.out, 'drain');
    }
    return { offset, size: this.size - offset, md5: md5.digest('hex') };
  }

  async close(): Promise<void> {
    if (this.out.closed) return;
    this.out.end();
    await once(this.out, 'close');
  }
}

/** Reads and checks every .deb; regular files go to the spool while no refusal has been seen. */
async function collect(options: WriteLayerOptions, spool: Spool): Promise<{ placed: Placed[]; diagnostics: ImageDiagnostic[] }> {
  const checker = new EntryChecker({ maxMemberSize: options.maxMemberSize ?? 1 << 30 });
  const placed: Placed[] = [];
  const diagnostics: ImageDiagnostic[] = [];
  const maxLayerSize = options.maxLayerSize ?? 16 * 2 ** 30;
  let total = 0;
  for (const file of options.debs) {
    const opened = await openDeb(fileSource(file), { fileName: file });
    if (!opened.ok) {
      diagnostics.push(...opened.diagnostics);
      continue;
    }
    const { deb } = opened;
    checker.startDeb(deb.fileName);
    for await (const { header, content } of deb.entries()) {
      const r = checker.check(header);
      if (!r.ok) {
        // One refusal rejects the package: reading on would only spend time on a hostile file
        // (an oversized member may be a decompression bomb), so the next package is checked.
        diagnostics.push(r.diagnostic);
        break;
      }
      if (r.entry === null) continue;
      total += r.entry.size;
      if (total > maxLayerSize) {
        diagnostics.push(imageDiagnostic('image/oversized-member', deb.fileName, header.path, `the layer would exceed ${maxLayerSize} bytes (\`maxLayerSize\`)`));
        break;
      }
      // Once anything was refused no layer will be written: the rest is only checked.
      const blob = r.entry.type === 'file' && diagnostics.length === 0 ? await spool.add(content) : null;
      // md5sums lists paths as shipped (`usr/bin/x`, or `bin/x` before the /usr mapping).
      const listed = deb.control.md5sums.get(header.path.replace(/^\.?\//, ''));
      if (blob !== null && listed !== undefined && listed !== blob.md5) {
        diagnostics.push(imageDiagnostic('image/checksum-mismatch', deb.fileName, header.path, `\`${header.path}\` has MD5 ${blob.md5}; md5sums says ${listed}`));
        break;
      }
      placed.push({ entry: r.entry, blob });
    }
    diagnostics.push(...deb.diagnostics);
  }
  return { placed, diagnostics };
}

const byPath = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * In path order a hardlink may come before the file it names, which a tar cannot express; so in
 * each group of linked paths the first in order carries the content and the others link to it.
 */
function arrange(placed: Placed[], mtime: number, links: readonly string[]): { header: TarWriteHeader; blob: Blob | null }[] {
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
    return { header, blob: type === 'file' ? source.blob : null };
  });
  for (const dir of links) {
    out.push({ header: { path: dir, type: 'symlink', mode: 0o777, uid: 0, gid: 0, uname: 'root', gname: 'root', size: 0, mtime, linkname: `usr/${dir}` }, blob: null });
  }
  return out.sort((a, b) => byPath(a.header.path.replace(/\/$/, ''), b.header.path.replace(/\/$/, '')));
}

/** Writes in 1 MiB pieces while hashing: one system call per piece, not per header. */
class TarOutput {
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
    if (this.pendingSize > 0) await this.handle.write(Buffer.concat(this.pending));
    this.pending = [];
    this.pendingSize = 0;
  }

  digest(): string {
    return `sha256:${this.hash.digest('hex')}`;
  }
}

async function writeTar(entries: { header: TarWriteHeader; blob: Blob | null }[], spoolFile: string, file: string): Promise<{ digest: string; size: number }> {
  const handle = await open(file, 'wx');
  const spool = await open(spoolFile, 'r');
  try {
    const out = new TarOutput(handle);
    for (const { header, blob } of entries) {
      await out.write(encodeHeader(header));
      if (blob === null) continue;
      for (let at = 0; at < blob.size;) {
        const piece = Buffer.alloc(Math.min(blob.size - at, 1 << 20));
        const { bytesRead } = await spool.read(piece, 0, piece.length, blob.offset + at);
        if (bytesRead !== piece.length) throw new Error(`${spoolFile}: short read at ${blob.offset + at}`);
        await out.write(piece);
        at += bytesRead;
      }
      await out.write(padding(header.size));
    }
    await out.write(END_OF_ARCHIVE);
    await out.flush();
    await handle.sync();
    return { digest: out.digest(), size: out.size };
  } finally {
    await spool.close();
    await handle.close();
  }
}

/** Builds `options.target` from `options.debs`, or returns why not (and leaves nothing behind). */
export async function writeLayer(options: WriteLayerOptions): Promise<WriteLayerResult> {
  if (!Number.isSafeInteger(options.sourceDateEpoch) || options.sourceDateEpoch < 0 || options.sourceDateEpoch >= 8 ** 11) {
    throw new RangeError(`SOURCE_DATE_EPOCH must be a non-negative integer, not ${options.sourceDateEpoch}`);
  }
  const dir = await mkdtemp(join(dirname(options.target), `.${basename(options.target)}.tmp-`));
  try {
    const spool = new Spool(join(dir, 'spool'));
    let collected;
    try {
      collected = await collect(options, spool);
    } finally {
      await spool.close();
    }
    const { placed, diagnostics } = collected;
    if (diagnostics.length > 0) return { ok: false, diagnostics };
    const present = new Set(placed.map((p) => p.entry.path));
    // bin, sbin and lib always exist on Debian 12; lib32/lib64/libx32 only where /usr has them.
    const links = options.mergedUsrLinks === true ? MERGED_USR_DIRS.filter((d) => ['bin', 'lib', 'sbin'].includes(d) || present.has(`usr/${d}`)) : [];
    const entries = arrange(placed, options.sourceDateEpoch, links);
    const tmp = join(dir, 'layer.tar');
    const { digest, size } = await writeTar(entries, spool.file, tmp);
    await rename(tmp, options.target);
    return { ok: true, digest, size, entries: entries.length };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
