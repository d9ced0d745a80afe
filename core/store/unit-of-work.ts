/**
 * The store's unit of work (ADR 0050): `transaction(fn)` is asynchronous so that a store on an
 * asynchronous driver (PostgreSQL) can stand behind the same port, and its handle, {@link Tx}, is
 * a type distinct from the read handle: code that holds only a reader cannot call a write.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type * as schema from './schema.ts';

/** A drizzle handle on a SQLite connection (the SQLite adapter's surface). */
export type Db = BetterSQLite3Database<typeof schema>;

declare const txBrand: unique symbol;

/**
 * The handle of one open transaction, only obtainable inside `Store.transaction`. Repository
 * functions that write take it; functions that only read take a {@link Reader}.
 */
export interface Tx {
  readonly [txBrand]: true;
  /** The connection inside the open transaction (sees this transaction's own writes). */
  readonly db: Db;
  /** Run `fn` once the transaction has committed (never when it rolls back): wake-ups, metrics. */
  afterCommit(fn: () => void): void;
}

/** What a read takes: the committed-data read handle, or an open transaction (its own writes included). */
export type Reader = Db | Tx;

/** The drizzle handle behind a reader. */
export function readerDb(reader: Reader): Db {
  return reader instanceof SqliteTx ? reader.db : (reader as Db);
}

/** A transaction that was started from inside another one: a programming error (ADR 0050). */
export class NestedTransactionError extends Error {
  override readonly name = 'NestedTransactionError';
}

class SqliteTx {
  private callbacks: (() => void)[] | null = null;
  /** False once committed or rolled back (a timer set inside it may outlive it). */
  open = true;
  constructor(readonly db: Db) {}

  afterCommit(fn: () => void): void {
    (this.callbacks ??= []).push(fn);
  }

  /** Run the after-commit callbacks; one that throws does not stop the others (they are hints). */
  committed(): void {
    for (const fn of this.callbacks ?? []) {
      try {
        fn();
      } catch {
        // A listener's failure is its own; the transaction has committed.
      }
    }
  }
}

/** Serialises the asynchronous transactions of one SQLite connection: BEGIN IMMEDIATE … COMMIT. */
export interface SqliteUnitOfWork {
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}

/** A first-come, first-served lock held across awaits. */
interface Mutex {
  locked: boolean;
  readonly waiters: (() => void)[];
}

// One lock per database file in this process: SQLite has one writer per file, and a second
// connection of this process waiting in BEGIN IMMEDIATE would block the thread (its busy handler
// sleeps) while the transaction it waits for can only finish on that same thread.
const fileLocks = new Map<string, Mutex>();
// The open transaction of the running async context, whichever store it belongs to.
const context = new AsyncLocalStorage<SqliteTx>();

function lockFor(file: string | null): Mutex {
  if (file === null) return { locked: false, waiters: [] };
  let lock = fileLocks.get(file);
  if (!lock) {
    lock = { locked: false, waiters: [] };
    fileLocks.set(file, lock);
  }
  return lock;
}

/**
 * Transactions on one database file are serialised by an in-process lock (SQLite has one writer;
 * a second BEGIN on the same connection would fail, and interleaved statements would join the
 * open transaction). Waiters are served first come, first served. A nested call is detected
 * through AsyncLocalStorage and thrown, never left to wait for the lock its own caller holds.
 * `file` is the database's absolute path (null for `:memory:`, which no other connection shares).
 */
export function sqliteUnitOfWork(
  db: Db,
  file: string | null,
  run: { begin(): void; commit(): void; rollback(): void; inTransaction(): boolean },
): SqliteUnitOfWork {
  const lock = lockFor(file);

  const release = (): void => {
    const next = lock.waiters.shift();
    if (next) next();
    else lock.locked = false;
  };

  return {
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      if (context.getStore()?.open)
        throw new NestedTransactionError(
          'store.transaction called inside another transaction: pass its tx instead',
        );
      if (lock.locked) await new Promise<void>((resolve) => lock.waiters.push(resolve));
      else lock.locked = true;
      const tx = new SqliteTx(db);
      try {
        run.begin();
        let result: T;
        try {
          result = await context.run(tx, fn, tx as unknown as Tx);
          run.commit();
        } catch (error) {
          if (run.inTransaction()) run.rollback();
          throw error;
        }
        tx.open = false;
        tx.committed();
        return result;
      } finally {
        tx.open = false;
        release();
      }
    },
  };
}
