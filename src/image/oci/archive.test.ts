/**
 * The oci-archive checked against GNU tar: the layout's files at the archive's root, in path
 * order, with one mtime and root ownership, contents unchanged; two archives are byte-identical.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tarListing } from '../../../test/support/debs.js';
import { filesLayerTar, writeOciArchive, writeOciLayout } from '../index.js';

const EPOCH = 1_600_000_000;
let work = '';
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tessera-archive-'));
  const tar = join(work, 'layer.tar');
  writeFileSync(tar, filesLayerTar([{ path: 'etc/motd', type: 'file', mode: 0o644, uid: 0, gid: 0, content: new TextEncoder().encode('hello\n') }], EPOCH));
  await writeOciLayout({ layers: [{ tar, createdBy: 'motd' }], config: { user: '0' }, sourceDateEpoch: EPOCH, output: join(work, 'layout') });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('oci-archive', () => {
  it('holds the layout at its root, sorted, root-owned, one mtime', async () => {
    const r = await writeOciArchive({ layout: join(work, 'layout'), target: join(work, 'a.tar'), sourceDateEpoch: EPOCH });
    const bytes = readFileSync(join(work, 'a.tar'));
    expect(r.size).toBe(bytes.length);
    const listed = tarListing(bytes);
    const blobs = spawnSync('ls', [join(work, 'layout', 'blobs', 'sha256')], { encoding: 'utf8' }).stdout.trim().split('\n').sort();
    expect(listed.map((e) => e.path)).toEqual(['blobs/', 'blobs/sha256/', ...blobs.map((b) => `blobs/sha256/${b}`), 'index.json', 'oci-layout']);
    expect(listed.every((e) => e.uid === 0 && e.gid === 0 && e.mode === (e.type === 'directory' ? 0o755 : 0o644))).toBe(true);
    const times = spawnSync('tar', ['-tv', '--full-time', '-f', join(work, 'a.tar')], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } }).stdout.trim().split('\n');
    expect(times.every((l) => l.includes(' 2020-09-13 12:26:40 '))).toBe(true);
    const out = join(work, 'x');
    spawnSync('mkdir', [out]);
    expect(spawnSync('tar', ['-xf', join(work, 'a.tar'), '-C', out]).status).toBe(0);
    expect(spawnSync('diff', ['-r', join(work, 'layout'), out]).status).toBe(0);
  });

  it('is byte-identical when written twice', async () => {
    const a = await writeOciArchive({ layout: join(work, 'layout'), target: join(work, 'b.tar'), sourceDateEpoch: EPOCH });
    const b = await writeOciArchive({ layout: join(work, 'layout'), target: join(work, 'c.tar'), sourceDateEpoch: EPOCH });
    expect(b).toEqual(a);
    expect(readFileSync(join(work, 'b.tar')).equals(readFileSync(join(work, 'c.tar')))).toBe(true);
  });
});
