/**
 * Getting a plan's .deb files into a content-addressed cache (`<cache>/<sha256>.deb`), several at
 * a time, each checked against the SHA-256 and size the signed index gave the plan. A file that
 * does not match is never cached and aborts the fetch with a diagnostic naming it and its source;
 * a download is written to a temporary file and renamed only once it matches.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { imageDiagnostic, type ImageDiagnostic } from '../diagnostics.js';
import { findInDirectory, type DebSource } from './sources.js';

export interface WantedDeb {
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  /** The pool path in the archive (`pool/main/d/dash/dash_0.5.12-2_amd64.deb`). */
  readonly filename: string;
  readonly sha256: string;
  readonly size: number;
}

export interface FetchOptions {
  readonly cacheDir: string;
  /** Tried in order for each package not yet cached. */
  readonly sources: readonly DebSource[];
  readonly parallel?: number;
  readonly onProgress?: (event: { readonly done: number; readonly total: number; readonly name: string; readonly from: 'cache' | string; readonly bytes: number }) => void;
}

export type FetchResult = { readonly ok: true; readonly files: ReadonlyMap<string, string>; readonly downloadedBytes: number } | { readonly ok: false; readonly diagnostics: readonly ImageDiagnostic[] };

/** SHA-256 and size of a file, streamed. */
async function digestOf(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

async function copyVerified(from: Readable, deb: WantedDeb, target: string): Promise<{ ok: true; bytes: number } | { ok: false; message: string }> {
  const temporary = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.part`;
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    await pipeline(from, async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        bytes += chunk.length;
        if (bytes > deb.size) throw new Error(`more than the ${deb.size} bytes the index lists`);
        hash.update(chunk);
        yield chunk;
      }
    }, createWriteStream(temporary, { flags: 'wx' }));
    const sha256 = hash.digest('hex');
    if (bytes !== deb.size || sha256 !== deb.sha256) return { ok: false, message: `got ${bytes} bytes with SHA-256 ${sha256}; the signed index says ${deb.size} bytes, ${deb.sha256}` };
    await rename(temporary, target);
    return { ok: true, bytes };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  } finally {
    await rm(temporary, { force: true });
  }
}

async function fetchOne(deb: WantedDeb, options: FetchOptions): Promise<{ path: string; from: string; bytes: number } | ImageDiagnostic> {
  const target = join(options.cacheDir, `${deb.sha256}.deb`);
  if (existsSync(target)) {
    const d = await digestOf(target);
    if (d.sha256 === deb.sha256 && d.size === deb.size) return { path: target, from: 'cache', bytes: 0 };
    await rm(target, { force: true }); // a damaged cache entry: fetch again
  }
  const failures: string[] = [];
  for (const source of options.sources) {
    if (source.kind === 'directory') {
      const found = findInDirectory(source.dir, deb);
      if (found === undefined) continue;
      const copied = await copyVerified(createReadStream(found), deb, target);
      if (copied.ok) return { path: target, from: source.dir, bytes: 0 };
      return imageDiagnostic('image/index-mismatch', found, null, `${deb.name} ${deb.version}: ${copied.message}; the build stops here`);
    }
    const url = `${source.url}/${deb.filename}`;
    let response: Response;
    try {
      response = await fetch(url);
    } catch (e) {
      failures.push(`${url}: ${(e as Error).message}`);
      continue;
    }
    if (!response.ok || response.body === null) {
      failures.push(`${url}: HTTP ${response.status}`);
      continue;
    }
    const copied = await copyVerified(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), deb, target);
    if (copied.ok) return { path: target, from: source.url, bytes: copied.bytes };
    return imageDiagnostic('image/index-mismatch', url, null, `${deb.name} ${deb.version}: ${copied.message}; the build stops here`);
  }
  return imageDiagnostic('image/package-unavailable', deb.filename, null, `${deb.name} ${deb.version} is in no source${failures.length > 0 ? ` (${failures.join('; ')})` : ''}`);
}

/** Fetches every package (a worker pool of `parallel`); any failure fails the whole fetch. */
export async function fetchDebs(debs: readonly WantedDeb[], options: FetchOptions): Promise<FetchResult> {
  await mkdir(options.cacheDir, { recursive: true });
  const files = new Map<string, string>();
  const diagnostics: ImageDiagnostic[] = [];
  let next = 0;
  let done = 0;
  let downloadedBytes = 0;
  const worker = async () => {
    while (next < debs.length && diagnostics.length === 0) {
      const deb = debs[next++]!;
      const got = await fetchOne(deb, options);
      if ('code' in got) {
        diagnostics.push(got);
        return;
      }
      files.set(deb.name, got.path);
      downloadedBytes += got.bytes;
      options.onProgress?.({ done: ++done, total: debs.length, name: deb.name, from: got.from, bytes: got.bytes });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallel ?? 4, debs.length)) }, worker));
  return diagnostics.length > 0 ? { ok: false, diagnostics } : { ok: true, files, downloadedBytes };
}
