/**
 * `describeEachDatabase(name, fn)`: one suite run on each database the product supports (issue 12):
 * SQLite (a file under the test's folder, `ORCH_DB_PATH`) and PostgreSQL (a private cluster per
 * file, `ORCH_DATABASE_URL`; skipped like describePostgres when the server binaries are missing).
 * `fn` receives the database: `fresh()` gives each test its own empty one, `open` reads what a run
 * left behind through the store port.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { openConfiguredStore, type OpenedStore } from '../../app/open-store.ts';
import { loadConfig } from '../../core/config/config.ts';
import { describePostgres } from './describe-postgres.ts';
import { startPgCluster, type PgCluster } from './pg-cluster.ts';

export interface TestDatabase {
  readonly label: 'SQLite' | 'PostgreSQL';
  /** A new empty database: its `ORCH_DATABASE_URL`, or undefined on SQLite (the run's ORCH_DB_PATH is used). */
  fresh(): Promise<string | undefined>;
  /** The configured store over `dbPath` (SQLite) or `url` (PostgreSQL); close it after use. */
  open(dbPath: string, url: string | undefined): Promise<OpenedStore['store']>;
}

async function openStore(dbPath: string, url: string | undefined): Promise<OpenedStore['store']> {
  return (await openConfiguredStore(loadConfig({ ORCH_DB_PATH: dbPath, ...(url ? { ORCH_DATABASE_URL: url } : {}) }))).store;
}

export function describeEachDatabase(name: string, fn: (db: TestDatabase) => void): void {
  describe(`${name} on SQLite`, () => fn({ label: 'SQLite', fresh: async () => undefined, open: openStore }));
  describePostgres(`${name} on PostgreSQL`, (binDir) => {
    let cluster: PgCluster | null = null;
    let made = 0;
    beforeAll(async () => {
      cluster = await startPgCluster(binDir, { fast: true });
    });
    afterAll(() => cluster?.stop());
    fn({
      label: 'PostgreSQL',
      fresh: async () => {
        if (!cluster) throw new Error('the PostgreSQL cluster did not start');
        made += 1;
        return await cluster.createDatabase(`conveyor_${made}`);
      },
      open: openStore,
    });
  });
}
