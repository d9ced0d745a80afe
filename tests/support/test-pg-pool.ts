/**
 * A `pg` Pool for tests and benchmarks that may stop their private cluster right after `end()`.
 * `pool.end()` resolves before its connections have closed. A fast shutdown that reaches a backend
 * before that backend has read the pool's Terminate message makes the server send FATAL 57P01 on a
 * connection the pool already let go of; a pool with no 'error' listener throws that as an
 * uncaught exception, failing a run whose tests all passed. Errors on an ending pool are dropped
 * here; any other still throws, as it would with no listener.
 */
import type pg from 'pg';
import { openPgPool } from '../../adapters/store-postgres/pg-database.ts';

export function openTestPool(url: string, max?: number): pg.Pool {
  const pool = openPgPool(url, max);
  pool.on('error', (error) => {
    if (!pool.ending) throw error;
  });
  return pool;
}
