/**
 * The PostgreSQL schema (adapters/store-postgres/schema.ts) mirrors the SQLite one
 * (core/store/schema.ts): the same tables, columns, nullability, primary keys and indexes
 * (unique or not, same columns, one pinned exception). Types differ by design (ADR 0048) and are
 * not compared.
 */
import { is } from 'drizzle-orm';
import { getTableConfig as pgConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as pgSchema from '../../../adapters/store-postgres/schema.ts';
import * as sqliteSchema from '../../../adapters/store-sqlite/schema.ts';

/** A dialect-free description of one table. */
interface Shape {
  readonly columns: Record<string, { notNull: boolean; primary: boolean; hasDefault: boolean }>;
  readonly primaryKey: string[];
  readonly indexes: Record<string, { unique: boolean; columns: string[]; partial: boolean }>;
}

/**
 * Index columns that differ on purpose (ADR 0048): PostgreSQL's `jobs_due` is in claim order
 * (available_at, id); SQLite's (kind, available_at) already ends with the rowid (= id).
 */
const INDEX_DIFFERENCES: Record<string, { sqlite: string[]; postgres: string[] }> = {
  'jobs.jobs_due': { sqlite: ['kind', 'available_at'], postgres: ['available_at', 'id'] },
};

type Config = ReturnType<typeof pgConfig> | ReturnType<typeof sqliteConfig>;

function shapeOf(config: Config): Shape {
  const columns: Shape['columns'] = {};
  for (const c of config.columns) columns[c.name] = { notNull: c.notNull, primary: c.primary, hasDefault: c.hasDefault };
  const primaryKey = [
    ...config.columns.filter((c) => c.primary).map((c) => c.name),
    ...config.primaryKeys.flatMap((pk) => pk.columns.map((c) => c.name)),
  ].sort();
  const indexes: Shape['indexes'] = {};
  for (const index of config.indexes) {
    const cfg = index.config;
    indexes[cfg.name ?? '?'] = {
      unique: cfg.unique,
      columns: cfg.columns.map((c) => ('name' in c && typeof c.name === 'string' ? c.name : '?')),
      partial: cfg.where !== undefined,
    };
  }
  return { columns, primaryKey, indexes };
}

function shapes(schema: Record<string, unknown>): Record<string, Shape> {
  const out: Record<string, Shape> = {};
  for (const value of Object.values(schema)) {
    if (is(value, PgTable)) {
      const config = pgConfig(value);
      out[config.name] = shapeOf(config);
    } else if (is(value, SQLiteTable)) {
      const config = sqliteConfig(value);
      out[config.name] = shapeOf(config);
    }
  }
  return out;
}

describe('PostgreSQL and SQLite schemas', () => {
  const sqlite = shapes(sqliteSchema);
  const postgres = shapes(pgSchema);

  it('have the same tables', () => {
    expect(Object.keys(sqlite).length).toBeGreaterThanOrEqual(13);
    expect(Object.keys(postgres).sort()).toEqual(Object.keys(sqlite).sort());
  });

  it('have the same columns, nullability, defaults, primary keys and indexes in every table', () => {
    for (const table of Object.keys(sqlite)) {
      const pg = structuredClone(postgres[table]!);
      for (const [key, difference] of Object.entries(INDEX_DIFFERENCES)) {
        const [t, index] = key.split('.');
        if (t !== table) continue;
        // The one deliberate difference is pinned both ways: a change on either side fails.
        expect(sqlite[table]!.indexes[index!]!.columns).toEqual(difference.sqlite);
        expect(pg.indexes[index!]!.columns).toEqual(difference.postgres);
        pg.indexes[index!]!.columns = difference.sqlite;
      }
      expect({ table, ...pg }).toEqual({ table, ...sqlite[table] });
    }
  });

  it('tell a column added to one schema only', async () => {
    const { sqliteTable, text, integer } = await import('drizzle-orm/sqlite-core');
    const { pgTable, text: pgText, bigint } = await import('drizzle-orm/pg-core');
    const one = shapes({ t: sqliteTable('kv', { key: text('key').primaryKey(), at: integer('at').notNull() }) });
    const other = shapes({
      t: pgTable('kv', { key: pgText('key').primaryKey(), at: bigint('at', { mode: 'number' }).notNull(), extra: pgText('extra') }),
    });
    expect(other.kv).not.toEqual(one.kv);
    expect(Object.keys(other.kv!.columns)).toContain('extra');
  });
});
