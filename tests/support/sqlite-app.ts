/**
 * The app of a test that runs on SQLite (every test but the PostgreSQL suites): its store typed
 * as the SQLite store, so the test may read the file directly. Throws if it is not SQLite.
 */
import type { SqliteStore } from '../../adapters/store-sqlite/sqlite-store.ts';
import type { App } from '../../app/compose.ts';
import { sqliteOnly } from '../../app/open-store.ts';

/** An app whose store is SQLite. */
export type SqliteApp = App & { readonly store: SqliteStore };

export function sqliteApp(app: App): SqliteApp {
  sqliteOnly(app.store);
  return app as SqliteApp;
}
