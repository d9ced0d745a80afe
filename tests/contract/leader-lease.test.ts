/**
 * The leader lease contract on a real SQLite file (two connections, a fake clock) and on a real
 * PostgreSQL private cluster (two pools, the database's clock).
 */
import type pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { migratePostgres, openPgPool } from '../../adapters/store-postgres/pg-database.ts';
import { PgLeaderLease } from '../../adapters/store-postgres/pg-leader-lease.ts';
import { SqliteLeaderLease } from '../../adapters/store-sqlite/sqlite-leader-lease.ts';
import { describePostgres } from '../support/describe-postgres.ts';
import { startPgCluster, type PgCluster } from '../support/pg-cluster.ts';
import { createTempStore } from '../support/temp-store.ts';
import { describeLeaderLeaseContract } from './leader-lease.contract.ts';

describeLeaderLeaseContract('SQLite (file, two connections)', async () => {
  const temp = createTempStore('conveyor-leader-contract-');
  let now = 1_000_000;
  const clock = { now: () => now };
  return {
    a: new SqliteLeaderLease(temp.store, clock),
    b: new SqliteLeaderLease(temp.connect(), clock),
    ttlMs: 15_000,
    pass: async (ms) => void (now += ms),
    cleanup: async () => temp.cleanup(),
  };
});

describePostgres('PostgreSQL PgLeaderLease', (binDir) => {
  let cluster: PgCluster;
  let url: string;
  beforeAll(async () => {
    cluster = await startPgCluster(binDir, { fast: true });
    url = await cluster.createDatabase('leader_contract');
    const pool = openPgPool(url);
    await migratePostgres(pool);
    await pool.end();
  });
  afterAll(() => cluster?.stop());

  describeLeaderLeaseContract('PostgreSQL (two pools, the database clock)', async () => {
    const pools: pg.Pool[] = [openPgPool(url), openPgPool(url)];
    await pools[0]!.query('TRUNCATE leases');
    return {
      a: new PgLeaderLease(pools[0]!),
      b: new PgLeaderLease(pools[1]!),
      // Real time: the renewal case checks 0.3 × TTL before the renewed expiry (900 ms of margin for
      // a loaded machine's query and timer delays).
      ttlMs: 3000,
      pass: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      cleanup: async () => void (await Promise.all(pools.map((p) => p.end()))),
    };
  });
});
