/** The store contract on SQLite `:memory:` (tests only: one connection, nothing shared). */
import { openSqliteStore } from '../../adapters/store-sqlite/sqlite-store.ts';
import { describeStoreContract } from './store.contract.ts';

describeStoreContract('SQLite :memory:', async () => {
  const store = openSqliteStore(':memory:');
  return {
    store,
    cleanup: async () => store.close(),
  };
});
