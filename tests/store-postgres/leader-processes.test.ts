/**
 * Real `start` stand-ins contending for the leader lease on a real PostgreSQL
 * (tests/support/pg-leader-process.ts): three processes, one leads; SIGKILL the leader and another
 * leads within 2 × TTL; kill that one too and the last leads; no two leadership terms ever overlap.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migratePostgres, openPgPool } from '../../adapters/store-postgres/pg-database.ts';
import { describePostgres } from '../support/describe-postgres.ts';
import { startPgCluster, type PgCluster } from '../support/pg-cluster.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const LEADER = path.join(REPO_ROOT, 'tests/support/pg-leader-process.ts');
const TTL_MS = 2_000;

interface Term {
  id: number;
  holder: string;
  started_at: number;
  last_action_at: number;
  ended_at: number | null;
}

describePostgres('leader processes on PostgreSQL', (binDir) => {
  let cluster: PgCluster;
  let pool: pg.Pool;
  let url: string;
  const children = new Map<string, ChildProcess>();

  beforeAll(async () => {
    cluster = await startPgCluster(binDir, { fast: true });
    url = await cluster.createDatabase('leaders');
    pool = openPgPool(url);
    await migratePostgres(pool);
    await pool.query('CREATE TABLE lp_terms (id serial PRIMARY KEY, holder text NOT NULL, started_at bigint NOT NULL, last_action_at bigint NOT NULL, ended_at bigint)');
  });
  afterAll(async () => {
    for (const child of children.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await pool?.end();
    cluster?.stop();
  });

  async function startLeader(holder: string): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', LEADER], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LP_URL: url, LP_HOLDER: holder, LP_TTL_MS: String(TTL_MS), LP_ACT_MS: '100' },
    });
    children.set(holder, child);
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('started') && resolve());
      child.once('exit', (code) => reject(new Error(`${holder} exited (${code}) before it started`)));
    });
  }

  const terms = async () =>
    (await pool.query<Term>({ text: 'SELECT id, holder, started_at::float8 AS started_at, last_action_at::float8 AS last_action_at, ended_at::float8 AS ended_at FROM lp_terms ORDER BY started_at' })).rows;

  /** The term that opened after `since`, waiting up to `withinMs`. */
  async function nextTerm(since: number, withinMs: number): Promise<Term> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const open = (await terms()).find((t) => t.started_at > since);
      if (open) return open;
      if (Date.now() > deadline) throw new Error(`no leader within ${withinMs} ms after ${since}`);
      await sleep(50);
    }
  }

  async function kill(holder: string): Promise<number> {
    const child = children.get(holder)!;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const at = Date.now();
    child.kill('SIGKILL');
    await exited;
    return at;
  }

  it('one of three leads; each SIGKILLed leader is replaced within 2 × TTL; terms never overlap', async () => {
    const began = Date.now();
    await Promise.all(['a', 'b', 'c'].map((h) => startLeader(h)));
    const first = await nextTerm(began - 1, 10_000);
    // Several TTLs with all three alive: still the one term, the followers never led.
    await sleep(TTL_MS * 2);
    expect((await terms()).map((t) => t.holder)).toEqual([first.holder]);

    const killedAt = await kill(first.holder);
    const second = await nextTerm(killedAt, 4 * TTL_MS);
    expect(second.holder).not.toBe(first.holder);
    const failover1 = second.started_at - killedAt;
    expect(failover1).toBeLessThanOrEqual(2 * TTL_MS);

    await sleep(TTL_MS);
    const killedAt2 = await kill(second.holder);
    const third = await nextTerm(killedAt2, 4 * TTL_MS);
    expect([first.holder, second.holder]).not.toContain(third.holder);
    const failover2 = third.started_at - killedAt2;
    expect(failover2).toBeLessThanOrEqual(2 * TTL_MS);
    await sleep(TTL_MS);

    const all = await terms();
    expect(all).toHaveLength(3);
    // A dead leader's term ends at its last action; the next must begin after it.
    for (let i = 1; i < all.length; i++) expect(all[i]!.started_at).toBeGreaterThan(all[i - 1]!.ended_at ?? all[i - 1]!.last_action_at);
    console.log(`leader failover with TTL ${TTL_MS} ms: ${failover1} ms, ${failover2} ms`);
  }, 60_000);

  it('a leader stopped with SIGTERM releases the lease: the survivor leads at its next attempt', async () => {
    const survivor = [...children.entries()].find(([, c]) => c.exitCode === null && c.signalCode === null)![0];
    await startLeader('d');
    const stoppedAt = Date.now();
    const child = children.get(survivor)!;
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const next = await nextTerm(stoppedAt, 4 * TTL_MS);
    expect(next.holder).toBe('d');
    // Released, not expired: taken at the next attempt (every TTL/3), well before a TTL.
    expect(next.started_at - stoppedAt).toBeLessThan(TTL_MS);
    const ended = (await terms()).find((t) => t.holder === survivor)!;
    expect(ended.ended_at).not.toBeNull();
    expect(next.started_at).toBeGreaterThan(ended.ended_at!);
  }, 30_000);
});
