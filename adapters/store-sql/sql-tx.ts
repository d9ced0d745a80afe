/**
 * The transaction object of both SQL stores (ADR 0053): the dialect's handle for adapter-only
 * needs (the queue's statements), the repositories bound to the transaction's connection, and the
 * after-commit callbacks. Plus the nested-transaction guard both units of work use.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Reads, Writes } from '../../core/store/repositories.ts';
import { NestedTransactionError, txBrand, type Tx } from '../../core/store/store.ts';

export class SqlTx<H> implements Tx {
  readonly [txBrand] = true as const;
  private callbacks: (() => void)[] | null = null;
  /** False once committed or rolled back (a timer set inside it may outlive it). */
  open = true;

  constructor(
    /** The dialect's connection or drizzle handle inside the open transaction. */
    readonly handle: H,
    readonly read: Reads,
    readonly write: Writes,
  ) {}

  afterCommit(fn: () => void): void {
    (this.callbacks ??= []).push(fn);
  }

  /** Close it and run the after-commit callbacks; one that throws does not stop the others (they are hints). */
  committed(): void {
    this.open = false;
    for (const fn of this.callbacks ?? []) {
      try {
        fn();
      } catch {
        // A listener's failure is its own; the transaction has committed.
      }
    }
  }
}

/** The adapter's handle of a port transaction (which must be one of ours). */
export function sqlTxHandle<H>(tx: Tx): H {
  if (!(tx instanceof SqlTx)) throw new TypeError('not a transaction of a SQL store');
  return (tx as SqlTx<H>).handle;
}

// The open transaction of the running async context, whichever store it belongs to.
const context = new AsyncLocalStorage<SqlTx<unknown>>();

/**
 * Throw {@link NestedTransactionError} when the running async context is inside an open
 * transaction (of any store): a unit of work calls this before it waits for its lock, so a nested
 * call never waits for the lock its own caller holds.
 */
export function refuseNestedTransaction(): void {
  if (context.getStore()?.open)
    throw new NestedTransactionError('store.transaction called inside another transaction: pass its tx instead');
}

/** Run `fn` with `tx` as the open transaction of its async context (see {@link refuseNestedTransaction}). */
export async function runInTransaction<H, T>(tx: SqlTx<H>, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return await context.run(tx, fn, tx);
}
