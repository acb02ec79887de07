/**
 * The `ar` archive format as .deb files use it (deb(5)): the global header `!<arch>\n`, then for
 * each member a 60-byte header (name 16, mtime 12, uid 6, gid 6, mode 8, size 10, `` `\n ``), the
 * body, and one padding byte when the body's size is odd. Streaming and pure: bytes in, members out;
 * a member's body must be read (or is skipped) before the next member is produced.
 */
import { DebFormatError } from '../diagnostics.js';
import { ByteReader } from './byte-reader.js';

export const AR_MAGIC = '!<arch>\n';
const HEADER = 60;

export interface ArMember {
  /** The member name with GNU ar's trailing `/` and the space padding removed. */
  readonly name: string;
  readonly size: number;
  readonly body: AsyncIterable<Uint8Array>;
}

const ascii = (b: Uint8Array) => String.fromCharCode(...b);

function parseHeader(h: Uint8Array, offset: number): { name: string; size: number } {
  const text = ascii(h);
  if (text.slice(58, 60) !== '`\n') throw new DebFormatError('image/bad-ar-header', null, `no header terminator in the ar member header at offset ${offset}`);
  const rawName = text.slice(0, 16).replace(/ +$/, '');
  const name = rawName.endsWith('/') ? rawName.slice(0, -1) : rawName;
  // Names dpkg writes are short printable ASCII without a slash; anything else (GNU ar's `/`, `//`
  // symbol and long-name tables, control bytes) is not a .deb member.
  if (!/^[\x21-\x7e]{1,16}$/.test(name) || name.includes('/')) {
    throw new DebFormatError('image/bad-ar-header', null, `\`${JSON.stringify(rawName)}\` is not a valid ar member name (offset ${offset})`);
  }
  const sizeText = text.slice(48, 58).replace(/ +$/, '');
  if (!/^\d{1,10}$/.test(sizeText)) throw new DebFormatError('image/bad-ar-header', name, `\`${text.slice(48, 58)}\` is not a member size`);
  return { name, size: Number(sizeText) };
}

/** Reads an ar archive's members in order. Throws `DebFormatError` on malformed input. */
export async function* readAr(source: AsyncIterable<Uint8Array>): AsyncGenerator<ArMember> {
  const r = new ByteReader(source, 'image/truncated-ar', null);
  try {
    yield* members(r);
  } finally {
    // A caller that stops early (a refused package) must not leave the file open.
    await r.close();
  }
}

async function* members(r: ByteReader): AsyncGenerator<ArMember> {
  // A file shorter than the magic is not an ar archive at all, rather than a truncated one.
  const magic = await r.readExact(AR_MAGIC.length, 'the ar magic').catch((e: unknown) => {
    if (e instanceof DebFormatError) return null;
    throw e;
  });
  if (magic === null || ascii(magic) !== AR_MAGIC) throw new DebFormatError('image/bad-ar-magic', null, 'the file does not start with `!<arch>\\n`');
  for (;;) {
    const offset = r.offset;
    const h = await r.readExact(HEADER, 'an ar member header');
    if (h === null) return;
    const { name, size } = parseHeader(h, offset);
    let left = size;
    const body = (async function* () {
      for await (const chunk of r.chunks(size, 'image/truncated-ar', name, `ar member \`${name}\``)) {
        left -= chunk.length;
        yield chunk;
      }
    })();
    yield { name, size, body };
    // Whatever the consumer did not read is skipped, so the next header is found where it is.
    if (left > 0) await r.skip(left, 'image/truncated-ar', name, `ar member \`${name}\``);
    if (size % 2 === 1 && (await r.readExact(1, 'ar padding')) === null) {
      throw new DebFormatError('image/truncated-ar', name, `the padding byte after \`${name}\` is missing`);
    }
  }
}
