/**
 * The control archive of a .deb: `control` (one deb822 stanza, parsed with the catalog's Packages
 * parser so a package reads the same from an index and from its file), `md5sums` and `conffiles`.
 * The archive is small; it is read whole, under a size bound, before the data archive is touched.
 */
import { PackagesParser, type BinaryPackage } from '../../catalog/index.js';
import { DebFormatError } from '../diagnostics.js';
import { readTar } from './tar-reader.js';

export interface DebControl {
  readonly package: BinaryPackage;
  /** The `control` file verbatim (status.d and SBOMs want the original stanza). */
  readonly text: string;
  /** `md5sums`: path without a leading `./` or `/` → MD5 in hex. */
  readonly md5sums: ReadonlyMap<string, string>;
  /** `conffiles`: absolute paths (`remove-on-upgrade` and other flags dropped). */
  readonly conffiles: readonly string[];
  /** The names of every file in the control archive (maintainer scripts, triggers, ...). */
  readonly files: readonly string[];
  /** `postinst` when it is a UTF-8 text (a script): its alternatives are applied declaratively. */
  readonly postinst?: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

async function collect(content: AsyncIterable<Uint8Array>, size: number): Promise<Uint8Array> {
  const out = new Uint8Array(size);
  let at = 0;
  for await (const chunk of content) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function decode(bytes: Uint8Array, name: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new DebFormatError('image/bad-control', name, `\`${name}\` is not UTF-8`);
  }
}

function textOrNull(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

function parseMd5sums(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{32}) [ *]?(.+)$/.exec(line);
    if (m !== null) out.set((m[2] as string).replace(/^\.?\//, ''), m[1] as string);
  }
  return out;
}

function parseConffiles(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('/')).map((l) => l.split(/\s+/)[0] as string);
}

/** Reads a decompressed control archive; `maxSize` bounds the whole archive's file contents. */
export async function readControl(tar: AsyncIterable<Uint8Array>, member: string, maxSize: number): Promise<DebControl> {
  const texts = new Map<string, string>();
  const files: string[] = [];
  let total = 0;
  for await (const { header, content } of readTar(tar, { member })) {
    const name = header.path.replace(/^\.\//, '');
    if (header.type !== 'file' || name === '') continue;
    files.push(name);
    total += header.size;
    if (total > maxSize) throw new DebFormatError('image/oversized-member', member, `the control archive holds more than ${maxSize} bytes`);
    if (name === 'control' || name === 'md5sums' || name === 'conffiles') texts.set(name, decode(await collect(content, header.size), name));
    // Read, not run: a postinst that is not UTF-8 text (a binary) has no alternatives to find.
    if (name === 'postinst') {
      const script = textOrNull(await collect(content, header.size));
      if (script !== null) texts.set(name, script);
    }
  }
  const text = texts.get('control');
  if (text === undefined) throw new DebFormatError('image/bad-control', member, 'the control archive has no `control` file');
  const parser = new PackagesParser();
  const packages = [...parser.push(text), ...parser.end()];
  const first = parser.problems[0];
  if (first !== undefined) throw new DebFormatError('image/bad-control', 'control', `line ${first.line}: ${first.message}`);
  const pkg = packages[0];
  if (pkg === undefined || packages.length !== 1) throw new DebFormatError('image/bad-control', 'control', `\`control\` holds ${packages.length} stanzas, not one`);
  return {
    package: pkg, text,
    md5sums: parseMd5sums(texts.get('md5sums') ?? ''),
    conffiles: parseConffiles(texts.get('conffiles') ?? ''),
    files: files.sort(),
    ...(texts.has('postinst') ? { postinst: texts.get('postinst') as string } : {}),
  };
}
