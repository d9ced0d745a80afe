/**
 * The one drizzle surface both SQL stores share (ADR 0053). The repositories are typed against
 * SQLite's drizzle handle and schema, and use only what PostgreSQL's drizzle accepts the same
 * way: `await` on query builders (never `.get()`, `.all()`, `.run()`, `.prepare()`, `.changes`,
 * enforced by eslint here), affected rows via `.returning(...)`, counts via `count()`,
 * `onConflictDoNothing` / `onConflictDoUpdate`, and `sql` fragments valid in both dialects.
 * adapters/store-postgres passes its pg-core handle and tables through one documented cast.
 */
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type * as schema from '../store-sqlite/schema.ts';

/** The tables (SQLite's schema module; PostgreSQL's has the same names and columns). */
export type Tables = typeof schema;

/** A drizzle handle on one connection (or one open transaction's connection). */
export type PortableDb = BetterSQLite3Database<Tables>;

/** The first row of a result, or null. */
export function first<T>(rows: readonly T[]): T | null {
  return rows[0] ?? null;
}
