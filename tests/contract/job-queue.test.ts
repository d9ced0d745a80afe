/**
 * The job queue contract against the SQLite `JobQueue` on a real temp file (two connections for
 * the concurrency case) and the PostgreSQL `PgJobQueue` on a private cluster (two pools).
 */
import type pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { migratePostgres, openPgPool, pgTransaction } from '../../adapters/store-postgres/pg-database.ts';
import { PgJobQueue } from '../../adapters/store-postgres/pg-job-queue.ts';
import { SqliteJobQueue as JobQueue } from '../../adapters/store-sqlite/sqlite-job-queue.ts';
import type { SqliteStore as Store } from '../../adapters/store-sqlite/sqlite-store.ts';
import type { Tx } from '../../core/store/store.ts';
import { describePostgres } from '../support/describe-postgres.ts';
import { startPgCluster, type PgCluster } from '../support/pg-cluster.ts';
import { createTempStore } from '../support/temp-store.ts';
import { CONTRACT_MAX_ATTEMPTS, CONTRACT_POLICY, describeJobQueueContract, type QueueSide } from './job-queue.contract.ts';

/** SQLite's unit of work for the contract: the store's own `transaction` (ADR 0050). */
function sqliteSide(store: Store): QueueSide<Tx> {
  return {
    queue: new JobQueue(store, CONTRACT_POLICY, CONTRACT_MAX_ATTEMPTS),
    write: (fn) => store.transaction(async (tx) => fn(tx)),
  };
}

describeJobQueueContract<Tx>('SQLite JobQueue (file)', async () => {
  const temp = createTempStore('conveyor-queue-contract-');
  return {
    ...sqliteSide(temp.store),
    connect: async () => sqliteSide(temp.connect()),
    cleanup: async () => temp.cleanup(),
  };
});

describePostgres('PostgreSQL PgJobQueue', (binDir) => {
  let cluster: PgCluster;
  let url: string;
  const pools: pg.Pool[] = [];
  const side = (pool: pg.Pool): QueueSide<pg.PoolClient> => ({
    queue: new PgJobQueue(pool, CONTRACT_POLICY, CONTRACT_MAX_ATTEMPTS),
    write: (fn) => pgTransaction(pool, 'a contract test', async (tx) => fn(tx)),
  });
  beforeAll(async () => {
    cluster = await startPgCluster(binDir, { fast: true });
    url = await cluster.createDatabase('queue_contract');
    const pool = openPgPool(url);
    await migratePostgres(pool);
    await pool.end();
  });
  afterAll(() => cluster?.stop());

  describeJobQueueContract<pg.PoolClient>('PostgreSQL PgJobQueue', async () => {
    const pool = openPgPool(url);
    pools.push(pool);
    await pool.query('TRUNCATE jobs RESTART IDENTITY');
    return {
      ...side(pool),
      connect: async () => {
        const other = openPgPool(url);
        pools.push(other);
        return side(other);
      },
      cleanup: async () => {
        await Promise.all(pools.splice(0).map((p) => p.end()));
      },
    };
  });
});
