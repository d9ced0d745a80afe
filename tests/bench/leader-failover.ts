/**
 * Leader failover for bench:scale: two leader processes (tests/support/pg-leader-process.ts) on a
 * fresh database; SIGKILL the leader, time until the new leader's first action (its term's start,
 * same machine clock), start a replacement so two always contend; `kills` times. Returns seconds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { migratePostgres, openPgPool } from '../../adapters/store-postgres/pg-database.ts';
import type { PgCluster } from '../support/pg-cluster.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const LEADER = join(ROOT, 'tests/support/pg-leader-process.ts');

export async function leaderFailovers(cluster: PgCluster, kills: number, ttlMs: number): Promise<number[]> {
  const url = await cluster.createDatabase('failover');
  const pool = openPgPool(url, 2);
  const children = new Map<string, ChildProcess>();
  let next = 0;
  const start = async (): Promise<void> => {
    const holder = `leader-${++next}`;
    const child = spawn(process.execPath, ['--import', 'tsx', LEADER], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LP_URL: url, LP_HOLDER: holder, LP_TTL_MS: String(ttlMs), LP_ACT_MS: '100' },
    });
    children.set(holder, child);
    await new Promise<void>((ok, fail) => {
      child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('started') && ok());
      child.once('exit', (code) => fail(new Error(`${holder} exited (${code}) before it started`)));
    });
  };
  const termAfter = async (since: number): Promise<{ holder: string; startedAt: number }> => {
    const deadline = Date.now() + 4 * ttlMs + 10_000;
    for (;;) {
      const row = (await pool.query<{ holder: string; started_at: number }>('SELECT holder, started_at::float8 AS started_at FROM lp_terms WHERE started_at > $1 ORDER BY started_at LIMIT 1', [since])).rows[0];
      if (row) return { holder: row.holder, startedAt: row.started_at };
      if (Date.now() > deadline) throw new Error(`no new leader within ${deadline - since} ms`);
      await sleep(20);
    }
  };
  try {
    await migratePostgres(pool);
    await pool.query('CREATE TABLE lp_terms (id serial PRIMARY KEY, holder text NOT NULL, started_at bigint NOT NULL, last_action_at bigint NOT NULL, ended_at bigint)');
    const began = Date.now();
    await Promise.all([start(), start()]);
    let leader = (await termAfter(began - 1)).holder;
    const seconds: number[] = [];
    for (let i = 0; i < kills; i++) {
      const child = children.get(leader)!;
      const exited = new Promise((ok) => child.once('exit', ok));
      const killedAt = Date.now();
      child.kill('SIGKILL');
      await exited;
      children.delete(leader);
      await start();
      const term = await termAfter(killedAt);
      seconds.push((term.startedAt - killedAt) / 1000);
      console.log(`failover ${i + 1}/${kills}: ${leader} killed, ${term.holder} acted after ${((term.startedAt - killedAt) / 1000).toFixed(2)} s`);
      leader = term.holder;
    }
    return seconds;
  } finally {
    for (const child of children.values()) child.kill('SIGKILL');
    await pool.end();
  }
}
