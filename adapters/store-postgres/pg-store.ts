/**
 * The store port on PostgreSQL (ADR 0054): a `pg` pool, the committed migrations applied at open
 * (under an advisory lock, pg-database.ts), the shared portable repositories (adapters/store-sql)
 * over drizzle's node-postgres driver, and the job queue of pg-job-queue.ts.
 *
 * A transaction is one pooled connection between `BEGIN ISOLATION LEVEL REPEATABLE READ` and
 * `COMMIT`. Repeatable read, not PostgreSQL's default read committed: the repositories read a row
 * and then write it (a task's version, a lease's holder), which SQLite's single writer serialises;
 * here a concurrent change to a row this transaction then writes fails it with a serialization
 * failure instead of being silently overwritten. On such a failure (or a deadlock), reported by
 * the server, or a RetryableError core raised because a fact it decided on changed meanwhile
 * (ADR 0056), `transaction` runs `fn` again on a fresh snapshot, a few times: that is
 * safe because `fn` does nothing but store I/O (ADR 0050), all of which was rolled back, and its
 * after-commit hints only run for the attempt that committed.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { DEFAULT_BACKOFF, type BackoffPolicy } from '../../core/queue/backoff.ts';
import type { Reads, Writes } from '../../core/store/repositories.ts';
import type { Reader, Store, Tx } from '../../core/store/store.ts';
import { sqlRepositories, type PortableDb, type Tables } from '../store-sql/sql-repositories.ts';
import { refuseNestedTransaction, runInTransaction, SqlTx } from '../store-sql/sql-tx.ts';
import { migratePostgres, openPgPool } from './pg-database.ts';
import { isPgRetryable, pgCall, translatePgError } from './pg-errors.ts';
import { PgJobQueue } from './pg-job-queue.ts';
import { PgStoreQueue } from './pg-store-queue.ts';
import * as schema from './schema.ts';

/** How many times `transaction` runs `fn` when it keeps failing with a RetryableError. */
export const PG_TRANSACTION_ATTEMPTS = 5;

export interface PgStoreOptions {
  /** Connections in the pool (default 10). */
  readonly poolMax?: number;
  /** The job queue's retry backoff and default attempts (as SQLite's queue). */
  readonly backoff?: BackoffPolicy;
  readonly maxAttempts?: number;
  /**
   * Told about an error of an idle pooled connection (the server restarted, the network dropped):
   * the pool drops that connection and opens another when needed. Without a listener such an
   * error would end the process. Not called for connections closing after `close()`.
   */
  readonly onIdleError?: (error: Error) => void;
}

/** An open PostgreSQL store: the port, plus the pool for adapter needs (leader lease, tests). */
export interface PgStore extends Store {
  readonly dialect: 'postgres';
  readonly pool: pg.Pool;
  /** One round trip (`SELECT 1`) through the pool; throws a core error when the server does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The shared SQL repositories over a PostgreSQL drizzle handle. The one cast of this adapter:
 * adapters/store-sql is typed against the SQLite dialect and keeps to the subset both dialects
 * run alike (awaited builders, `returning`, `onConflict…`, portable SQL; lint-enforced there);
 * the PostgreSQL tables have the same names and columns (schema-sync test).
 */
function repositories(handle: pg.Pool | pg.PoolClient): { read: Reads; write: Writes } {
  const db = drizzle(handle, { schema });
  return sqlRepositories(db as unknown as PortableDb, schema as unknown as Tables);
}

/** Open the pool on `url`, apply the migrations and return the store. Throws a core error (UnavailableError when unreachable). */
export async function openPgStore(url: string, options: PgStoreOptions = {}): Promise<PgStore> {
  const pool = openPgPool(url, options.poolMax, (error) => options.onIdleError?.(error));
  try {
    await migratePostgres(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  const db: Reader = { read: repositories(pool).read };
  let closed = false;

  const once = async <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
    const client = await pgCall('connecting for a transaction', () => pool.connect());
    const { read, write } = repositories(client);
    const tx = new SqlTx<pg.PoolClient>(client, read, write);
    // A connection whose ROLLBACK failed is broken: the pool must drop it, not hand it out again.
    let broken = false;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      const result = await runInTransaction(tx, fn);
      await client.query('COMMIT');
      tx.committed();
      return result;
    } catch (error) {
      tx.open = false;
      await client.query('ROLLBACK').catch(() => void (broken = true));
      throw translatePgError(error, 'a transaction');
    } finally {
      tx.open = false;
      client.release(broken);
    }
  };

  const transaction = async <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
    refuseNestedTransaction();
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(fn);
      } catch (error) {
        if (!isPgRetryable(error) || attempt >= PG_TRANSACTION_ATTEMPTS) throw error;
        // A short, growing, jittered pause so the transactions that collided do not collide again.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
      }
    }
  };

  const queue = new PgStoreQueue(new PgJobQueue(pool, options.backoff ?? DEFAULT_BACKOFF, options.maxAttempts ?? 3), transaction);
  return {
    dialect: 'postgres',
    db,
    queue,
    pool,
    transaction,
    async ping() {
      await pgCall('checking the database', () => pool.query('SELECT 1'));
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
