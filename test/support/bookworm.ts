/**
 * The real bookworm main index from ../shared/data, verified and parsed once per test process.
 * The parsed form is kept as the catalog's compact cache in the OS temporary directory (named by
 * the index's signed SHA-256), so later test files load it in a fraction of the parse time.
 */
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPackagesIndex, readVerifiedRelease } from '../../src/archive/index.js';
import { decodeIndexCache, encodeIndexCache, PackageUniverse, type BinaryPackage } from '../../src/catalog/index.js';
import { sharedData } from './shared-data.js';
import { hasTool } from './tools.js';

const SIGNED_SHA256 = '515e692f2c4121c6fcec444ef100cc18f79a991910615f3a88c8b7becfc94d2f';

export const BOOKWORM = {
  inRelease: sharedData(join('debian', 'bookworm', 'InRelease')),
  keyring: sharedData(join('debian', 'debian-archive-keyring.gpg')),
  index: sharedData(join('debian', 'bookworm', 'main-binary-amd64-Packages.xz')),
};

/** True when the real index can be read here (data present and gpgv installed). */
export const bookwormAvailable = BOOKWORM.inRelease !== undefined && BOOKWORM.keyring !== undefined && BOOKWORM.index !== undefined && hasTool('gpgv');

let packages: Promise<BinaryPackage[]> | undefined;

export function bookwormPackages(): Promise<BinaryPackage[]> {
  return (packages ??= load());
}

export async function bookwormUniverse(): Promise<PackageUniverse> {
  return new PackageUniverse([{ name: 'bookworm/main', priority: 500, packages: await bookwormPackages() }]);
}

async function load(): Promise<BinaryPackage[]> {
  if (!bookwormAvailable) throw new Error('the bookworm index is not available');
  const cache = join(tmpdir(), `tessera-test-bookworm-${SIGNED_SHA256.slice(0, 16)}.json`);
  if (existsSync(cache)) {
    const decoded = decodeIndexCache(await readFile(cache, 'utf8'));
    if (decoded.ok && decoded.source.sha256 === SIGNED_SHA256) return [...decoded.packages];
  }
  const { release } = await readVerifiedRelease(BOOKWORM.inRelease as string, BOOKWORM.keyring as string);
  const read = await readPackagesIndex(BOOKWORM.index as string, release, 'main/binary-amd64/Packages');
  const temporary = `${cache}.${process.pid}.tmp`;
  await writeFile(temporary, encodeIndexCache(read.packages, { codename: 'bookworm', path: 'main/binary-amd64/Packages', sha256: read.sha256 }));
  await rename(temporary, cache);
  return [...read.packages];
}
