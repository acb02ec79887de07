/**
 * Appends the server's audit events with the injected clock. A change and its audit record are one
 * unit of work (`change`): they commit together or not at all, so a crash or a failed append never
 * leaves a committed change without its record (issue 8). Denials have no change to pair with and
 * are single appends (`record`).
 */
import type { AuditEventInput, ControlPlaneStore, ControlPlaneTx } from '../store/index.js';

/** Notes the audit record of a change; it is appended when the change's work has succeeded. */
export type NoteChange = (actor: string, action: string, resource: string, detail: unknown) => void;

/** Records in one group commit; the store takes up to 500. */
const GROUP_COMMIT_MAX = 256;

export class AuditTrail {
  /** Single records waiting for the next group commit, and whether one is under way. */
  private readonly pending: { event: AuditEventInput; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private committing = false;

  constructor(
    private readonly store: ControlPlaneStore,
    private readonly now: () => Date,
  ) {}

  /**
   * One audit record on its own (denials, refused requests): there is no change to commit with it.
   * Resolves once the record is committed. Records that arrive while a commit is under way wait
   * and then commit together in one transaction (group commit): under load, a denied decision
   * costs a share of one commit instead of a commit of its own, and is still never answered
   * before its record is durable.
   */
  record(actor: string, action: string, resource: string, outcome: AuditEventInput['outcome'], detail: unknown): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ event: { at: this.now().toISOString(), actor, action, resource, outcome, detail }, resolve, reject });
      if (!this.committing) void this.commitPending();
    });
  }

  /** Commits what is pending, batch after batch, until nothing is (one committer at a time). */
  private async commitPending(): Promise<void> {
    this.committing = true;
    try {
      while (this.pending.length > 0) {
        // One turn of the event loop first: requests already received get to queue their records
        // (with SQLite's synchronous driver, nothing else runs while a commit is under way).
        await new Promise<void>((resolve) => setImmediate(resolve));
        const batch = this.pending.splice(0, GROUP_COMMIT_MAX);
        try {
          await this.store.audit.appendMany(batch.map((p) => p.event));
          for (const p of batch) p.resolve();
        } catch (e) {
          // The batch is one transaction: none of it was written, and every caller hears why.
          for (const p of batch) p.reject(e);
        }
      }
    } finally {
      this.committing = false;
    }
  }

  /**
   * Runs `work` (which changes the store through `tx` only, and notes its audit records) in one
   * transaction, and appends the noted records, outcome `changed`, after it, still inside that
   * transaction. Appending last is deliberate: the audit head's lock is taken after the change's
   * own locks and held only until the commit, the same order in every unit of work.
   */
  async change<T>(work: (tx: ControlPlaneTx, note: NoteChange) => Promise<T>): Promise<T> {
    return this.store.transaction(async (tx) => {
      const noted: AuditEventInput[] = [];
      const result = await work(tx, (actor, action, resource, detail) => {
        noted.push({ at: this.now().toISOString(), actor, action, resource, outcome: 'changed', detail });
      });
      for (const event of noted) await tx.audit.append(event);
      return result;
    });
  }
}
