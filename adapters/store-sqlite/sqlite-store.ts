/**
 * The SQLite store (ADR 0050, ADR 0053): WAL, NORMAL sync (a process crash loses nothing), a busy
 * timeout, and the committed drizzle-kit migrations applied at open. Writes go through the
 * asynchronous unit of work ({@link SqliteStore.transaction}); reads outside a transaction use a
 * second, read-only connection, so they never see a transaction that is still open on the write
 * connection. The repositories are the shared portable ones (adapters/store-sql).
 */
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import { DEFAULT_BACKOFF, type BackoffPolicy } from '../../core/queue/backoff.ts';
import type { Reader, Store, Tx } from '../../core/store/store.ts';
import type { PortableDb } from '../store-sql/portable-db.ts';
import { sqlReads, sqlRepositories } from '../store-sql/sql-repositories.ts';
import { refuseNestedTransaction, runInTransaction, SqlTx, sqlTxHandle } from '../store-sql/sql-tx.ts';
import * as schema from './schema.ts';
import { translateSqliteError } from './sqlite-errors.ts';
import { SqliteJobQueue } from './sqlite-job-queue.ts';

/** A drizzle handle on a SQLite connection (the SQLite adapter's surface). */
export type SqliteDb = PortableDb;

/** An open SQLite store: the port plus the adapter's own surface (the queue's statements, tests). */
export interface SqliteStore extends Store {
  readonly dialect: 'sqlite';
  readonly queue: SqliteJobQueue;
  /** The write connection. */
  readonly sqlite: Database.Database;
  /** The read-only connection behind `db` (for `:memory:`, the write connection itself). */
  readonly readSqlite: Database.Database;
  /** A drizzle handle on the read connection (committed data). */
  readonly readDb: SqliteDb;
  /** A drizzle handle on the write connection (inside a transaction: its own writes). */
  readonly writeDb: SqliteDb;
  readonly path: string;
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
  /** The queue's retry backoff (default {@link DEFAULT_BACKOFF}). */
  readonly backoff?: BackoffPolicy;
  /** Attempts of a job that does not say (default 3). */
  readonly defaultMaxAttempts?: number;
}

/** The drizzle handle inside a transaction of a SQLite store (adapters and tests). */
export function sqliteTxDb(tx: Tx): SqliteDb {
  return sqlTxHandle<SqliteDb>(tx);
}

/** Open (creating if needed) and migrate the database at `path` (`:memory:` allowed). */
export function openSqliteStore(path: string, options: StoreOptions = {}): SqliteStore {
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
  const readDb = memory ? writeDb : drizzle(readSqlite, { schema });
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
  const lock = lockFor(memory ? null : resolve(path));
  // One connection writes, so one set of repositories serves every transaction.
  const inTx = sqlRepositories(writeDb, schema);
  const db: Reader = { read: sqlReads(readDb, schema) };

  const transaction = async <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
    refuseNestedTransaction();
    await lock.acquire();
    const tx = new SqlTx<SqliteDb>(writeDb, inTx.read, inTx.write);
    try {
      try {
        begin.run();
      } catch (error) {
        throw translateSqliteError(error, 'beginning a transaction');
      }
      let result: T;
      try {
        result = await runInTransaction(tx, fn);
        commit.run();
      } catch (error) {
        if (sqlite.inTransaction) rollback.run();
        throw translateSqliteError(error, 'a transaction');
      }
      tx.committed();
      return result;
    } finally {
      tx.open = false;
      lock.release();
    }
  };

  const store: SqliteStore = {
    dialect: 'sqlite',
    db,
    get queue(): SqliteJobQueue {
      return queue;
    },
    sqlite,
    readSqlite,
    readDb,
    writeDb,
    path,
    transaction,
    close: () => {
      if (timer) clearInterval(timer);
      if (readSqlite !== sqlite && readSqlite.open) readSqlite.close();
      if (sqlite.open && !sqlite.inTransaction) sqlite.pragma('wal_checkpoint(PASSIVE)');
      sqlite.close();
    },
  };
  const queue = new SqliteJobQueue(store, options.backoff ?? DEFAULT_BACKOFF, options.defaultMaxAttempts ?? 3);
  return store;
}

/** Short name for {@link openSqliteStore} (tests, tools). */
export const openStore = openSqliteStore;

/** The read connection: refuses writes, sees only what the write connection committed (WAL). */
function openReader(path: string, busyTimeoutMs: number): Database.Database {
  const reader = new Database(path);
  reader.pragma(`busy_timeout = ${busyTimeoutMs}`);
  reader.pragma('query_only = ON');
  return reader;
}

/** A first-come, first-served lock held across awaits. */
interface FileLock {
  acquire(): Promise<void>;
  release(): void;
}

// One lock per database file in this process: SQLite has one writer per file, and a second
// connection of this process waiting in BEGIN IMMEDIATE would block the thread (its busy handler
// sleeps) while the transaction it waits for can only finish on that same thread.
const fileLocks = new Map<string, FileLock>();

/** The lock of `file` (the database's absolute path; null for `:memory:`, which nothing shares). */
function lockFor(file: string | null): FileLock {
  const existing = file === null ? undefined : fileLocks.get(file);
  if (existing) return existing;
  let locked = false;
  const waiters: (() => void)[] = [];
  const lock: FileLock = {
    acquire: async () => {
      if (locked) await new Promise<void>((resolve) => waiters.push(resolve));
      else locked = true;
    },
    release: () => {
      const next = waiters.shift();
      if (next) next();
      else locked = false;
    },
  };
  if (file !== null) fileLocks.set(file, lock);
  return lock;
}
