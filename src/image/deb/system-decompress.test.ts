/**
 * The child-process decompressor gives the in-process decoder's bytes and the same verdicts on
 * damaged input, stops its process when the reader stops early, and falls back when a tool is absent.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hasTool } from '../../../test/support/tools.js';
import { DebFormatError } from '../diagnostics.js';
import type { Compression } from './decompress.js';
import { systemDecompressor } from './system-decompress.js';

const data = randomBytes(300_000);
const cli = (tool: string) => (b: Buffer) => spawnSync(tool, ['-c', '-q'], { input: b, maxBuffer: 1 << 26 }).stdout;

async function* chunks(b: Buffer) {
  for (let i = 0; i < b.length; i += 4096) yield b.subarray(i, i + 4096);
}

async function inflate(b: Buffer, c: Compression, tools = {}): Promise<Buffer | string> {
  const { decompress } = await systemDecompressor({ minSize: 0, ...tools });
  const out: Uint8Array[] = [];
  try {
    for await (const chunk of decompress(chunks(b), c, `data.tar.${c}`, b.length)) out.push(chunk);
  } catch (e) {
    return (e as { code: string }).code;
  }
  return Buffer.concat(out);
}

describe('systemDecompressor', () => {
  it.each([['xz', cli('xz')], ['zstd', cli('zstd')]] as const)('%s: whole, cut and corrupted', async (c, compress) => {
    if (!hasTool(c)) return;
    expect((await systemDecompressor()).native).toContain(c);
    const packed = compress(data);
    expect((await inflate(packed, c)).toString('hex')).toBe(data.toString('hex'));
    expect(await inflate(packed.subarray(0, packed.length - 5), c)).toBe('image/decompress-failed');
    expect(await inflate(packed.subarray(0, packed.length >> 1), c)).toBe('image/decompress-failed');
    const corrupt = Buffer.from(packed);
    corrupt.fill(0x55, 100, 160);
    expect(await inflate(corrupt, c)).toBe('image/decompress-failed');
  });

  it('reports an error of the source, not the tool\'s complaint about the cut input', async () => {
    if (!hasTool('xz')) return;
    const packed = cli('xz')(data);
    async function* failing() {
      yield packed.subarray(0, 1000);
      throw new DebFormatError('image/truncated-ar', 'data.tar.xz', 'cut');
    }
    const { decompress } = await systemDecompressor({ minSize: 0 });
    await expect((async () => { for await (const _ of decompress(failing(), 'xz', 'data.tar.xz', packed.length)) { /* read */ } })()).rejects.toMatchObject({ code: 'image/truncated-ar' });
  });

  it('kills the process when the reader stops early', async () => {
    if (!hasTool('xz')) return;
    const packed = cli('xz')(Buffer.alloc(50 << 20)); // 50 MiB of zeros: far more than one pipe buffer
    const { decompress } = await systemDecompressor({ minSize: 0 });
    let read = 0;
    for await (const chunk of decompress(chunks(packed), 'xz', 'data.tar.xz', packed.length)) {
      read += chunk.length;
      if (read > 1 << 20) break;
    }
    expect(read).toBeLessThan(50 << 20);
    // No xz left among this process's children.
    expect(spawnSync('pgrep', ['-P', String(process.pid), '-x', 'xz'], { encoding: 'utf8' }).stdout).toBe('');
  });

  it('decodes in process when a tool is missing or the member is small', async () => {
    const none = await systemDecompressor({ xz: '/nonexistent/xz', zstd: '/nonexistent/zstd' });
    expect(none.native).toEqual([]);
    if (!hasTool('xz')) return;
    const packed = cli('xz')(data);
    expect((await inflate(packed, 'xz', { xz: '/nonexistent/xz' })).toString('hex')).toBe(data.toString('hex'));
  });
});
