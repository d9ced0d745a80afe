/**
 * A read-only look at a PostgreSQL database for `conveyor doctor`: can it be reached with the
 * URL's credentials, which server answers, and how many of the committed migrations are applied.
 * Nothing is created or migrated; one short-lived connection is opened and closed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { PG_MIGRATIONS_DIR } from './pg-database.ts';
import { translatePgError } from './pg-errors.ts';

/** What the probe found. */
export type PgProbe =
  | { readonly type: 'reachable'; readonly server: string; readonly applied: number; readonly committed: number }
  | { readonly type: 'unreachable'; readonly reason: string };

/** The number of migrations committed in adapters/store-postgres/migrations. */
export function committedPgMigrations(): number {
  const journal = JSON.parse(readFileSync(join(PG_MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}

/** Connect to `url` (giving up after `timeoutMs`), read the server version and the applied migrations. */
export async function probePostgres(url: string, timeoutMs = 5_000): Promise<PgProbe> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  // An error after connecting (the server went away) must not end the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const version = await client.query<{ server: string }>(`SELECT current_setting('server_version') AS server`);
    const table = await client.query<{ present: boolean }>(`SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS present`);
    const applied = table.rows[0]?.present
      ? Number((await client.query<{ n: string }>('SELECT COUNT(*) AS n FROM drizzle.__drizzle_migrations')).rows[0]?.n ?? 0)
      : 0;
    return { type: 'reachable', server: version.rows[0]?.server ?? '?', applied, committed: committedPgMigrations() };
  } catch (error) {
    return { type: 'unreachable', reason: translatePgError(error, 'checking the database').message };
  } finally {
    await client.end().catch(() => undefined);
  }
}
