/**
 * The store contract on a real PostgreSQL (a private cluster, tests/support/pg-cluster.ts): the
 * store opened as `conveyor start` opens it (openPgStore: pool, migrations, the shared
 * repositories, PgJobQueue), a second store with its own pool standing in for another process.
 * One database, migrated once; every test starts from empty tables.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPgStore, type PgStore } from '../../adapters/store-postgres/pg-store.ts';
import { describePostgres } from '../support/describe-postgres.ts';
import { startPgCluster, type PgCluster } from '../support/pg-cluster.ts';
import { describeStoreContract } from './store.contract.ts';

describePostgres('PostgreSQL store', (binDir) => {
  let cluster: PgCluster;
  let url: string;
  beforeAll(async () => {
    cluster = await startPgCluster(binDir, { fast: true });
    url = await cluster.createDatabase('store_contract');
    await (await openPgStore(url)).close();
  });
  afterAll(() => cluster?.stop());

  it('answers a ping (the /healthz database check) while open, and refuses one once closed', async () => {
    const store = await openPgStore(url);
    await store.ping();
    await store.close();
    await expect(store.ping()).rejects.toThrow();
  });

  describeStoreContract('PostgreSQL', async () => {
    const opened: PgStore[] = [];
    const open = async () => {
      const store = await openPgStore(url);
      opened.push(store);
      return store;
    };
    const store = await open();
    const { rows } = await store.pool.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`,
    );
    await store.pool.query(`TRUNCATE ${rows.map((r) => `"${r.name}"`).join(', ')} RESTART IDENTITY`);
    return {
      store,
      connect: open,
      cleanup: async () => {
        await Promise.all(opened.splice(0).map(async (s) => await s.close()));
      },
    };
  });
});
