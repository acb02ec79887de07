/**
 * A log read page by page, as one stream of records: what the streaming verifier consumes, so
 * that the store's log, a server's GET /v1/audit and any other paged source verify in bounded
 * memory (one page and the verifier's window). The reading itself is the caller's `read`.
 */
import type { AuditRecord } from './model.js';

/** Reads the records with seq > afterSeq, oldest first, at most `limit` (AuditLogStore.read, GET /v1/audit). */
export type AuditPageReader = (afterSeq: number, limit: number) => Promise<readonly AuditRecord[]>;

/** Every record after `afterSeq`, read `pageSize` at a time; a short page is the last. */
export async function* pagedAuditRecords(read: AuditPageReader, pageSize: number, afterSeq = 0): AsyncGenerator<AuditRecord> {
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new RangeError(`a page size is a positive integer, not ${pageSize}`);
  let after = afterSeq;
  for (;;) {
    const page = await read(after, pageSize);
    yield* page;
    const last = page.at(-1);
    if (page.length < pageSize || last === undefined) return;
    after = last.seq;
  }
}
