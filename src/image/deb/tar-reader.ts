/**
 * A streaming reader of the tar archives inside .debs: POSIX ustar and GNU tar headers, PAX
 * extended headers (`x`, `g`) and GNU long names (`L`, `K`), octal and base-256 numbers. Every
 * header's checksum is verified, every body must hold the bytes its header declares, and the
 * archive must end with its zero block — a truncated archive is an error, never a shorter list.
 * Pure: bytes in, entries out; an entry's content must be read (or is skipped) before the next.
 */
import { DebFormatError } from '../diagnostics.js';
import { ByteReader } from './byte-reader.js';

export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'directory' | 'fifo';

export interface TarHeader {
  /** The path as written (PAX and GNU long names applied), e.g. `./usr/bin/bash`. */
  readonly path: string;
  readonly type: TarEntryType;
  /** Permission bits including setuid, setgid and sticky (`& 0o7777`). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly uname: string;
  readonly gname: string;
  readonly size: number;
  readonly mtime: number;
  /** Symlink target or hardlink source; '' for other types. */
  readonly linkname: string;
}

export interface TarEntry {
  readonly header: TarHeader;
  readonly content: AsyncIterable<Uint8Array>;
}

export interface TarReadOptions {
  /** Member names in messages. */
  readonly member: string;
  /** Largest PAX or GNU long-name record accepted (they are held in memory). */
  readonly maxMetaSize?: number;
}

const BLOCK = 512;
const TYPES: Record<string, TarEntryType> = { '0': 'file', '\0': 'file', '7': 'file', '1': 'hardlink', '2': 'symlink', '3': 'char', '4': 'block', '5': 'directory', '6': 'fifo' };
const utf8 = new TextDecoder('utf-8', { fatal: true });

function field(h: Uint8Array, start: number, length: number): Uint8Array {
  const f = h.subarray(start, start + length);
  const nul = f.indexOf(0);
  return nul < 0 ? f : f.subarray(0, nul);
}

function text(bytes: Uint8Array, member: string, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new DebFormatError('image/bad-tar-header', member, `the ${what} is not UTF-8`);
  }
}

/** An octal field (space/NUL padded) or GNU's base-256 form (high bit of the first byte set). */
function numberField(h: Uint8Array, start: number, length: number, member: string, what: string): number {
  const f = h.subarray(start, start + length);
  if (((f[0] ?? 0) & 0x80) !== 0) {
    if (f[0] === 0xff) throw new DebFormatError('image/bad-tar-header', member, `negative ${what}`);
    let v = (f[0] ?? 0) & 0x7f;
    for (const b of f.subarray(1)) v = v * 256 + b;
    if (!Number.isSafeInteger(v)) throw new DebFormatError('image/bad-tar-header', member, `${what} too large`);
    return v;
  }
  const s = String.fromCharCode(...field(h, start, length)).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new DebFormatError('image/bad-tar-header', member, `\`${s}\` is not an octal ${what}`);
  return parseInt(s, 8);
}

function checksumOk(h: Uint8Array, stored: number): boolean {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : (h[i] as number);
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  // Some old writers summed signed bytes; both forms are accepted, as GNU tar does.
  return stored === unsigned || stored === signed;
}

/** PAX records `<len> <key>=<value>\n`, strictly: every length must match its record. */
function parsePax(data: Uint8Array, member: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    const len = sp < 0 ? NaN : Number(String.fromCharCode(...data.subarray(i, sp)));
    if (!Number.isSafeInteger(len) || len <= 0 || i + len > data.length || data[i + len - 1] !== 0x0a) {
      throw new DebFormatError('image/bad-tar-header', member, `malformed PAX record at byte ${i}`);
    }
    const record = text(data.subarray(sp + 1, i + len - 1), member, 'PAX record');
    const eq = record.indexOf('=');
    if (eq <= 0) throw new DebFormatError('image/bad-tar-header', member, `malformed PAX record \`${record.slice(0, 40)}\``);
    out.set(record.slice(0, eq), record.slice(eq + 1));
    i += len;
  }
  return out;
}

function paxNumber(pax: Map<string, string>, key: string, fallback: number, member: string): number {
  const v = pax.get(key);
  if (v === undefined) return fallback;
  if (!/^\d+(\.\d+)?$/.test(v)) throw new DebFormatError('image/bad-tar-header', member, `PAX ${key} \`${v}\` is not a number`);
  const n = Math.floor(Number(v));
  if (!Number.isSafeInteger(n)) throw new DebFormatError('image/bad-tar-header', member, `PAX ${key} too large`);
  return n;
}

async function readMeta(r: ByteReader, size: number, max: number, member: string): Promise<Uint8Array> {
  if (size > max) throw new DebFormatError('image/bad-tar-header', member, `an extended header of ${size} bytes exceeds ${max}`);
  const data = size === 0 ? new Uint8Array(0) : await r.readExact(size, 'an extended header');
  if (data === null) throw new DebFormatError('image/truncated-tar', member, 'the archive ends inside an extended header');
  await r.skip((BLOCK - (size % BLOCK)) % BLOCK, 'image/truncated-tar', member, 'extended header padding');
  return data;
}

