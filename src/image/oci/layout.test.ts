/**
 * The OCI layout writer on small synthetic layers: blob names are their digests, diff_ids the
 * digests of the uncompressed tars, the gzip header is fixed, the parallel compression does not
 * depend on how many pieces run at once and GNU gzip reads it, the JSON documents have sorted
 * keys, and two writes agree.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool } from '../../../test/support/tools.js';
import { GZIP_PIECE, gzipFile, GzipWriter } from './gzip.js';
import { filesLayerTar, MEDIA_TYPES, REF_NAME_ANNOTATION, stableJson, writeOciLayout, type RootfsEntry } from '../index.js';

const EPOCH = 1_700_000_000;
const enc = new TextEncoder();
let work = '';
const tars: string[] = [];
const sha = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'tessera-oci-'));
  const entry = (path: string, text: string): RootfsEntry => ({ path, type: 'file', mode: 0o644, uid: 0, gid: 0, content: enc.encode(text) });
  // A layer large enough to span several gzip pieces (1 MiB each), and a small one.
  const big = Array.from({ length: 3000 }, (_, i) => entry(`usr/share/doc/f${String(i).padStart(4, '0')}`, `line ${i}\n`.repeat(i % 97)));
  for (const [n, entries] of [[big], [[entry('etc/hostname', 'tessera\n')]]].entries()) {
    const file = join(work, `layer${n}.tar`);
    writeFileSync(file, filesLayerTar(entries[0] as RootfsEntry[], EPOCH));
    tars.push(file);
  }
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const config = { user: '65532:65532', env: { TZ: 'UTC', PATH: '/usr/bin:/bin' }, entrypoint: ['/bin/sh'], cmd: ['-c', 'exit 0'], workingDir: '/', labels: { b: '2', a: '1' } };

async function write(name: string) {
  return writeOciLayout({ layers: tars.map((tar, i) => ({ tar, createdBy: `layer ${i}` })), config, sourceDateEpoch: EPOCH, output: join(work, name), refName: 'v1' });
}

describe('OCI image layout', () => {
  it('streams the same gzip bytes whatever the sizes of the writes', async () => {
    const tar = readFileSync(tars[0] as string);
    const whole = join(work, 'whole.gz');
    const file = await gzipFile(tars[0] as string, whole);
    // Writes that straddle piece boundaries, end one exactly on a boundary, and are empty.
    const sizes = [1, 511, GZIP_PIECE - 512, 0, GZIP_PIECE, 7777];
    const streamed = join(work, 'streamed.gz');
    const w = await GzipWriter.create(streamed);
    for (let at = 0, i = 0; at < tar.length; i++) {
      const n = sizes[i % sizes.length] as number;
      await w.write(tar.subarray(at, at + n));
      at += n;
    }
    expect(await w.finish()).toEqual(file);
    expect(readFileSync(streamed).equals(readFileSync(whole))).toBe(true);
    // An input of exactly one piece ends in that piece (no empty last piece), as gzipFile does.
    const one = join(work, 'one-piece.tar');
    writeFileSync(one, tar.subarray(0, GZIP_PIECE));
    const w1 = await GzipWriter.create(join(work, 'one-piece.gz'));
    await w1.write(tar.subarray(0, GZIP_PIECE));
    expect(await w1.finish()).toEqual(await gzipFile(one, join(work, 'one-piece-file.gz')));
    expect(gunzipSync(readFileSync(join(work, 'one-piece.gz'))).equals(tar.subarray(0, GZIP_PIECE))).toBe(true);
  });

  it('holds content-addressed blobs, diff_ids of the tars and a fixed gzip header', async () => {
    const r = await write('a');
    const root = join(work, 'a');
    expect(readdirSync(root).sort()).toEqual(['blobs', 'index.json', 'oci-layout']);
    expect(readFileSync(join(root, 'oci-layout'), 'utf8')).toBe('{"imageLayoutVersion":"1.0.0"}');
    const blobs = readdirSync(join(root, 'blobs', 'sha256')).sort();
    expect(blobs).toHaveLength(4); // two layers, config, manifest
    for (const b of blobs) expect(sha(readFileSync(join(root, 'blobs', 'sha256', b)))).toBe(`sha256:${b}`);
    const blob = (d: string) => readFileSync(join(root, 'blobs', 'sha256', d.slice(7)));

    for (const [i, l] of r.layers.entries()) {
      const tar = readFileSync(tars[i] as string);
      const gz = blob(l.digest);
      // magic, deflate, no flags, mtime 0, XFL 0 (level 2), OS 3 (Unix)
      expect([...gz.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
      expect(gunzipSync(gz).equals(tar)).toBe(true);
      // The pieces are fixed, so compressing them one at a time gives the same bytes; GNU gzip reads it.
      const again = join(work, `again-${i}.gz`);
      await gzipFile(tars[i] as string, again, 1);
      expect(readFileSync(again).equals(gz)).toBe(true);
      if (hasTool('gzip')) expect(spawnSync('gzip', ['-dc', again], { maxBuffer: 1 << 28 }).stdout.equals(tar)).toBe(true);
      expect(l).toEqual({ digest: sha(gz), diffId: sha(tar), size: gz.length, uncompressedSize: tar.length });
    }
    console.log(`layers: ${r.layers.map((l) => `${l.uncompressedSize} → ${l.size} bytes`).join(', ')}; manifest ${r.digest}`);
    expect(r.layers[0]?.uncompressedSize).toBeGreaterThan(2 << 20);

    const index = JSON.parse(readFileSync(join(root, 'index.json'), 'utf8'));
    expect(index).toEqual({
      schemaVersion: 2, mediaType: MEDIA_TYPES.index,
      manifests: [{ mediaType: MEDIA_TYPES.manifest, digest: r.digest, size: r.manifestSize, annotations: { [REF_NAME_ANNOTATION]: 'v1' } }],
    });
    const manifestBytes = blob(r.digest);
    expect(manifestBytes.length).toBe(r.manifestSize);
    const manifest = JSON.parse(manifestBytes.toString('utf8'));
    expect(manifest.config.digest).toBe(r.configDigest);
    expect(manifest.layers).toEqual(r.layers.map((l) => ({ mediaType: MEDIA_TYPES.layerGzip, digest: l.digest, size: l.size })));
    const configBytes = blob(r.configDigest).toString('utf8');
    expect(configBytes).toBe(stableJson(JSON.parse(configBytes)));
    expect(JSON.parse(configBytes)).toEqual({
      created: '2023-11-14T22:13:20Z', architecture: 'amd64', os: 'linux',
      config: { User: '65532:65532', Env: ['PATH=/usr/bin:/bin', 'TZ=UTC'], Entrypoint: ['/bin/sh'], Cmd: ['-c', 'exit 0'], WorkingDir: '/', Labels: { a: '1', b: '2' } },
      rootfs: { type: 'layers', diff_ids: r.layers.map((l) => l.diffId) },
      history: [{ created: '2023-11-14T22:13:20Z', created_by: 'layer 0' }, { created: '2023-11-14T22:13:20Z', created_by: 'layer 1' }],
    });
  });

  it('gives the same digests twice, and refuses an existing output leaving nothing behind', async () => {
    const a = await write('b');
    const b = await write('c');
    expect(b).toEqual(a);
    await expect(write('c')).rejects.toThrow(/already exists/);
    expect(readdirSync(work).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('leaves nothing behind when a layer cannot be read', async () => {
    mkdirSync(join(work, 'd-parent'));
    const output = join(work, 'd-parent', 'img');
    await expect(writeOciLayout({ layers: [{ tar: join(work, 'missing.tar'), createdBy: 'x' }], config, sourceDateEpoch: EPOCH, output })).rejects.toThrow();
    expect(readdirSync(join(work, 'd-parent'))).toEqual([]);
  });

  it('writes JSON whose bytes do not depend on key order', () => {
    expect(stableJson({ b: [1, { d: 1, c: undefined, a: 'x' }], a: null })).toBe('{"a":null,"b":[1,{"a":"x","d":1}]}');
    expect(stableJson({ z: 1, y: 2 })).toBe(stableJson({ y: 2, z: 1 }));
    expect(() => stableJson({ n: Number.NaN })).toThrow(RangeError);
  });
});
