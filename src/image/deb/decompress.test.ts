/** Damaged compressed members end as `image/decompress-failed`, never as a shorter archive. */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { hasTool } from '../../../test/support/tools.js';
import { decompress, type Compression } from './decompress.js';

// Random bytes do not compress, so every cut lands inside real compressed data.
const data = randomBytes(200_000);
const cli = (tool: string) => (b: Buffer) => spawnSync(tool, ['-c', '-q'], { input: b, maxBuffer: 1 << 26 }).stdout;

async function* chunks(b: Buffer) {
  for (let i = 0; i < b.length; i += 4096) yield b.subarray(i, i + 4096);
}

async function inflate(b: Buffer, c: Compression): Promise<Buffer | string> {
  const out: Uint8Array[] = [];
  try {
    for await (const chunk of decompress(chunks(b), c, `data.tar.${c}`)) out.push(chunk);
  } catch (e) {
    return (e as { code: string }).code;
  }
  return Buffer.concat(out);
}

describe('decompress', () => {
  it.each([['gzip', gzipSync], ['xz', cli('xz')], ['zstd', cli('zstd')]] as const)('%s: whole, cut and corrupted', async (c, compress) => {
    if (c !== 'gzip' && !hasTool(c)) return;
    const packed = compress(data);
    expect((await inflate(packed, c)).toString('hex')).toBe(data.toString('hex'));
    expect(await inflate(packed.subarray(0, packed.length - 5), c)).toBe('image/decompress-failed');
    expect(await inflate(packed.subarray(0, packed.length >> 1), c)).toBe('image/decompress-failed');
    // fzstd does not verify zstd's optional content checksum, so corruption inside raw blocks goes
    // unseen there; the md5sums check of write-layer (and the .deb's signed SHA-256) covers it.
    if (c === 'zstd') return;
    const corrupt = Buffer.from(packed);
    corrupt.fill(0x55, 100, 160);
    expect(await inflate(corrupt, c)).toBe('image/decompress-failed');
  });
});
