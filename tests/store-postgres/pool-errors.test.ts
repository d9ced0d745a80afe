/**
 * Errors of pooled connections nobody is using (openPgPool): an idle connection the server ends
 * while the store is open is reported (and the store goes on); one that was closing after
 * `close()` or `end()` when the server stopped is not, and neither ends the process. The closing
 * cases are made deterministic by freezing the backend (SIGSTOP) so it reads the pool's Terminate
 * only after a fast shutdown's SIGTERM: the server then sends FATAL 57P01 on a connection the pool
 * already dropped.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { openPgPool } from '../../adapters/store-postgres/pg-database.ts';
import { openPgStore } from '../../adapters/store-postgres/pg-store.ts';
import { describePostgres } from '../support/describe-postgres.ts';
import { startPgCluster, type PgCluster } from '../support/pg-cluster.ts';

describePostgres('PostgreSQL pooled connection errors', (binDir) => {
  let cluster: PgCluster;
  let url: string;
  const uncaught: unknown[] = [];
  const record = (error: unknown): void => void uncaught.push(error);
  beforeAll(async () => {
    cluster = await startPgCluster(binDir, { fast: true });
    url = await cluster.createDatabase('pool_errors');
    process.on('uncaughtException', record);
  });
  afterEach(() => void (uncaught.length = 0));
  afterAll(() => {
    process.off('uncaughtException', record);
    cluster?.stop();
  });

  /** Freeze the backend, let `close` end the pool, then deliver a fast shutdown's SIGTERM before it reads Terminate. */
  async function terminateAfterClose(backendPid: number, close: () => Promise<void>): Promise<void> {
    process.kill(backendPid, 'SIGSTOP');
    try {
      await close();
      process.kill(backendPid, 'SIGTERM');
    } finally {
      process.kill(backendPid, 'SIGCONT');
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }

  it('an idle connection the server ends is reported once, and the store goes on', async () => {
    const reported: Error[] = [];
    const store = await openPgStore(url, { onIdleError: (error) => reported.push(error) });
    try {
      const pid = (await store.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const killer = openPgPool(url, 1);
      await killer.query('SELECT pg_terminate_backend($1)', [pid]);
      await killer.end();
      await expect.poll(() => reported.length).toBe(1);
      expect(reported[0]!.message).toContain('terminating connection');
      await expect(store.ping()).resolves.toBeUndefined();
    } finally {
      await store.close();
    }
    expect(uncaught).toEqual([]);
  });

  it('a connection still closing after close() when the server stops reports nothing and throws nothing', async () => {
    const reported: Error[] = [];
    const store = await openPgStore(url, { onIdleError: (error) => reported.push(error) });
    const pid = (await store.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await terminateAfterClose(pid, () => store.close());
    expect(reported).toEqual([]);
    expect(uncaught).toEqual([]);
  });

  it('a pool without onIdleError (tests, benchmarks) ended just before a fast shutdown throws nothing', async () => {
    const pool = openPgPool(url);
    const pid = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await terminateAfterClose(pid, () => pool.end());
    expect(uncaught).toEqual([]);
  });
});
