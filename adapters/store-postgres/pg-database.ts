/**
 * Opening the PostgreSQL store: a `pg` Pool, the committed migrations applied under an advisory
 * lock (several processes may start at once; one migrates, the others wait and find nothing left),
 * and the unit of work {@link pgTransaction}.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { pgCall, translatePgError } from './pg-errors.ts';

/** The committed PostgreSQL migrations (drizzle-kit, drizzle.postgres.config.ts). */
export const PG_MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Any key: the lock only orders Conveyor's own migrators against each other. */
const MIGRATION_LOCK_KEY = 0x436f6e76; // "Conv"

/**
 * A pool on `url` (`postgres://…`); `max` connections (default 10). An error of an idle pooled
 * connection (the server restarted, the network dropped) goes to `onIdleError`; the pool drops
 * that connection and opens another when needed. Without `onIdleError` it is thrown, as `pg` does
 * for a pool nobody listens to. Once `end()` was called nothing is reported: `end()` resolves
 * before its sockets close, and a server stopping then sends FATAL 57P01 on connections the pool
 * already let go of.
 */
export function openPgPool(url: string, max = 10, onIdleError?: (error: Error) => void): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', (error) => {
    if (pool.ending) return;
    if (!onIdleError) throw error;
    onIdleError(error);
  });
  return pool;
}

/** Apply every committed migration not yet applied; idempotent, safe from several processes. */
export async function migratePostgres(pool: pg.Pool): Promise<void> {
  const client = await pgCall('connecting to migrate', () => pool.connect());
  try {
    await pgCall('taking the migration lock', () => client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]));
    await pgCall('applying migrations', () => migrate(drizzle(client), { migrationsFolder: PG_MIGRATIONS_DIR }));
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}

/**
 * Run `fn` in one READ COMMITTED transaction on one pooled connection: committed when it
 * resolves, rolled back when it throws. Driver errors become core errors (pg-errors.ts).
 */
export async function pgTransaction<T>(pool: pg.Pool, doing: string, fn: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pgCall(`connecting for ${doing}`, () => pool.connect());
  // A connection whose ROLLBACK failed is broken: the pool must drop it, not hand it out again.
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => void (broken = true));
    throw translatePgError(error, doing);
  } finally {
    client.release(broken);
  }
}
