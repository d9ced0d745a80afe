/**
 * The store port (ADR 0050, ADR 0053): what core needs from a database, with no driver or query
 * builder in sight. A {@link Reader} reads (committed data, or a transaction's own writes); a
 * {@link Tx}, only obtainable inside {@link Store.transaction}, also writes. The repository
 * interfaces behind `read` and `write` are declared per repository in core/store/*-repo.ts and
 * gathered in repositories.ts; adapters/store-sqlite and adapters/store-postgres implement them.
 */
import type { JobQueue } from '../queue/job-queue.ts';
import type { Reads, Writes } from './repositories.ts';

/** Brands {@link Tx}: a reader cannot pass for a transaction. Implementations set it to `true`. */
export const txBrand: unique symbol = Symbol('conveyor.tx');

/** What a read takes: the committed-data read handle, or an open transaction (its own writes included). */
export interface Reader {
  readonly read: Reads;
}

/**
 * The handle of one open transaction, only obtainable inside `Store.transaction`. Repository
 * functions that write take it; functions that only read take a {@link Reader}.
 */
export interface Tx extends Reader {
  readonly [txBrand]: true;
  readonly write: Writes;
  /** Run `fn` once the transaction has committed (never when it rolls back): wake-ups, metrics. */
  afterCommit(fn: () => void): void;
}

/** An open store. */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** The read handle: committed data only. */
  readonly db: Reader;
  /** The durable job queue on this store. */
  readonly queue: JobQueue;
  /**
   * Run `fn` in one transaction and commit when its promise resolves, roll back when it rejects.
   * Calling this from inside `fn` throws {@link NestedTransactionError}. `fn` does no I/O other
   * than the store's.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Product code awaits it (PostgreSQL's pool ends asynchronously). */
  close(): void | Promise<void>;
}

/** A transaction that was started from inside another one: a programming error (ADR 0050). */
export class NestedTransactionError extends Error {
  override readonly name = 'NestedTransactionError';
}
