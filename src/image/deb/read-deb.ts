/**
 * Opening a .deb (deb(5)): `debian-binary` (exactly `2.0\n`), then `control.tar[.gz|.xz|.zst]`,
 * then `data.tar[.gz|.xz|.zst]`, in that order as dpkg requires; `_`-prefixed members are skipped
 * and members after the data archive ignored, as dpkg does. The control archive is read at once;
 * the data archive is streamed entry by entry. Malformed input never throws out of here: it ends
 * as diagnostics.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { DebFormatError, imageDiagnostic, type ImageDiagnostic } from '../diagnostics.js';
import { readAr, type ArMember } from './ar.js';
import { readControl, type DebControl } from './control.js';
import { compressionOf, decompress, type Compression, type Decompressor } from './decompress.js';
import { readTar, type TarEntry } from './tar-reader.js';

export interface ReadDebOptions {
  /** The name diagnostics carry (the .deb's file name). */
  readonly fileName: string;
  /** Bound on the control archive's contents (default 16 MiB). */
  readonly maxControlSize?: number;
  /** How members are decompressed; default in process (`decompress.ts`). */
  readonly decompress?: Decompressor;
  /**
   * The control of this same file, read earlier in the build: the control archive is then skipped
   * instead of decoded again (the member layout is still checked). A file changed in between can
   * only fail the md5sums check, never pass a check it would have failed.
   */
  readonly control?: DebControl;
}

export interface OpenedDeb {
  readonly fileName: string;
  readonly control: DebControl;
  /**
   * The data archive's entries in archive order, once. When the iteration ends, `diagnostics`
   * says whether the archive was read whole; an entry's content must be consumed before the next.
   */
  entries(): AsyncGenerator<TarEntry>;
  readonly diagnostics: ImageDiagnostic[];
  /** Closes the file when `entries()` is not run to its end (it closes it itself otherwise). */
  close(): Promise<void>;
}

export type OpenDebResult = { readonly ok: true; readonly deb: OpenedDeb } | { readonly ok: false; readonly diagnostics: readonly ImageDiagnostic[] };

/**
 * A file's bytes as chunks of `chunkSize` bytes: 64 KiB suits reading only the control archive at
 * the front; reading a whole package, larger reads save system calls.
 */
export function fileSource(path: string, chunkSize = 1 << 16): AsyncIterable<Uint8Array> {
  return createReadStream(path, { highWaterMark: chunkSize });
}

const KNOWN = /^(control|data)\.tar/;

/** The next member that is not `_`-prefixed (local additions dpkg skips), or null at the end. */
async function nextMember(ar: AsyncGenerator<ArMember>): Promise<ArMember | null> {
  for (;;) {
    const r = await ar.next();
    if (r.done === true) return null;
    if (!r.value.name.startsWith('_')) return r.value;
  }
}

async function readDebianBinary(m: ArMember | null): Promise<void> {
  if (m === null) throw new DebFormatError('image/bad-debian-binary', null, 'the archive has no members');
  if (m.name !== 'debian-binary') {
    const code = KNOWN.test(m.name) ? 'image/member-order' : 'image/bad-debian-binary';
    throw new DebFormatError(code, m.name, `the first member is \`${m.name}\`, not \`debian-binary\``);
  }
  if (m.size > 64) throw new DebFormatError('image/bad-debian-binary', m.name, `debian-binary is ${m.size} bytes`);
  let text = '';
  for await (const chunk of m.body) text += String.fromCharCode(...chunk);
  if (text !== '2.0\n') throw new DebFormatError('image/bad-debian-binary', m.name, `debian-binary says \`${JSON.stringify(text)}\`, not \`"2.0\\n"\``);
}

/** Checks that `m` is `<base>` with a supported compression suffix; returns the compression. */
async function expectMember(m: ArMember | null, base: 'control.tar' | 'data.tar', ar: AsyncGenerator<ArMember>) {
  const missing = base === 'control.tar' ? 'image/missing-control' : 'image/missing-data';
  if (m === null) throw new DebFormatError(missing, null, `the package has no ${base} member`);
  const c = compressionOf(m.name, base);
  if (c !== null) return c;
  if (m.name.startsWith(base)) throw new DebFormatError('image/unsupported-compression', m.name, `\`${m.name}\` uses a compression this builder does not read`);
  if (base === 'control.tar' && m.name.startsWith('data.tar')) {
    // The data archive came first: is the control archive after it (order) or absent (missing)?
    const after = await nextMember(ar);
    if (after !== null && after.name.startsWith('control.tar')) throw new DebFormatError('image/member-order', m.name, '`data.tar` comes before `control.tar`; dpkg requires the control archive first');
    throw new DebFormatError(missing, m.name, 'the package has no control archive before `data.tar`');
  }
  if (m.name === 'debian-binary' || KNOWN.test(m.name)) throw new DebFormatError('image/member-order', m.name, `\`${m.name}\` where dpkg expects ${base}`);
  throw new DebFormatError('image/unknown-member', m.name, `unknown member \`${m.name}\` where dpkg expects ${base}`);
}

function toDiagnostic(e: unknown, fileName: string): ImageDiagnostic {
  if (e instanceof DebFormatError) return imageDiagnostic(e.code, fileName, e.member, e.message);
  throw e;
}

/** Opens a .deb read from `source`: checks its layout and reads its control archive. */
export async function openDeb(source: AsyncIterable<Uint8Array>, options: ReadDebOptions): Promise<OpenDebResult> {
  const fileName = basename(options.fileName);
  const ar = readAr(source);
  const unpack = options.decompress ?? decompress;
  let data: ArMember;
  let dataCompression: Compression;
  let control: DebControl;
  try {
    await readDebianBinary(await nextMember(ar));
    const cm = await nextMember(ar);
    const cc = await expectMember(cm, 'control.tar', ar);
    const c = cm as ArMember;
    control = options.control ?? await readControl(unpack(c.body, cc, c.name, c.size), c.name, options.maxControlSize ?? 16 << 20);
    const dm = await nextMember(ar);
    dataCompression = await expectMember(dm, 'data.tar', ar);
    data = dm as ArMember;
  } catch (e) {
    await ar.return(undefined);
    return { ok: false, diagnostics: [toDiagnostic(e, fileName)] };
  }
  const diagnostics: ImageDiagnostic[] = [];
  let used = false;
  async function* entries(): AsyncGenerator<TarEntry> {
    if (used) throw new Error(`${fileName}: the data archive can be read once`);
    used = true;
    try {
      for await (const entry of readTar(unpack(data.body, dataCompression, data.name, data.size), { member: data.name })) {
        // A truncated body surfaces while the caller reads the content: it ends that content and
        // the iteration, and becomes a diagnostic instead of an exception in the caller's loop.
        let failed: ImageDiagnostic | null = null;
        const content = (async function* () {
          try {
            yield* entry.content;
          } catch (e) {
            failed = toDiagnostic(e, fileName);
          }
        })();
        yield { header: entry.header, content };
        if (failed !== null) {
          diagnostics.push(failed);
          return;
        }
      }
      // Members after the data archive are ignored (deb(5)), but the ar structure must still hold.
      for await (const _ of ar) { /* skipped */ }
    } catch (e) {
      diagnostics.push(toDiagnostic(e, fileName));
    } finally {
      await ar.return(undefined);
    }
  }
  const close = async () => {
    await ar.return(undefined);
  };
  return { ok: true, deb: { fileName, control, entries, diagnostics, close } };
}
