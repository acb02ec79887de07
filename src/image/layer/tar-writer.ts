/**
 * Tar headers for layers (pure): POSIX ustar, with a PAX extended header only when a value does not
 * fit (a long path or link target, a large id or size, a long user or group name). Nothing in a
 * header depends on the machine or the time of the build, so equal inputs give equal bytes.
 */
import type { TarHeader } from '../deb/tar-reader.js';
import type { LayerEntryType } from './safe-entry.js';

export const BLOCK = 512;

/** A header as the reader gives it, restricted to the types a layer may hold; directories' paths end with `/`. */
export type TarWriteHeader = Omit<TarHeader, 'type'> & { readonly type: LayerEntryType };

const FLAGS: Record<LayerEntryType, string> = { file: '0', hardlink: '1', symlink: '2', directory: '5' };
const enc = new TextEncoder();

function put(h: Uint8Array, at: number, length: number, bytes: Uint8Array): void {
  h.set(bytes.subarray(0, length), at);
}

/** Zero-padded octal digits and a NUL, written as ASCII bytes (a TextEncoder call per field was a visible cost). */
function octal(h: Uint8Array, at: number, length: number, value: number): void {
  const text = `${value.toString(8).padStart(length - 1, '0')}\0`;
  for (let i = 0; i < length && i < text.length; i++) h[at + i] = text.charCodeAt(i);
}

const MAGIC = enc.encode('ustar\x0000');
/** Owner names repeat on nearly every header: each is encoded once. */
const names = new Map<string, Uint8Array>();
function nameBytes(name: string): Uint8Array {
  let bytes = names.get(name);
  if (bytes === undefined) {
    bytes = enc.encode(name);
    if (names.size < 1024) names.set(name, bytes);
  }
  return bytes;
}

const fits = (value: number, length: number) => value >= 0 && value < 8 ** (length - 1);

/** `prefix` and `name` of a ustar path, or null when the path needs a PAX `path`. */
function splitPath(bytes: Uint8Array): [Uint8Array, Uint8Array] | null {
  if (bytes.length <= 100) return [new Uint8Array(0), bytes];
  for (let i = Math.min(bytes.length - 1, 155); i > 0; i--) {
    if (bytes[i] === 0x2f && bytes.length - i - 1 <= 100 && bytes.length - i - 1 > 0) return [bytes.subarray(0, i), bytes.subarray(i + 1)];
  }
  return null;
}

function ustar(flag: string, name: Uint8Array, prefix: Uint8Array, link: Uint8Array, e: Omit<TarWriteHeader, 'path' | 'type' | 'linkname'>): Uint8Array {
  const h = new Uint8Array(BLOCK);
  put(h, 0, 100, name);
  octal(h, 100, 8, e.mode);
  octal(h, 108, 8, fits(e.uid, 8) ? e.uid : 0);
  octal(h, 116, 8, fits(e.gid, 8) ? e.gid : 0);
  octal(h, 124, 12, fits(e.size, 12) ? e.size : 0);
  octal(h, 136, 12, e.mtime);
  h.fill(0x20, 148, 156);
  h[156] = flag.charCodeAt(0);
  put(h, 157, 100, link);
  put(h, 257, 8, MAGIC);
  put(h, 265, 32, nameBytes(e.uname));
  put(h, 297, 32, nameBytes(e.gname));
  put(h, 345, 155, prefix);
  let sum = 0;
  for (const b of h) sum += b;
  put(h, 148, 8, enc.encode(`${sum.toString(8).padStart(6, '0')}\0 `));
  return h;
}

/** One `<len> key=value\n` record; the length counts its own digits. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLength = enc.encode(body).length;
  let len = bodyLength + 1;
  while (String(len).length + bodyLength !== len) len = String(len).length + bodyLength;
  return `${len}${body}`;
}

function padded(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(bytes.length / BLOCK) * BLOCK);
  out.set(bytes);
  return out;
}

/** The header block(s) of one entry: a PAX header first when needed, then the ustar header. */
export function encodeHeader(e: TarWriteHeader): Uint8Array {
  const path = enc.encode(e.path);
  const link = enc.encode(e.linkname);
  const records: string[] = [];
  const split = splitPath(path);
  if (split === null) records.push(paxRecord('path', e.path));
  if (link.length > 100) records.push(paxRecord('linkpath', e.linkname));
  if (!fits(e.uid, 8)) records.push(paxRecord('uid', String(e.uid)));
  if (!fits(e.gid, 8)) records.push(paxRecord('gid', String(e.gid)));
  if (!fits(e.size, 12)) records.push(paxRecord('size', String(e.size)));
  if (nameBytes(e.uname).length > 32) records.push(paxRecord('uname', e.uname));
  if (nameBytes(e.gname).length > 32) records.push(paxRecord('gname', e.gname));
  const [prefix, name] = split ?? [new Uint8Array(0), path.subarray(0, 100)];
  const main = ustar(FLAGS[e.type], name, prefix, link.length > 100 ? link.subarray(0, 100) : link, e);
  if (records.length === 0) return main;
  const body = enc.encode(records.join(''));
  // A fixed name, not GNU tar's pid-based one, so the bytes do not depend on the process.
  const paxName = enc.encode(`PaxHeader/${e.path.split('/').filter((p) => p !== '').pop() ?? ''}`.slice(0, 99));
  const pax = ustar('x', paxName, new Uint8Array(0), new Uint8Array(0), { mode: 0o644, uid: 0, gid: 0, uname: '', gname: '', size: body.length, mtime: e.mtime });
  const out = new Uint8Array(BLOCK + padded(body).length + BLOCK);
  out.set(pax, 0);
  out.set(body, BLOCK);
  out.set(main, out.length - BLOCK);
  return out;
}

/** Zero bytes that pad a body of `size` bytes to a block boundary. */
export function padding(size: number): Uint8Array {
  return new Uint8Array((BLOCK - (size % BLOCK)) % BLOCK);
}

/** The end-of-archive marker: two zero blocks. */
export const END_OF_ARCHIVE = new Uint8Array(2 * BLOCK);
