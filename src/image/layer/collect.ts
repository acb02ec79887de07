/**
 * Reading and checking a layer's packages. Several .debs are read at once (`concurrency`), each
 * into a list of its entries with their contents (`content-store.ts`), while decompression runs in
 * child processes or zlib's thread pool; then every entry is checked in install order, exactly as
 * if the packages had been read one after another, since the checker's verdicts depend on what
 * earlier packages placed. Reading ahead never reads more than the limits allow: a package stops
 * at a member larger than `maxMemberSize` (the checker then refuses it at that header) and all
 * readers stop once they have read `maxLayerSize` bytes together (the layer is too large).
 */
import { fileSource, openDeb } from '../deb/read-deb.js';
import type { Decompressor } from '../deb/decompress.js';
import type { TarHeader } from '../deb/tar-reader.js';
import { imageDiagnostic, type ImageDiagnostic } from '../diagnostics.js';
import type { DebControl } from '../deb/control.js';
import type { ContentStore, Placed, Stored } from './content-store.js';
import { isDedupeCandidate } from './dedupe.js';
import { mergedUsr, normalizePath } from './paths.js';
import { EntryChecker } from './safe-entry.js';

export interface CollectOptions {
  readonly debs: readonly string[];
  readonly maxMemberSize: number;
  readonly maxLayerSize: number;
  readonly decompress?: Decompressor;
  /** Packages read at once (default 4). */
  readonly concurrency?: number;
  /** Controls already read, by file (`ReadDebOptions.control`). */
  readonly controls?: ReadonlyMap<string, DebControl>;
}

interface ReadEntry {
  readonly header: TarHeader;
  readonly content: Stored | null;
}

/** One package as read: `stop` says why reading ended before the archive's end, if it did. */
interface ReadPackage {
  readonly fileName: string;
  readonly control: DebControl | null;
  readonly entries: readonly ReadEntry[];
  readonly stop: 'layer-limit' | null;
  readonly diagnostics: readonly ImageDiagnostic[];
}

interface Budget {
  read: number;
}

async function readPackage(file: string, options: CollectOptions, store: ContentStore, budget: Budget): Promise<ReadPackage> {
  const opened = await openDeb(fileSource(file, 1 << 20), { fileName: file, decompress: options.decompress, control: options.controls?.get(file) });
  if (!opened.ok) return { fileName: file, control: null, entries: [], stop: null, diagnostics: opened.diagnostics };
  const { deb } = opened;
  const entries: ReadEntry[] = [];
  let stop: ReadPackage['stop'] = null;
  for await (const { header, content } of deb.entries()) {
    if (header.type !== 'file') {
      entries.push({ header, content: null });
      continue;
    }
    // The checker refuses an oversized member at its header; its bytes are never read.
    if (header.size > options.maxMemberSize) {
      entries.push({ header, content: null });
      break;
    }
    budget.read += header.size;
    if (budget.read > options.maxLayerSize) {
      entries.push({ header, content: null });
      stop = 'layer-limit';
      break;
    }
    const n = normalizePath(header.path);
    const strong = n.ok && isDedupeCandidate(mergedUsr(n.path));
    entries.push({ header, content: await store.take(content, header.size, strong) });
  }
  return { fileName: deb.fileName, control: deb.control, entries, stop, diagnostics: deb.diagnostics };
}

/** Checks one package's entries in order, as the layer would receive them. */
function place(p: ReadPackage, checker: EntryChecker, options: CollectOptions, total: { bytes: number }, placed: Placed[], diagnostics: ImageDiagnostic[]): void {
  checker.startDeb(p.fileName);
  const control = p.control as DebControl;
  for (const [i, { header, content }] of p.entries.entries()) {
    const r = checker.check(header);
    if (!r.ok) {
      // One refusal rejects the package: the rest of it is not checked.
      diagnostics.push(r.diagnostic);
      return;
    }
    const last = i === p.entries.length - 1;
    if (r.entry !== null) total.bytes += r.entry.size;
    if ((r.entry !== null && total.bytes > options.maxLayerSize) || (last && p.stop === 'layer-limit')) {
      diagnostics.push(imageDiagnostic('image/oversized-member', p.fileName, header.path, `the layer would exceed ${options.maxLayerSize} bytes (\`maxLayerSize\`)`));
      return;
    }
    if (r.entry === null) continue;
    // A content cut short is reported by the reader (the package's diagnostics), not as a mismatch.
    if (content !== null && content.size === header.size) {
      // md5sums lists paths as shipped (`usr/bin/x`, or `bin/x` before the /usr mapping).
      const listed = control.md5sums.get(header.path.replace(/^\.?\//, ''));
      if (listed !== undefined && listed !== content.md5) {
        diagnostics.push(imageDiagnostic('image/checksum-mismatch', p.fileName, header.path, `\`${header.path}\` has MD5 ${content.md5}; md5sums says ${listed}`));
        return;
      }
    }
    placed.push({ entry: r.entry, content: r.entry.type === 'file' ? content : null });
  }
}

/** Reads every package (several at once) and checks them in order; nothing is written. */
export async function collect(options: CollectOptions, store: ContentStore): Promise<{ placed: Placed[]; diagnostics: ImageDiagnostic[] }> {
  const budget: Budget = { read: 0 };
  const limit = Math.max(1, options.concurrency ?? 4);
  const tasks: Promise<ReadPackage>[] = [];
  let next = 0;
  let failed = false;
  const start = (): void => {
    if (failed || next >= options.debs.length) return;
    const file = options.debs[next++] as string;
    const task = readPackage(file, options, store, budget);
    // Each finished read starts the next, so at most `limit` packages are being read.
    task.then(start, () => undefined);
    tasks.push(task);
  };
  for (let i = 0; i < limit; i++) start();

  const checker = new EntryChecker({ maxMemberSize: options.maxMemberSize });
  const placed: Placed[] = [];
  const diagnostics: ImageDiagnostic[] = [];
  const total = { bytes: 0 };
  try {
    for (let i = 0; i < options.debs.length; i++) {
      const p = await (tasks[i] as Promise<ReadPackage>);
      if (p.control !== null) place(p, checker, options, total, placed, diagnostics);
      diagnostics.push(...p.diagnostics);
    }
  } catch (e) {
    // An operational failure: let the other reads finish before the caller removes their files.
    failed = true;
    await Promise.allSettled(tasks);
    throw e;
  }
  return { placed, diagnostics };
}
