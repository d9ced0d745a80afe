/**
 * A store on a real SQLite file in a fresh temp directory, as production opens it (WAL, NORMAL
 * sync, busy timeout, migrations). Extra connections to the same file stand in for other
 * processes; `cleanup` closes every connection it opened and removes the directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type SqliteStore as Store } from '../../adapters/store-sqlite/sqlite-store.ts';

/** A temp database file and the connections opened on it. */
export interface TempStore {
  /** The current main connection (replaced by {@link TempStore.reopen}). */
  readonly store: Store;
  /** Directory holding the database file (and anything else a test wants to put there). */
  readonly dir: string;
  /** Absolute path of the database file. */
  readonly path: string;
  /** Close the main connection and open the file again (a process restart). */
  reopen(): Store;
  /** Open another connection to the same file (another process would do the same). */
  connect(): Store;
  /** Close every open connection and delete the directory. Safe to call twice. */
  cleanup(): void;
}

/** Create a store on `<tmp>/conveyor-store-*\/conveyor.db`. */
export function createTempStore(prefix = 'conveyor-store-'): TempStore {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = join(dir, 'conveyor.db');
  const open = new Set<Store>();
  const track = (store: Store): Store => {
    open.add(store);
    return store;
  };
  let main = track(openStore(path));
  return {
    get store() {
      return main;
    },
    dir,
    path,
    reopen() {
      closeQuietly(main);
      open.delete(main);
      main = track(openStore(path));
      return main;
    },
    connect: () => track(openStore(path)),
    cleanup() {
      for (const store of open) closeQuietly(store);
      open.clear();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function closeQuietly(store: Store): void {
  // A test may already have closed it; closing twice is harmless but better-sqlite3 may throw.
  if (store.sqlite.open) store.close();
}
