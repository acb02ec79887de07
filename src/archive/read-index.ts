/**
 * Reading a suite's package index from disk: the release is verified first (signature by the
 * keyring), then the index is streamed through its decompressor (xz via xz-decompress's
 * WebAssembly build, gzip via zlib, or none) into the incremental parser while its SHA-256 is
 * computed; the hash must equal the one the signed release lists for that index (compressed or
 * uncompressed form). Nothing is returned unless everything checks out.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import xzModule from 'xz-decompress';
import { PackagesParser, parseRelease, type BinaryPackage, type IndexProblem, type Release } from '../catalog/index.js';
import { ArchiveError } from './errors.js';
import { verifyClearsigned, type Signature } from './verify.js';

// xz-decompress is CommonJS; its class is a property of the default export.
const { XzReadableStream } = xzModule as unknown as { XzReadableStream: new (s: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array> };

export interface VerifiedRelease {
  readonly release: Release;
  readonly signatures: readonly Signature[];
}

/**
 * Verifies and parses a release. With `now`, a release past its `Valid-Until` is refused as apt
 * refuses it: suites that carry the field (the security archive does) re-sign it every few days,
 * so an old one is a stale or replayed index, signature or not. Without `now` (readers of fixed
 * snapshots: tests, benchmarks) the date is not checked.
 */
export async function readVerifiedRelease(inRelease: string, keyring: string, options: { now?: Date } = {}): Promise<VerifiedRelease> {
  const signatures = await verifyClearsigned(inRelease, keyring);
  const text = await readFile(inRelease, 'utf8');
  const r = parseRelease(text);
  if (!r.ok) throw new ArchiveError(`${inRelease}: ${r.message}`);
  if (!r.signed) throw new ArchiveError(`${inRelease}: not a clear-signed release`);
  if (options.now !== undefined && r.release.validUntil !== null) {
    const until = Date.parse(r.release.validUntil);
    if (Number.isNaN(until)) throw new ArchiveError(`${inRelease}: Valid-Until \`${r.release.validUntil}\` is not a date`);
    if (options.now.getTime() > until) {
      throw new ArchiveError(`${inRelease}: the release expired on ${new Date(until).toISOString()} (its Valid-Until): the index may be stale or replayed; fetch a fresh InRelease, or import it with --allow-expired (apt's Check-Valid-Until=false)`);
    }
  }
  return { release: r.release, signatures };
}

function decompressed(file: string): AsyncIterable<Uint8Array> {
  const raw = createReadStream(file);
  if (file.endsWith('.xz')) return new XzReadableStream(Readable.toWeb(raw) as ReadableStream<Uint8Array>) as unknown as AsyncIterable<Uint8Array>;
  if (file.endsWith('.gz')) return raw.pipe(createGunzip());
  return raw;
}

export interface IndexRead {
  readonly packages: readonly BinaryPackage[];
  readonly problems: readonly IndexProblem[];
  /** SHA-256 and size of the decompressed index, as checked against the release. */
  readonly sha256: string;
  readonly size: number;
}

/**
 * Reads `file`, the index the release lists as `path` (`main/binary-amd64/Packages`, without a
 * compression suffix: the decompressed content is what is checked).
 */
export async function readPackagesIndex(file: string, release: Release, path: string): Promise<IndexRead> {
  const entry = release.files.get(path);
  if (entry === undefined) throw new ArchiveError(`${file}: the release lists no \`${path}\` to check it against`);
  const hash = createHash('sha256');
  const parser = new PackagesParser();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const packages: BinaryPackage[] = [];
  let size = 0;
  try {
    for await (const chunk of decompressed(file)) {
      hash.update(chunk);
      size += chunk.length;
      packages.push(...parser.push(decoder.decode(chunk, { stream: true })));
    }
    packages.push(...parser.push(decoder.decode()), ...parser.end());
  } catch (e) {
    if (e instanceof ArchiveError) throw e;
    throw new ArchiveError(`${file}: cannot read the index: ${(e as Error).message}`);
  }
  const sha256 = hash.digest('hex');
  if (sha256 !== entry.sha256 || size !== entry.size) {
    throw new ArchiveError(`${file}: does not match the signed release: ${basename(path)} should be ${entry.size} bytes with SHA-256 ${entry.sha256.slice(0, 16)}…, this is ${size} bytes with ${sha256.slice(0, 16)}…`);
  }
  return { packages, problems: parser.problems, sha256, size };
}
