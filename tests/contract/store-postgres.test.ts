/**
 * The store contract on a real PostgreSQL (a private cluster, tests/support/pg-cluster.ts): the
 * store opened as `conveyor start` opens it (openPgStore: pool, migrations, the shared
 * repositories, PgJobQueue), a second store with its own pool standing in for another process.
 * One database, migrated once; every test starts from empty tables.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPgStore, type PgStore } from '../../adapters/store-postgres/pg-store.ts';
import { RetryableError, UnavailableError } from '../../core/errors.ts';
import { kvGet, kvPut } from '../../core/store/kv-repo.ts';
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

  it('runs the unit of work again on a fresh snapshot when core finds a fact changed meanwhile, and commits once', async () => {
    const store = await openPgStore(url);
    try {
      let runs = 0;
      let committed = 0;
      const result = await store.transaction(async (tx) => {
        runs += 1;
        await kvPut(tx, 'retry-probe', String(runs), runs);
        tx.afterCommit(() => (committed += 1));
        if (runs === 1) throw new RetryableError('task changed while deciding');
        return runs;
      });
      expect(result).toBe(2);
      expect(committed).toBe(1);
      expect(await kvGet(store.db, 'retry-probe')).toBe('2');
      // An unreachable server is the caller's to back off from: thrown at once, not run again.
      let tries = 0;
      await expect(
        store.transaction(async () => {
          tries += 1;
          throw new UnavailableError('down');
        }),
      ).rejects.toBeInstanceOf(UnavailableError);
      expect(tries).toBe(1);
    } finally {
      await store.close();
    }
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