/** Reads a tar archive's entries. Throws `DebFormatError` on malformed or truncated input. */
export async function* readTar(source: AsyncIterable<Uint8Array>, options: TarReadOptions): AsyncGenerator<TarEntry> {
  const r = new ByteReader(source, 'image/truncated-tar', options.member);
  try {
    yield* entries(r, options);
  } finally {
    // A caller that stops early must not leave the decompressor and the file open.
    await r.close();
  }
}

async function* entries(r: ByteReader, options: TarReadOptions): AsyncGenerator<TarEntry> {
  const { member } = options;
  const maxMeta = options.maxMetaSize ?? 1 << 20;
  const global = new Map<string, string>();
  let local = new Map<string, string>();
  let longName: string | null = null;
  let longLink: string | null = null;
  for (;;) {
    const h = await r.readExact(BLOCK, 'a tar header');
    if (h === null) throw new DebFormatError('image/truncated-tar', member, `\`${member}\` ends without its end-of-archive block`);
    if (h.every((b) => b === 0)) break;
    const magic = String.fromCharCode(...h.subarray(257, 265));
    const posix = magic === 'ustar\x0000';
    if (!posix && magic !== 'ustar  \x00') throw new DebFormatError('image/bad-tar-header', member, `no ustar magic in the header at offset ${r.offset - BLOCK}`);
    if (!checksumOk(h, numberField(h, 148, 8, member, 'checksum'))) throw new DebFormatError('image/bad-tar-header', member, `bad header checksum at offset ${r.offset - BLOCK}`);
    const flag = String.fromCharCode(h[156] as number);
    const headerSize = numberField(h, 124, 12, member, 'size');
    if (flag === 'x' || flag === 'g') {
      const pax = parsePax(await readMeta(r, headerSize, maxMeta, member), member);
      for (const [k, v] of pax) (flag === 'g' ? global : local).set(k, v);
      continue;
    }
    if (flag === 'L' || flag === 'K') {
      const bytes = await readMeta(r, headerSize, maxMeta, member);
      let end = bytes.length;
      while (end > 0 && bytes[end - 1] === 0) end--;
      const value = text(bytes.subarray(0, end), member, 'GNU long name');
      if (flag === 'L') longName = value;
      else longLink = value;
      continue;
    }
    const type = TYPES[flag];
    const pax = new Map([...global, ...local]);
    const name = text(field(h, 0, 100), member, 'name');
    const prefix = posix ? text(field(h, 345, 155), member, 'name prefix') : '';
    const path = pax.get('path') ?? longName ?? (prefix === '' ? name : `${prefix}/${name}`);
    if (type === undefined) throw new DebFormatError('image/unsupported-entry', path, `\`${path}\` has tar type \`${JSON.stringify(flag)}\`, which a layer cannot hold`);
    const size = paxNumber(pax, 'size', headerSize, member);
    if (type !== 'file' && size !== 0) throw new DebFormatError('image/bad-tar-header', path, `a ${type} entry with a size of ${size}`);
    const header: TarHeader = {
      path, type,
      mode: numberField(h, 100, 8, member, 'mode') & 0o7777,
      uid: paxNumber(pax, 'uid', numberField(h, 108, 8, member, 'uid'), member),
      gid: paxNumber(pax, 'gid', numberField(h, 116, 8, member, 'gid'), member),
      uname: pax.get('uname') ?? text(field(h, 265, 32), member, 'uname'),
      gname: pax.get('gname') ?? text(field(h, 297, 32), member, 'gname'),
      size,
      mtime: paxNumber(pax, 'mtime', numberField(h, 136, 12, member, 'mtime'), member),
      linkname: type === 'symlink' || type === 'hardlink' ? (pax.get('linkpath') ?? longLink ?? text(field(h, 157, 100), member, 'link name')) : '',
    };
    local = new Map();
    longName = null;
    longLink = null;
    let left = size;
    const content = (async function* () {
      for await (const chunk of r.chunks(size, 'image/truncated-member', path, `\`${path}\``)) {
        left -= chunk.length;
        yield chunk;
      }
    })();
    yield { header, content };
    if (left > 0) await r.skip(left, 'image/truncated-member', path, `\`${path}\``);
    await r.skip((BLOCK - (size % BLOCK)) % BLOCK, 'image/truncated-member', path, `the padding of \`${path}\``);
  }
  // After the end block: record padding. Reading it to the end lets the decompressor verify its
  // checksum; a bounded amount keeps a hostile tail from costing unbounded time.
  if ((await r.drain(1 << 20)) < 0) throw new DebFormatError('image/bad-tar-header', member, 'more than 1 MiB after the end-of-archive block');
}
