/**
 * An oci-archive: the image layout directory as one tar, the layout at the archive's root (what
 * `skopeo ... oci-archive:<file>` reads). Entries in path order, root-owned, every mtime
 * SOURCE_DATE_EPOCH, written by the layer tar writer: the same layout gives the same bytes.
 * Written beside `target` and renamed into place.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { encodeHeader, END_OF_ARCHIVE, padding, type TarWriteHeader } from '../layer/tar-writer.js';

export interface WriteArchiveOptions {
  /** A directory written by `writeOciLayout`. */
  readonly layout: string;
  /** The tar to create. */
  readonly target: string;
  readonly sourceDateEpoch: number;
}

/** The layout's files (`oci-layout`, `index.json`, `blobs/sha256/*`) and directories, in byte order. */
async function layoutEntries(layout: string): Promise<{ path: string; type: 'file' | 'directory'; size: number }[]> {
  const out: { path: string; type: 'file' | 'directory'; size: number }[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const d of await readdir(join(layout, rel), { withFileTypes: true })) {
      const path = rel === '' ? d.name : `${rel}/${d.name}`;
      if (d.isDirectory()) {
        out.push({ path, type: 'directory', size: 0 });
        await walk(path);
      } else if (d.isFile()) {
        out.push({ path, type: 'file', size: (await stat(join(layout, path))).size });
      } else {
        throw new Error(`${join(layout, path)} is neither a file nor a directory; not an image layout`);
      }
    }
  };
  await walk('');
  return out.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
}

/** Writes the archive; returns its digest and size. */
export async function writeOciArchive(options: WriteArchiveOptions): Promise<{ digest: string; size: number }> {
  const dir = await mkdtemp(join(dirname(options.target), `.${basename(options.target)}.tmp-`));
  try {
    const tmp = join(dir, 'archive.tar');
    const handle = await open(tmp, 'wx');
    const hash = createHash('sha256');
    let size = 0;
    const write = async (bytes: Uint8Array) => {
      hash.update(bytes);
      size += bytes.length;
      await handle.write(bytes);
    };
    try {
      for (const e of await layoutEntries(options.layout)) {
        const header: TarWriteHeader = {
          path: e.type === 'directory' ? `${e.path}/` : e.path, type: e.type,
          mode: e.type === 'directory' ? 0o755 : 0o644, uid: 0, gid: 0, uname: 'root', gname: 'root',
          size: e.size, mtime: options.sourceDateEpoch, linkname: '',
        };
        await write(encodeHeader(header));
        if (e.type !== 'file') continue;
        let read = 0;
        for await (const chunk of createReadStream(join(options.layout, e.path), { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
          read += chunk.length;
          await write(chunk);
        }
        if (read !== e.size) throw new Error(`${join(options.layout, e.path)} changed while it was archived`);
        await write(padding(e.size));
      }
      await write(END_OF_ARCHIVE);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, options.target);
    return { digest: `sha256:${hash.digest('hex')}`, size };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
