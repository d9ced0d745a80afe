/**
 * The committed PostgreSQL migrations on a fresh real cluster: they create every table of the
 * schema with its columns and indexes, applying them again changes nothing, and two processes
 * migrating at once (two pools) do not trip over each other.
 */
import { readdirSync } from 'node:fs';
import { is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migratePostgres, openPgPool, PG_MIGRATIONS_DIR } from '../../adapters/store-postgres/pg-database.ts';
import * as schema from '../../adapters/store-postgres/schema.ts';
import { describePostgres } from '../support/describe-postgres.ts';
import { startPgCluster, type PgCluster } from '../support/pg-cluster.ts';

const tables = Object.values(schema).filter((v) => is(v, PgTable)).map((t) => getTableConfig(t));

describePostgres('PostgreSQL migrations', (binDir) => {
  let cluster: PgCluster;
  const pools: pg.Pool[] = [];
  const pool = async (database: string) => {
    const p = openPgPool(await cluster.createDatabase(database).catch(() => cluster.url(database)));
    pools.push(p);
    return p;
  };

  beforeAll(async () => {
    cluster = await startPgCluster(binDir, { fast: true });
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    cluster?.stop();
  });

  it('create every table, column and index of the schema on a fresh database', async () => {
    const db = await pool('fresh');
    await migratePostgres(db);
    const columns = await db.query<{ table_name: string; column_name: string; is_nullable: string }>(
      `SELECT table_name, column_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const indexes = await db.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = 'public'`);
    const indexNames = indexes.rows.map((r) => r.indexname);
    for (const table of tables) {
      const actual = columns.rows.filter((r) => r.table_name === table.name).map((r) => `${r.column_name}:${r.is_nullable}`).sort();
      const expected = table.columns.map((c) => `${c.name}:${c.notNull ? 'NO' : 'YES'}`).sort();
      expect({ table: table.name, columns: actual }).toEqual({ table: table.name, columns: expected });
      for (const index of table.indexes) expect(indexNames).toContain(index.config.name);
    }
    expect(new Set(columns.rows.map((r) => r.table_name)).size).toBe(tables.length);
  });

  it('apply once: a second run changes nothing', async () => {
    const db = await pool('twice');
    await migratePostgres(db);
    const applied = async () => (await db.query<{ n: string }>('SELECT COUNT(*) AS n FROM drizzle.__drizzle_migrations')).rows[0]!.n;
    const files = readdirSync(PG_MIGRATIONS_DIR).filter((f) => f.endsWith('.sql'));
    expect(Number(await applied())).toBe(files.length);
    await db.query(`INSERT INTO kv (key, value, updated_at) VALUES ('kept', 'yes', 1)`);
    await migratePostgres(db);
    expect(Number(await applied())).toBe(files.length);
    expect((await db.query('SELECT value FROM kv WHERE key = $1', ['kept'])).rows).toEqual([{ value: 'yes' }]);
  });

  it('two processes migrating the same database at once both succeed, and apply each migration once', async () => {
    const one = await pool('racing');
    const two = openPgPool(cluster.url('racing'));
    pools.push(two);
    await Promise.all([migratePostgres(one), migratePostgres(two)]);
    const files = readdirSync(PG_MIGRATIONS_DIR).filter((f) => f.endsWith('.sql'));
    const { rows } = await one.query<{ n: string }>('SELECT COUNT(*) AS n FROM drizzle.__drizzle_migrations');
    expect(Number(rows[0]!.n)).toBe(files.length);
  });
});
