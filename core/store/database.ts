/**
 * Opening the SQLite store: WAL, NORMAL sync (a process crash loses nothing), a busy timeout, and
 * the committed drizzle-kit migrations applied at open. Writes go through the asynchronous unit of
 * work ({@link Store.transaction}, ADR 0050); reads outside a transaction use a second, read-only
 * connection, so they never see a transaction that is still open on the write connection.
 */
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// eslint-disable-next-line no-restricted-imports -- the store owns its database file's directory
import { mkdirSync } from 'node:fs';
import * as schema from './schema.ts';
import { sqliteUnitOfWork, type Db, type Tx } from './unit-of-work.ts';

export type { Db, Reader, Tx } from './unit-of-work.ts';
export { NestedTransactionError, readerDb } from './unit-of-work.ts';

/** An open store. */
export interface Store {
  /**
   * The read handle: committed data only (a read-only WAL connection; for `:memory:`, which has
   * no second connection, the write connection itself).
   */
  readonly db: Db;
  /** The write connection (the SQLite adapter's surface: the queue's statements, tests). */
  readonly sqlite: Database.Database;
  /** The connection behind {@link Store.db}. */
  readonly readSqlite: Database.Database;
  readonly path: string;
  /**
   * Run `fn` in one transaction (`BEGIN IMMEDIATE`: the write lock is taken up front) and commit
   * when its promise resolves, roll back when it rejects. Transactions of one store run one at a
   * time; calling this from inside `fn` throws {@link NestedTransactionError}. `fn` does no I/O
   * other than the store's.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
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
  const memory = path === ':memory:';
  if (!memory) mkdirSync(dirname(path), { recursive: true });
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
  sqlite.pragma('foreign_keys = ON');
  const writeDb = drizzle(sqlite, { schema });
  migrate(writeDb, { migrationsFolder: MIGRATIONS_DIR });
  const readSqlite = memory ? sqlite : openReader(path, busyTimeoutMs);
  const db = memory ? writeDb : drizzle(readSqlite, { schema });
  const checkpointMs = options.checkpointIntervalMs ?? 1000;
  let timer: NodeJS.Timeout | null = null;
  if (checkpointMs > 0 && !memory) {
    sqlite.pragma('wal_autocheckpoint = 0');
    // After a checkpoint the WAL file is cut back to this size instead of staying at its peak.
    sqlite.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    timer = setInterval(() => {
      if (sqlite.open && !sqlite.inTransaction) sqlite.pragma('wal_checkpoint(PASSIVE)');
    }, checkpointMs);
    timer.unref();
  }
  const begin = sqlite.prepare('BEGIN IMMEDIATE');
  const commit = sqlite.prepare('COMMIT');
  const rollback = sqlite.prepare('ROLLBACK');
  const unit = sqliteUnitOfWork(writeDb, memory ? null : resolve(path), {
    begin: () => begin.run(),
    commit: () => commit.run(),
    rollback: () => rollback.run(),
    inTransaction: () => sqlite.inTransaction,
  });
  return {
    db,
    sqlite,
    readSqlite,
    path,
    transaction: (fn) => unit.transaction(fn),
    close: () => {
      if (timer) clearInterval(timer);
      if (readSqlite !== sqlite && readSqlite.open) readSqlite.close();
      if (sqlite.open && !sqlite.inTransaction) sqlite.pragma('wal_checkpoint(PASSIVE)');
      sqlite.close();
    },
  };
}

/** The read connection: refuses writes, sees only what the write connection committed (WAL). */
function openReader(path: string, busyTimeoutMs: number): Database.Database {
  const reader = new Database(path);
  reader.pragma(`busy_timeout = ${busyTimeoutMs}`);
  reader.pragma('query_only = ON');
  return reader;
}
