/**
 * Exact-size reads over an async iterable of byte chunks, the one primitive the ar and tar readers
 * need: a header of N bytes, then a body of M bytes handed on chunk by chunk without buffering it.
 */
import { DebFormatError, type ImageDiagnosticCode } from '../diagnostics.js';

export class ByteReader {
  private readonly it: AsyncIterator<Uint8Array>;
  private pending: Uint8Array = new Uint8Array(0);
  private done = false;
  /** Bytes consumed so far: offsets in messages. */
  offset = 0;

  constructor(source: AsyncIterable<Uint8Array>, private readonly truncated: ImageDiagnosticCode, private readonly member: string | null) {
    this.it = source[Symbol.asyncIterator]();
  }

  private async fill(): Promise<boolean> {
    while (this.pending.length === 0) {
      if (this.done) return false;
      const r = await this.it.next();
      if (r.done === true) {
        this.done = true;
        return false;
      }
      this.pending = r.value;
    }
    return true;
  }

  /** True when nothing is left. */
  async atEnd(): Promise<boolean> {
    return !(await this.fill());
  }

  /** Exactly `n` bytes, or null when the input ends before the first byte; a partial read is truncation. */
  async readExact(n: number, what: string): Promise<Uint8Array | null> {
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      if (!(await this.fill())) {
        if (got === 0) return null;
        throw new DebFormatError(this.truncated, this.member, `the input ends inside ${what} (${got} of ${n} bytes at offset ${this.offset})`);
      }
      const take = Math.min(n - got, this.pending.length);
      out.set(this.pending.subarray(0, take), got);
      this.pending = this.pending.subarray(take);
      got += take;
      this.offset += take;
    }
    return out;
  }

  /** Yields exactly `n` bytes in the chunks they arrive in; fewer is truncation (`code`). */
  async *chunks(n: number, code: ImageDiagnosticCode, member: string | null, what: string): AsyncGenerator<Uint8Array> {
    let left = n;
    while (left > 0) {
      if (!(await this.fill())) throw new DebFormatError(code, member, `${what} ends after ${n - left} of ${n} bytes`);
      const take = Math.min(left, this.pending.length);
      const chunk = this.pending.subarray(0, take);
      this.pending = this.pending.subarray(take);
      left -= take;
      this.offset += take;
      yield chunk;
    }
  }

  /** Skips `n` bytes (padding, an unread body). */
  async skip(n: number, code: ImageDiagnosticCode, member: string | null, what: string): Promise<void> {
    for await (const _ of this.chunks(n, code, member, what)) { /* discarded */ }
  }

  /** Reads to the end, up to `limit` bytes; returns the count, or -1 when more than `limit` remain. */
  async drain(limit: number): Promise<number> {
    let n = 0;
    while (await this.fill()) {
      n += this.pending.length;
      this.offset += this.pending.length;
      this.pending = new Uint8Array(0);
      if (n > limit) return -1;
    }
    return n;
  }

  /** Stops the source (closing a file or decompressor) when it was not read to its end. */
  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.pending = new Uint8Array(0);
    await this.it.return?.();
  }
}
