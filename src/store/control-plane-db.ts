/**
 * What the control-plane stores share: one Kysely instance, one closed flag, and the rule that each
 * method is one transaction whose driver failures become ControlPlaneStoreFailureError.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely, Transaction } from 'kysely';
import { canonicalJson } from '../fragments/index.js';
import { ControlPlaneClosedError, ControlPlaneStoreError, ControlPlaneStoreFailureError, CorruptControlPlaneStoreError, UnitOfWorkMisuseError } from './control-plane-errors.js';
import type { TesseraDatabase } from './schema.js';

export type Trx = Transaction<TesseraDatabase>;

/**
 * Runs `body` in a transaction of `executor`: in the caller's transaction when `executor` already is
 * one (Kysely has no nested transactions), else in a new one. This is what lets a store method join
 * a unit of work (ControlPlaneStore.transaction) and still be one transaction on its own.
 */
export function inTransaction<T>(executor: Kysely<TesseraDatabase>, body: (trx: Trx) => Promise<T>): Promise<T> {
  return executor.isTransaction ? body(executor as Trx) : executor.transaction().execute(body);
}

/** The stores (their root ControlPlaneDb) whose unit of work the current async call chain runs in. */
const unitsOfWork = new AsyncLocalStorage<ReadonlySet<ControlPlaneDb>>();

export class ControlPlaneDb {
  #closed = false;

  /** `parent` is the store a transaction-bound view (`bind`) shares its closed flag with. */
  constructor(
    readonly db: Kysely<TesseraDatabase>,
    private readonly parent?: ControlPlaneDb,
  ) {}

  get closed(): boolean {
    return this.parent?.closed ?? this.#closed;
  }

  /** Marks the stores closed; true the first time (the caller then destroys the database). */
  close(): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    return true;
  }

  /** The same stores' view of one open transaction: every `tx` runs inside `trx`. */
  bind(trx: Trx): ControlPlaneDb {
    return new ControlPlaneDb(trx, this);
  }

  /**
   * Runs `work` as this store's unit of work: inside it, the store's own (unbound) methods are
   * refused with UnitOfWorkMisuseError rather than left to wait for the unit's transaction.
   */
  runAsUnitOfWork<T>(work: () => Promise<T>): Promise<T> {
    const active = unitsOfWork.getStore();
    if (active?.has(this) === true) return Promise.reject(misuse('a unit of work (transaction)'));
    return unitsOfWork.run(new Set([...(active ?? []), this]), work);
  }

  /** Runs `body` in one transaction; anything but a ControlPlaneStoreError becomes a ControlPlaneStoreFailureError. */
  async tx<T>(operation: string, body: (trx: Trx) => Promise<T>): Promise<T> {
    this.#checkUsable(operation);
    try {
      return await inTransaction(this.db, body);
    } catch (e) {
      throw storeError(operation, e);
    }
  }

  /**
   * Runs `body` while holding the root store's connection (Kysely's, so no transaction of the
   * store is open on it), for code that drives the connection's driver directly and synchronously
   * (sqlite-audit-append.ts). Errors are mapped as `tx` maps them.
   */
  async onConnection<T>(operation: string, body: () => T): Promise<T> {
    this.#checkUsable(operation);
    if (this.parent !== undefined) throw new UnitOfWorkMisuseError(`${operation} needs the store's own connection, not a unit of work's`);
    try {
      return await this.db.connection().execute(() => Promise.resolve().then(body));
    } catch (e) {
      throw storeError(operation, e);
    }
  }

  #checkUsable(operation: string): void {
    if (this.closed) throw new ControlPlaneClosedError();
    if (this.parent === undefined && unitsOfWork.getStore()?.has(this) === true) throw misuse(operation);
  }
}

/** A failure of `operation` as the stores report it: their own errors as they are, anything else as ControlPlaneStoreFailureError. */
export function storeError(operation: string, e: unknown): ControlPlaneStoreError {
  if (e instanceof ControlPlaneStoreError) return e;
  return new ControlPlaneStoreFailureError(`control-plane store ${operation} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

const misuse = (operation: string) => new UnitOfWorkMisuseError(`${operation} was called on the store itself inside one of its units of work, where it would wait for that unit's own transaction: use the \`tx\` stores the unit of work was given`);

/** JSON values are stored as canonical JSON text, so equal values are equal rows. */
export const toJsonText = (value: unknown): string => canonicalJson(value);

export function fromJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CorruptControlPlaneStoreError(`the stored ${what} is not JSON`, { cause: e });
  }
}

/** A bigint column as a number (PostgreSQL's driver reads bigint as a string). */
export function toSeq(value: number | string | bigint, what: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new CorruptControlPlaneStoreError(`${what} \`${String(value)}\` is not a whole number`);
  return n;
}
