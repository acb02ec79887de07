/**
 * Which node runs the adaptation loop. On PostgreSQL every node tries `pg_try_advisory_lock` on
 * a dedicated connection: the lock is session-level, so it is held exactly as long as that
 * connection lives, and PostgreSQL releases it when the leader's process or connection dies.
 * The others try again every `retryMs` and take over. On SQLite there is one node: it leads.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';

export interface Leadership {
  /** True while this node may run the loop. */
  readonly leading: boolean;
  /** Tries at once, then keeps trying (and checking a held lock) every retry interval. */
  start(): Promise<void>;
  /** Gives the lock up (closing the connection) and stops trying. Idempotent. */
  close(): Promise<void>;
}

/** The single-node case (SQLite): always the leader. */
export function soleLeader(): Leadership {
  return { leading: true, start: async () => {}, close: async () => {} };
}

export interface PostgresLeadershipOptions {
  /** The store's schema: nodes of one store compete, other stores on the same server do not. */
  readonly schema: string;
  /** How often a follower tries again and a leader checks its connection (default 5 s). */
  readonly retryMs?: number;
  /** Called when this node gains or loses the lead. */
  readonly onChange?: (leading: boolean) => void;
  /** Connection problems (the loop goes on; they are worth a log line). */
  readonly onError?: (error: Error) => void;
}

/** The advisory lock key: 64 bits of sha256 over the schema, as a signed bigint in text. */
export function leaderLockKey(schema: string): string {
  return createHash('sha256').update(`tessera/monitor-leader/${schema}`).digest().readBigInt64BE(0).toString();
}

export class PostgresLeadership implements Leadership {
  private client: pg.Client | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private isLeading = false;
  /** Until when this node stays out of the race after losing the lock (see `drop`). */
  private standDownUntil = 0;
  private readonly key: string;
  private readonly retryMs: number;

  constructor(private readonly url: string, private readonly options: PostgresLeadershipOptions) {
    this.key = leaderLockKey(options.schema);
    this.retryMs = options.retryMs ?? 5000;
  }

  get leading(): boolean {
    return this.isLeading;
  }

  /** The backend pid of the connection holding (or trying for) the lock, for operators and tests. */
  get backendPid(): number | undefined {
    return (this.client as unknown as { processID?: number } | undefined)?.processID;
  }

  async start(): Promise<void> {
    await this.attempt();
  }

  private setLeading(value: boolean): void {
    if (this.isLeading === value) return;
    this.isLeading = value;
    this.options.onChange?.(value);
  }

  private drop(error?: Error): void {
    const client = this.client;
    this.client = undefined;
    // A leader whose connection failed sits out two rounds, so that a healthy follower takes
    // over instead of the node that just showed it cannot keep a connection.
    if (this.isLeading) this.standDownUntil = Date.now() + 2 * this.retryMs;
    this.setLeading(false);
    if (error !== undefined) this.options.onError?.(error);
    // Ending a broken connection can itself fail; the lock is gone with the session either way.
    void client?.end().catch(() => {});
  }

  private async attempt(): Promise<void> {
    if (this.closed) return;
    if (Date.now() < this.standDownUntil) {
      this.timer = setTimeout(() => void this.attempt(), this.retryMs);
      return;
    }
    try {
      if (this.client === undefined) {
        const client = new pg.Client({ connectionString: this.url, application_name: 'tessera-monitor-leader' });
        client.on('error', (e: Error) => {
          if (this.client === client) this.drop(e);
        });
        client.on('end', () => {
          if (this.client === client) this.drop();
        });
        this.client = client;
        await client.connect();
      }
      if (this.isLeading) {
        // A lock held by a dead connection is already released: check that ours lives.
        await this.client.query('select 1');
      } else {
        const r = await this.client.query<{ ok: boolean }>('select pg_try_advisory_lock($1::bigint) as ok', [this.key]);
        this.setLeading(r.rows[0]?.ok === true);
      }
    } catch (e) {
      this.drop(e as Error);
    }
    if (!this.closed) this.timer = setTimeout(() => void this.attempt(), this.retryMs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    this.setLeading(false);
    await client?.end().catch(() => {});
  }
}
