/**
 * Real worker processes on a real PostgreSQL (tests/support/pg-queue-worker.ts): three of them
 * drain 1,000 jobs with every job run exactly once and never two live runs of one job; a worker
 * SIGKILLed mid-job loses that job to another worker once its lease expires, exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { migratePostgres, openPgPool, pgTransaction } from '../../adapters/store-postgres/pg-database.ts';
import { PgJobQueue } from '../../adapters/store-postgres/pg-job-queue.ts';
import { describePostgres } from '../support/describe-postgres.ts';
import { startPgCluster, type PgCluster } from '../support/pg-cluster.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const WORKER = path.join(REPO_ROOT, 'tests/support/pg-queue-worker.ts');

interface Worker {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output(): string;
}

interface RunRow {
  job_id: number;
  owner: string;
  started_at: number;
  ended_at: number | null;
}

describePostgres('worker processes on PostgreSQL', (binDir) => {
  let cluster: PgCluster;
  let pool: pg.Pool;
  let queue: PgJobQueue;
  let url: string;
  const children: ChildProcess[] = [];
  let database = 0;

  beforeAll(async () => {
    cluster = await startPgCluster(binDir, { fast: true });
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await pool?.end();
  });
  afterAll(() => cluster?.stop());

  async function freshDatabase(): Promise<void> {
    url = await cluster.createDatabase(`workers_${++database}`);
    pool = openPgPool(url);
    queue = new PgJobQueue(pool);
    await migratePostgres(pool);
    await pool.query(`CREATE TABLE qw_live (job_id bigint PRIMARY KEY, owner text NOT NULL)`);
    await pool.query(`CREATE TABLE qw_runs (job_id bigint NOT NULL, owner text NOT NULL, started_at bigint NOT NULL, ended_at bigint)`);
  }

  async function enqueue(count: number): Promise<void> {
    await pgTransaction(pool, 'enqueueing', async (tx) => {
      for (let i = 0; i < count; i++) await queue.enqueueInTx(tx, { kind: 'ci', taskId: `T-${i % 50}`, payload: { i }, idempotencyKey: `j${i}` }, Date.now());
    });
  }

  async function startWorker(owner: string, env: Record<string, string>): Promise<Worker> {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, QW_URL: url, QW_OWNER: owner, QW_RECORD: '1', ...env },
    });
    children.push(child);
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => void (out += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => void (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, exited, output: () => out };
  }

  const summary = (w: Worker) => JSON.parse(w.output().trim().split('\n').at(-1)!) as { owner: string; ran: number; errors: string[] };
  const runs = async () => (await pool.query<RunRow>({ text: 'SELECT job_id, owner, started_at::float8 AS started_at, ended_at::float8 AS ended_at FROM qw_runs ORDER BY started_at' })).rows;

  it('three workers drain 1,000 jobs: each ran exactly once, never two live runs of one job', async () => {
    await freshDatabase();
    const total = 1_000;
    await enqueue(total);
    const workers = await Promise.all(['w1', 'w2', 'w3'].map((owner) => startWorker(owner, { QW_WORK_MS: '1' })));
    const codes = await Promise.all(workers.map((w) => w.exited));
    expect(codes, workers.map((w) => w.output()).join('\n')).toEqual([0, 0, 0]);
    const summaries = workers.map(summary);
    expect(summaries.flatMap((s) => s.errors)).toEqual([]);
    console.log(`[figure] three worker processes, ${total} jobs: ${summaries.map((s) => `${s.owner} ${s.ran}`).join(', ')}`);
    for (const s of summaries) expect(s.ran).toBeGreaterThan(0);
    expect(summaries.reduce((n, s) => n + s.ran, 0)).toBe(total);
    const all = await runs();
    expect(all).toHaveLength(total);
    expect(new Set(all.map((r) => Number(r.job_id))).size).toBe(total);
    expect(all.every((r) => r.ended_at !== null)).toBe(true);
    expect(await queue.countByState()).toEqual({ succeeded: total });
    expect((await pool.query('SELECT COUNT(*)::int AS n FROM jobs WHERE attempts <> 1')).rows[0]).toEqual({ n: 0 });
    expect((await pool.query('SELECT COUNT(*)::int AS n FROM qw_live')).rows[0]).toEqual({ n: 0 });
  });

  it('a worker SIGKILLed mid-job: the job is reclaimed by another worker once, after its lease expired', async () => {
    await freshDatabase();
    await enqueue(6);
    const leaseMs = 1_500;
    const victim = await startWorker('victim', { QW_WORK_MS: '60000', QW_LEASE_MS: String(leaseMs) });
    let running: RunRow | undefined;
    for (const deadline = Date.now() + 30_000; !running && Date.now() < deadline; ) {
      running = (await runs()).find((r) => r.owner === 'victim');
      if (!running) await new Promise((r) => setTimeout(r, 25));
    }
    expect(running, victim.output()).toBeDefined();
    victim.child.kill('SIGKILL');
    await victim.exited;
    const lost = (await queue.getInTx(null, Number(running!.job_id)))!;
    expect(lost).toMatchObject({ state: 'running', leaseOwner: 'victim', attempts: 1 });
    // The victim has exited: its run is no longer live, so its marker goes (a survivor's run of
    // the same job must not count as a second live run).
    await pool.query('DELETE FROM qw_live WHERE owner = $1', ['victim']);
    const survivors = await Promise.all(['s1', 's2'].map((owner) => startWorker(owner, { QW_WORK_MS: '200', QW_LEASE_MS: String(leaseMs) })));
    const codes = await Promise.all(survivors.map((w) => w.exited));
    expect(codes, survivors.map((w) => w.output()).join('\n')).toEqual([0, 0]);
    expect(survivors.flatMap((w) => summary(w).errors)).toEqual([]);
    const all = await runs();
    const ofLost = all.filter((r) => Number(r.job_id) === lost.id);
    expect(ofLost).toHaveLength(2);
    expect(ofLost[0]).toMatchObject({ owner: 'victim', ended_at: null });
    expect(ofLost[1]!.owner).toMatch(/^s[12]$/);
    expect(ofLost[1]!.ended_at).not.toBeNull();
    expect(ofLost[1]!.started_at).toBeGreaterThanOrEqual(lost.leaseExpiresAt!);
    const others = all.filter((r) => Number(r.job_id) !== lost.id);
    expect(others).toHaveLength(5);
    expect(new Set(others.map((r) => Number(r.job_id))).size).toBe(5);
    expect(await queue.getInTx(null, lost.id)).toMatchObject({ state: 'succeeded', attempts: 2 });
    expect(await queue.countByState()).toEqual({ succeeded: 6 });
  });
});
