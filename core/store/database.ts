/**
 * Opening the SQLite store: WAL, NORMAL sync (a process crash loses nothing), a busy timeout, and
 * the committed drizzle-kit migrations applied at open. Read-then-write transactions must use
 * `immediate` (see {@link Store.write}).
 */
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// eslint-disable-next-line no-restricted-imports -- the store owns its database file's directory
import { mkdirSync } from 'node:fs';
import * as schema from './schema.ts';

export type Db = BetterSQLite3Database<typeof schema>;

/**
 * The handle inside {@link Store.write}: the same connection, inside better-sqlite3's native
 * `BEGIN IMMEDIATE` transaction (cheaper per commit than drizzle's transaction wrapper).
 */
export type Tx = Db;

/** An open store. */
export interface Store {
  readonly db: Db;
  readonly sqlite: Database.Database;
  readonly path: string;
  /** Run `fn` in one `BEGIN IMMEDIATE` transaction (the write lock is taken up front). */
  write<T>(fn: (tx: Tx) => T): T;
  close(): void;
}

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface StoreOptions {
  readonly busyTimeoutMs?: number;
  /**
   * Checkpoint the WAL from a timer instead of inside whichever commit crosses SQLite's
   * 1,000-page threshold: the checkpoint's fsyncs then never land on an event's transaction
   * (its p99). 0 keeps SQLite's automatic checkpoints. Default 1000 ms.
   */
  readonly checkpointIntervalMs?: number;
}

/** Open (creating if needed) and migrate the database at `path` (`:memory:` allowed). */
export function openStore(path: string, options: StoreOptions = {}): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  sqlite.pragma('foreign_keys = ON');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  const checkpointMs = options.checkpointIntervalMs ?? 1000;
  let timer: NodeJS.Timeout | null = null;
  if (checkpointMs > 0 && path !== ':memory:') {
    sqlite.pragma('wal_autocheckpoint = 0');
    // After a checkpoint the WAL file is cut back to this size instead of staying at its peak.
    sqlite.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    timer = setInterval(() => {
      if (sqlite.open && !sqlite.inTransaction) sqlite.pragma('wal_checkpoint(PASSIVE)');
    }, checkpointMs);
    timer.unref();
  }
  return {
    db,
    sqlite,
    path,
    write: <T>(fn: (tx: Tx) => T): T => sqlite.transaction(() => fn(db)).immediate(),
    close: () => {
      if (timer) clearInterval(timer);
      if (sqlite.open) sqlite.pragma('wal_checkpoint(PASSIVE)');
      sqlite.close();
    },
  };
}
