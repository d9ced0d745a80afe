/**
 * Scale benchmark: claim + complete throughput of the PostgreSQL queue with 1, 2 and 4 worker
 * processes (tests/support/pg-queue-worker.ts; each completes a job and claims the next in one
 * commit), the SQLite `JobQueue` with one process the same way, and raw single-row UPDATEs (one
 * commit each, one connection) on each database as baselines, all in the same run. PostgreSQL is a
 * private cluster with default durability (fsync on, synchronous_commit on).
 * Run: `npm run bench:scale` (BENCH_SCALE_JOBS lowers the 10,000 jobs for a quick run,
 * BENCH_SCALE_ROUNDS repeats and reports medians). Figures: docs/benchmarks.md.
 * Leader failover (`failover_s_p50`): SIGKILL the leader of two leader processes, time to the new
 * leader's first action, p50 over BENCH_FAILOVER_KILLS (5) kills with BENCH_FAILOVER_TTL_S (15, the
 * default ORCH_LEADER_TTL_S). The last line is one JSON object.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { migratePostgres, openPgPool } from '../../adapters/store-postgres/pg-database.ts';
import { SqliteJobQueue as JobQueue } from '../../adapters/store-sqlite/sqlite-job-queue.ts';
import { openStore } from '../../adapters/store-sqlite/sqlite-store.ts';
import { leaderFailovers } from './leader-failover.ts';
import { findPgBinaries, startPgCluster, type PgCluster } from '../support/pg-cluster.ts';

const JOBS = Number(process.env.BENCH_SCALE_JOBS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_SCALE_ROUNDS ?? 1);
const WORKERS = [1, 2, 4] as const;
const FAILOVER_KILLS = Number(process.env.BENCH_FAILOVER_KILLS ?? 5);
const FAILOVER_TTL_S = Number(process.env.BENCH_FAILOVER_TTL_S ?? 15);
const ROOT = resolve(import.meta.dirname, '../..');
const WORKER = join(ROOT, 'tests/support/pg-queue-worker.ts');
let databases = 0;

/** claims/s with `workers` processes draining `count` jobs from a fresh database. */
async function pgClaims(cluster: PgCluster, count: number, workers: number): Promise<number> {
  const url = await cluster.createDatabase(`scale_${++databases}`);
  const pool = openPgPool(url, 2);
  try {
    await migratePostgres(pool);
    await pool.query(
      `INSERT INTO jobs (kind, task_id, payload, state, attempts, max_attempts, available_at, idempotency_key, created_at, updated_at)
       SELECT 'ci', 'BENCH-' || i, '{"role":"developer"}', 'queued', 0, 3, $1, 'bench:' || i, $1, $1 FROM generate_series(1, $2) AS i`,
      [Date.now(), count],
    );
    await pool.query('VACUUM ANALYZE jobs');
    const children = Array.from({ length: workers }, (_, n) =>
      spawn(process.execPath, ['--import', 'tsx', WORKER], {
        cwd: ROOT,
        stdio: ['pipe', 'pipe', 'inherit'],
        env: { PATH: process.env.PATH, HOME: process.env.HOME, QW_URL: url, QW_OWNER: `bench-${n}`, QW_WAIT_GO: '1' },
      }),
    );
    const outputs = children.map((child) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => void (out += chunk.toString()));
      const ready = new Promise<void>((ok) => child.stdout.on('data', () => out.includes('started') && ok()));
      const exited = new Promise<number | null>((ok) => child.once('exit', ok));
      return { ready, exited, text: () => out };
    });
    await Promise.all(outputs.map((o) => o.ready));
    const started = process.hrtime.bigint();
    for (const child of children) child.stdin.end('go\n');
    const codes = await Promise.all(outputs.map((o) => o.exited));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (codes.some((c) => c !== 0)) throw new Error(`a worker failed: ${outputs.map((o) => o.text()).join('\n')}`);
    const { rows } = await pool.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM jobs WHERE state = 'succeeded' AND attempts = 1`);
    if (rows[0]?.n !== count) throw new Error(`expected ${count} jobs succeeded once, got ${rows[0]?.n}`);
    return count / seconds;
  } finally {
    await pool.end();
  }
}

/** UPDATEs/s on PostgreSQL: one single-row UPDATE per implicit transaction, one connection. */
async function pgRawUpdates(cluster: PgCluster, count: number): Promise<number> {
  const client = new pg.Client({ connectionString: await cluster.createDatabase(`raw_${++databases}`) });
  await client.connect();
  try {
    await client.query('CREATE TABLE items (id bigint PRIMARY KEY, state text NOT NULL, counter integer NOT NULL, updated_at bigint NOT NULL)');
    await client.query(`INSERT INTO items SELECT i, 'queued', 0, 0 FROM generate_series(1, $1) AS i`, [count]);
    const started = process.hrtime.bigint();
    for (let i = 1; i <= count; i++)
      await client.query({ name: 'raw-update', text: 'UPDATE items SET counter = counter + 1, updated_at = $1 WHERE id = $2', values: [Date.now(), i] });
    return count / (Number(process.hrtime.bigint() - started) / 1e9);
  } finally {
    await client.end();
  }
}

/** claims/s on SQLite, one process, one worker completing and claiming in one commit (as bench:queue at concurrency 1). */
async function sqliteClaims(dir: string, count: number): Promise<number> {
  const store = openStore(join(dir, `claims-${++databases}.db`));
  try {
    const queue = new JobQueue(store);
    const now = Date.now();
    await store.transaction(async (tx) => {
      for (let i = 0; i < count; i++)
        await queue.enqueueInTx(tx, { kind: 'ci', taskId: `BENCH-${i}`, payload: { role: 'developer' }, idempotencyKey: `bench:${i}` }, now);
    });
    const started = process.hrtime.bigint();
    let job = await queue.claim(['ci'], 'bench', Date.now(), 60_000);
    while (job) {
      const current = job;
      job = await store.transaction(async (tx) => {
        if (!await queue.completeInTx(tx, current.id, 'bench', Date.now())) throw new Error(`job ${current.id} lost its lease`);
        return await queue.claimInTx(tx, ['ci'], 'bench', Date.now(), 60_000);
      });
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if ((await queue.countByState()).succeeded !== count) throw new Error('not every SQLite job succeeded');
    return count / seconds;
  } finally {
    store.close();
  }
}

/** UPDATEs/s on SQLite: one single-row UPDATE per BEGIN IMMEDIATE … COMMIT (WAL, NORMAL). */
function sqliteRawUpdates(dir: string, count: number): number {
  const db = new Database(join(dir, `raw-${++databases}.db`));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, state TEXT NOT NULL, counter INTEGER NOT NULL, updated_at INTEGER NOT NULL)');
    const insert = db.prepare(`INSERT INTO items VALUES (?, 'queued', 0, 0)`);
    db.transaction(() => {
      for (let i = 1; i <= count; i++) insert.run(i);
    }).immediate();
    const [begin, update, commit] = ['BEGIN IMMEDIATE', 'UPDATE items SET counter = counter + 1, updated_at = ? WHERE id = ?', 'COMMIT'].map((s) => db.prepare(s));
    const started = process.hrtime.bigint();
    for (let i = 1; i <= count; i++) {
      begin!.run();
      update!.run(Date.now(), i);
      commit!.run();
    }
    return count / (Number(process.hrtime.bigint() - started) / 1e9);
  } finally {
    db.close();
  }
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const whole = (n: number) => Math.round(n);

async function main(): Promise<void> {
  const bins = findPgBinaries();
  if (bins.type === 'none') throw new Error(`bench:scale needs PostgreSQL: ${bins.reason}`);
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-scale-bench-'));
  const cluster = await startPgCluster(bins.binDir);
  try {
    console.log(`scale bench: ${JOBS} jobs per run, ${ROUNDS} round(s); PostgreSQL private cluster (fsync on), SQLite WAL + NORMAL in ${dir}; ${cpus().length} cores, Node ${process.version}`);
    const runs = { pg: WORKERS.map(() => [] as number[]), pgRaw: [] as number[], sqlite: [] as number[], sqliteRaw: [] as number[] };
    for (let round = 1; round <= ROUNDS; round++) {
      runs.pgRaw.push(await pgRawUpdates(cluster, JOBS));
      for (const [i, workers] of WORKERS.entries()) runs.pg[i]!.push(await pgClaims(cluster, JOBS, workers));
      runs.sqliteRaw.push(sqliteRawUpdates(dir, JOBS));
      runs.sqlite.push(await sqliteClaims(dir, JOBS));
      const pgLine = WORKERS.map((w, i) => `${w}w ${whole(runs.pg[i]!.at(-1)!)}`).join(', ');
      console.log(`round ${round}: PostgreSQL raw ${whole(runs.pgRaw.at(-1)!)} updates/s, claims/s ${pgLine}; SQLite raw ${whole(runs.sqliteRaw.at(-1)!)} updates/s, claims/s ${whole(runs.sqlite.at(-1)!)}`);
    }
    const pgClaimsPerS = runs.pg.map((r) => whole(median(r)));
    const pgRaw = whole(median(runs.pgRaw));
    for (const [i, workers] of WORKERS.entries())
      console.log(`PostgreSQL claim+complete, ${workers} worker process(es): ${pgClaimsPerS[i]} claims/s (ratio to raw ${(pgClaimsPerS[i]! / pgRaw).toFixed(3)})`);
    console.log(`PostgreSQL raw single-row UPDATE per commit, one connection: ${pgRaw} updates/s`);
    const sqlite = whole(median(runs.sqlite));
    const sqliteRaw = whole(median(runs.sqliteRaw));
    console.log(`SQLite claim+complete, one process: ${sqlite} claims/s (ratio to raw ${(sqlite / sqliteRaw).toFixed(3)}); raw ${sqliteRaw} updates/s`);
    const failovers = await leaderFailovers(cluster, FAILOVER_KILLS, FAILOVER_TTL_S * 1000);
    const failover = Number(median(failovers).toFixed(2));
    console.log(`leader failover, TTL ${FAILOVER_TTL_S} s: p50 ${failover} s over ${failovers.length} kills (max ${Math.max(...failovers).toFixed(2)} s; target ≤ ${2 * FAILOVER_TTL_S} s)`);
    console.log(JSON.stringify({ pg_claims_per_s: pgClaimsPerS, pg_raw_updates_per_s: pgRaw, sqlite_claims_per_s: sqlite, sqlite_raw_updates_per_s: sqliteRaw, failover_s_p50: failover, failover_ttl_s: FAILOVER_TTL_S }));
  } finally {
    cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
