import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedData } from '../../test/support/shared-data.js';
import { hasTool } from '../../test/support/tools.js';
import { ArchiveError } from './errors.js';
import { readPackagesIndex, readVerifiedRelease } from './read-index.js';

const inRelease = sharedData(join('debian', 'bookworm', 'InRelease'));
const keyring = sharedData(join('debian', 'debian-archive-keyring.gpg'));
const index = sharedData(join('debian', 'bookworm', 'main-binary-amd64-Packages.xz'));
const ready = inRelease !== undefined && keyring !== undefined && index !== undefined && hasTool('gpgv');

describe.skipIf(!ready)('a Debian archive on disk (real bookworm release, keyring and index)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-archive-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('verifies the release signature with the archive keyring and reads its hash list', async () => {
    const { release, signatures } = await readVerifiedRelease(inRelease as string, keyring as string);
    // The archive's automatic signing keys and the bookworm release key all sign it.
    expect(signatures.length).toBeGreaterThanOrEqual(2);
    expect(signatures).toContainEqual({ fingerprint: '4D64FEC119C2029067D6E791F8D2585B8783D481', signer: expect.stringMatching(/^Debian Stable Release Key \(12\/bookworm\)/) });
    expect(release).toMatchObject({ origin: 'Debian', codename: 'bookworm', version: '12.15' });
    expect(release.components).toEqual(['main', 'contrib', 'non-free-firmware', 'non-free']);
    expect(release.files.get('main/binary-amd64/Packages')).toEqual({ sha256: '515e692f2c4121c6fcec444ef100cc18f79a991910615f3a88c8b7becfc94d2f', size: 50060337 });
  });

  it('rejects an altered release, and one signed by a key outside the keyring, naming the file', async () => {
    const text = await readFile(inRelease as string, 'utf8');
    const altered = join(dir, 'InRelease-altered');
    await writeFile(altered, text.replace('Version: 12.15', 'Version: 12.16'));
    await expect(readVerifiedRelease(altered, keyring as string)).rejects.toThrow(`${altered}: bad signature: the signature does not match the content (the file was altered)`);
    const empty = join(dir, 'empty.gpg');
    await writeFile(empty, '');
    await expect(readVerifiedRelease(inRelease as string, empty)).rejects.toThrow(/bad signature: it is signed by a key that is not in the keyring/);
    const unsigned = join(dir, 'Release');
    await writeFile(unsigned, 'Origin: Debian\nSHA256:\n 515e692f2c4121c6fcec444ef100cc18f79a991910615f3a88c8b7becfc94d2f 1 main/binary-amd64/Packages\n');
    await expect(readVerifiedRelease(unsigned, keyring as string)).rejects.toThrow(ArchiveError);
  });

  it('streams the xz index through the parser and checks it against the signed hash', async () => {
    const { release } = await readVerifiedRelease(inRelease as string, keyring as string);
    const read = await readPackagesIndex(index as string, release, 'main/binary-amd64/Packages');
    expect(read.packages.length).toBe(63_440);
    expect(read.problems).toEqual([]);
    expect(read.sha256).toBe('515e692f2c4121c6fcec444ef100cc18f79a991910615f3a88c8b7becfc94d2f');
  }, 60_000);

  it('rejects an index that does not match the release, or is not what its name says', async () => {
    const { release } = await readVerifiedRelease(inRelease as string, keyring as string);
    const wrong = join(dir, 'Packages');
    await writeFile(wrong, 'Package: evil\nVersion: 1.0\nArchitecture: all\n');
    await expect(readPackagesIndex(wrong, release, 'main/binary-amd64/Packages')).rejects.toThrow(`${wrong}: does not match the signed release: Packages should be 50060337 bytes`);
    const notXz = join(dir, 'Packages.xz');
    await writeFile(notXz, 'this is not xz');
    await expect(readPackagesIndex(notXz, release, 'main/binary-amd64/Packages')).rejects.toThrow(/cannot read the index/);
    await expect(readPackagesIndex(wrong, release, 'main/binary-riscv64/Packages')).rejects.toThrow(/lists no `main\/binary-riscv64\/Packages`/);
  });
});
