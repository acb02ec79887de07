/** Appends the server's audit events (changes and denials) with the injected clock. */
import type { AuditEventInput, AuditLogStore } from '../store/index.js';

export class AuditTrail {
  constructor(
    private readonly log: AuditLogStore,
    private readonly now: () => Date,
  ) {}

  async record(actor: string, action: string, resource: string, outcome: AuditEventInput['outcome'], detail: unknown): Promise<void> {
    await this.log.append({ at: this.now().toISOString(), actor, action, resource, outcome, detail });
  }
}
