/**
 * Driver errors from a real PostgreSQL become core's typed errors at the adapter: a unique
 * violation → ConflictError naming the constraint, a deadlock and a serialization failure →
 * RetryableError, a refused connection → UnavailableError; core errors thrown inside a unit of
 * work pass through unchanged and roll it back.
 */
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migratePostgres, openPgPool, pgTransaction } from '../../adapters/store-postgres/pg-database.ts';
import { pgCall } from '../../adapters/store-postgres/pg-errors.ts';
import { kv } from '../../adapters/store-postgres/schema.ts';
import { ConflictError, PermanentError, RetryableError, UnavailableError } from '../../core/errors.ts';
import { describePostgres } from '../support/describe-postgres.ts';
import { freePort, startPgCluster, type PgCluster } from '../support/pg-cluster.ts';

describePostgres('PostgreSQL driver errors', (binDir) => {
  let cluster: PgCluster;
  let pool: pg.Pool;
  beforeAll(async () => {
    cluster = await startPgCluster(binDir, { fast: true });
    pool = openPgPool(await cluster.createDatabase('errors'));
    await migratePostgres(pool);
    await pool.query(`INSERT INTO kv (key, value, updated_at) VALUES ('a', '0', 0), ('b', '0', 0)`);
  });
  afterAll(async () => {
    await pool?.end();
    cluster?.stop();
  });

  const insertJob = (tx: pg.PoolClient, key: string) =>
    tx.query(`INSERT INTO jobs (kind, payload, state, max_attempts, available_at, idempotency_key, created_at, updated_at)
      VALUES ('ci', '{}', 'queued', 3, 0, $1, 0, 0)`, [key]);

  it('a unique violation is a ConflictError naming the constraint, and the unit of work is rolled back', async () => {
    await pgTransaction(pool, 'enqueueing', (tx) => insertJob(tx, 'dup'));
    const error: unknown = await pgTransaction(pool, 'enqueueing twice', async (tx) => {
      await insertJob(tx, 'other');
      await insertJob(tx, 'dup');
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ constraint: 'jobs_idempotency', message: expect.stringContaining('while enqueueing twice') });
    expect((await pool.query(`SELECT idempotency_key FROM jobs ORDER BY id`)).rows).toEqual([{ idempotency_key: 'dup' }]);
  });

  it('a deadlock is a RetryableError', async () => {
    let step!: () => void;
    const bothLocked = new Promise<void>((resolve) => {
      let n = 0;
      step = () => void (++n === 2 && resolve());
    });
    const crossing = (first: string, second: string) =>
      pgTransaction(pool, `updating ${first} then ${second}`, async (tx) => {
        await tx.query(`UPDATE kv SET value = 'x' WHERE key = $1`, [first]);
        step();
        await bothLocked;
        await tx.query(`UPDATE kv SET value = 'y' WHERE key = $1`, [second]);
      });
    const outcomes = await Promise.allSettled([crossing('a', 'b'), crossing('b', 'a')]);
    const rejected = outcomes.filter((o) => o.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(RetryableError);
    expect(String(rejected[0]!.reason)).toContain('deadlock');
  });

  it('a serialization failure is a RetryableError', async () => {
    const serializable = (value: string, gate: Promise<void>, arrived: () => void) =>
      pgTransaction(pool, `writing ${value}`, async (tx) => {
        await tx.query('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE');
        await tx.query(`SELECT value FROM kv WHERE key = 'a'`);
        arrived();
        await gate;
        await tx.query(`UPDATE kv SET value = $1 WHERE key = 'a'`, [value]);
      });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let arrivals = 0;
    const arrived = () => void (++arrivals === 2 && release());
    const outcomes = await Promise.allSettled([serializable('one', gate, arrived), serializable('two', gate, arrived)]);
    const rejected = outcomes.filter((o) => o.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(RetryableError);
    expect(String(rejected[0]!.reason)).toContain('serialization failure');
  });

  it('a driver error wrapped by drizzle (DrizzleQueryError, the parameters in its message) is translated from its cause', async () => {
    const db = drizzle(pool);
    const insert = () => db.insert(kv).values({ key: 'a', value: 'secret-parameter', updatedAt: 0 });
    const error: unknown = await pgCall('storing a setting', insert).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ constraint: 'kv_pkey' });
    expect(String(error)).not.toContain('secret-parameter');
  });

  it('a refused connection is an UnavailableError; a core error inside passes through', async () => {
    const nowhere = openPgPool(`postgres://postgres@127.0.0.1:${await freePort()}/none`);
    try {
      await expect(pgTransaction(nowhere, 'claiming', async () => 1)).rejects.toBeInstanceOf(UnavailableError);
    } finally {
      await nowhere.end();
    }
    const refusal = new PermanentError('bad input');
    await expect(pgTransaction(pool, 'deciding', async () => Promise.reject(refusal))).rejects.toBe(refusal);
  });
});
