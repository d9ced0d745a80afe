/**
 * Opening the configured store (ADR 0054): PostgreSQL when ORCH_DATABASE_URL is set, else the
 * SQLite file ORCH_DB_PATH. `start`, `migrate`, `doctor` and the demo/test harnesses that take a
 * Config all open it here, so the choice is made once. A database that cannot be opened or
 * reached is a {@link StartupFailure} (exit 74) naming the variable; the URL only ever appears
 * redacted.
 */
import { openPgStore, type PgStore } from '../adapters/store-postgres/pg-store.ts';
import { PgLeaderLease } from '../adapters/store-postgres/pg-leader-lease.ts';
import { forgetLeader, SqliteLeaderLease } from '../adapters/store-sqlite/sqlite-leader-lease.ts';
import { openSqliteStore, type SqliteStore } from '../adapters/store-sqlite/sqlite-store.ts';
import type { Config } from '../core/config/config.ts';
import { databaseUrlPassword, redactDatabaseUrl } from '../core/config/database-url.ts';
import { describeError } from '../core/errors.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { LeaderLease } from '../core/ports/leader-lease.ts';
import type { Logger } from '../core/ports/logger.ts';
import type { Store } from '../core/store/store.ts';
import { databaseFailure, EXIT_DATABASE_UNAVAILABLE, StartupFailure } from './startup-failure.ts';

/** An open store of either dialect (what createApp holds). */
export type AppStore = SqliteStore | PgStore;

/**
 * `store` as the SQLite store, for what only runs on SQLite (the offline demo, tests that read
 * the file); throws on PostgreSQL.
 */
export function sqliteOnly(store: AppStore): SqliteStore {
  if (store.dialect !== 'sqlite') throw new Error('this needs the SQLite store (ORCH_DB_PATH), not PostgreSQL');
  return store;
}

/** The open store and what differs between the dialects for the composition root. */
export type OpenedStore =
  | { readonly dialect: 'sqlite'; readonly store: SqliteStore; readonly where: string }
  | { readonly dialect: 'postgres'; readonly store: PgStore; readonly where: string };

/** Where the configured database is, fit for a message: the SQLite path, or the URL without its password. */
export function databaseWhere(config: Config): string {
  return config.databaseUrl === null ? config.dbPath : redactDatabaseUrl(config.databaseUrl);
}

/** Open (and migrate) the configured database. Throws StartupFailure (74) when it cannot. */
export async function openConfiguredStore(config: Config, logger?: Logger): Promise<OpenedStore> {
  const url = config.databaseUrl;
  if (url === null) {
    try {
      return { dialect: 'sqlite', store: openSqliteStore(config.dbPath), where: config.dbPath };
    } catch (error) {
      throw databaseFailure(config.dbPath, error) ?? error;
    }
  }
  const where = redactDatabaseUrl(url);
  try {
    const store = await openPgStore(url, {
      onIdleError: (error) => logger?.warn({ error: redact(describeError(error), url) }, `a pooled connection to ${where} failed; the pool opens another`),
    });
    return { dialect: 'postgres', store, where };
  } catch (error) {
    throw new StartupFailure(EXIT_DATABASE_UNAVAILABLE, `ORCH_DATABASE_URL: cannot reach the database ${where} (${redact(firstLine(error), url)})`);
  }
}

/** The leader lease on the opened store: the database's clock on PostgreSQL, this process's on SQLite (ADR 0052). */
export function leaderLeaseOf(opened: OpenedStore, clock: Clock): LeaderLease {
  return opened.dialect === 'postgres' ? new PgLeaderLease(opened.store.pool) : new SqliteLeaderLease(opened.store, clock);
}

/**
 * On SQLite, drop a leader row left by a killed `start`: the instance lock (taken just before)
 * proves no other `start` lives on the file. On PostgreSQL several `start`s share the database and
 * the row may be a live leader's: it is left alone.
 */
export async function forgetStaleLeader(opened: OpenedStore): Promise<void> {
  if (opened.dialect === 'sqlite') await forgetLeader(opened.store);
}

/** Close the store (product code awaits it: PostgreSQL's pool ends asynchronously). */
export async function closeStore(store: Store): Promise<void> {
  await store.close();
}

function firstLine(error: unknown): string {
  return (describeError(error).split('\n')[0] ?? '').slice(0, 300);
}

/** `text` without the URL or its password, should a driver ever echo them. */
function redact(text: string, url: string): string {
  const password = databaseUrlPassword(url);
  let out = text.split(url).join(redactDatabaseUrl(url));
  if (password !== null) out = out.split(password).join('***');
  return out;
}
