/**
 * A worker process on the PostgreSQL queue, for the multi-process tests and the scale benchmark.
 * Run: `node --import tsx tests/support/pg-queue-worker.ts` with
 *   QW_URL       database URL (migrated; the test created `qw_live` and `qw_runs`, see below)
 *   QW_OWNER     lease owner (worker id)
 *   QW_WORK_MS   simulated work per job (default 0), QW_LEASE_MS lease (default 60000)
 *   QW_RECORD    "1": record every run — `qw_runs` row at start, `ended_at` at the end, and a
 *                `qw_live` row (primary key job_id) while it runs, so a second live run of one
 *                job is a unique violation, counted as an error
 *   QW_SLOTS     concurrent claim loops in this process (default 1)
 *   QW_WAIT_GO   "1": after `started`, wait for a line on stdin before claiming (benchmark)
 * It claims `ci` jobs until none is queued or running — completing one and claiming the next in
 * one transaction, as WorkerPool does — prints `started` once connected and one JSON line
 * `{"owner","ran","errors","ms"}` at the end.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { openPgPool, pgTransaction } from '../../adapters/store-postgres/pg-database.ts';
import { PgJobQueue } from '../../adapters/store-postgres/pg-job-queue.ts';
import type { JobRow } from '../../core/queue/job.ts';

const url = process.env.QW_URL ?? '';
const owner = process.env.QW_OWNER ?? `worker-${process.pid}`;
const workMs = Number(process.env.QW_WORK_MS ?? 0);
const leaseMs = Number(process.env.QW_LEASE_MS ?? 60_000);
const record = process.env.QW_RECORD === '1';
const slots = Number(process.env.QW_SLOTS ?? 1);
const waitForGo = process.env.QW_WAIT_GO === '1';

const pool = openPgPool(url, slots + 1);
const queue = new PgJobQueue(pool);
const errors: string[] = [];
let ran = 0;

/** Record the start, work (renewing the lease), then complete and claim the slot's next job in one commit. */
async function runOne(id: number): Promise<JobRow | null> {
  if (record) {
    await pool.query('INSERT INTO qw_runs (job_id, owner, started_at) VALUES ($1, $2, $3)', [id, owner, Date.now()]);
    await pool.query('INSERT INTO qw_live (job_id, owner) VALUES ($1, $2)', [id, owner]).catch((e: unknown) => {
      errors.push(`second live run of job ${id}: ${String(e)}`);
    });
  }
  // Renew the lease while working, as WorkerPool does; a lost lease stops the heartbeat.
  const beat = setInterval(() => {
    queue.heartbeat(id, owner, Date.now(), leaseMs).then(
      (held) => held || errors.push(`lost the lease of job ${id}`),
      (e: unknown) => errors.push(String(e)),
    );
  }, Math.max(50, leaseMs / 4));
  try {
    if (workMs > 0) await sleep(workMs);
  } finally {
    clearInterval(beat);
  }
  ran++;
  return pgTransaction(pool, 'completing a job', async (tx) => {
    if (record) {
      await tx.query('DELETE FROM qw_live WHERE job_id = $1 AND owner = $2', [id, owner]);
      await tx.query('UPDATE qw_runs SET ended_at = $3 WHERE job_id = $1 AND owner = $2 AND ended_at IS NULL', [id, owner, Date.now()]);
    }
    if (!(await queue.completeInTx(tx, id, owner, Date.now()))) errors.push(`job ${id}: completion refused (lease lost)`);
    return queue.claimInTx(tx, ['ci'], owner, Date.now(), leaseMs);
  });
}

async function slot(): Promise<void> {
  for (;;) {
    let job = await queue.claim(['ci'], owner, Date.now(), leaseMs);
    while (job) job = await runOne(job.id);
    const states = await queue.countByState();
    if (!states.queued && !states.running) return;
    await sleep(50);
  }
}

async function main(): Promise<void> {
  await pool.query('SELECT 1');
  console.log('started');
  // The benchmark starts every worker first, then lets them all go at once (a line on stdin).
  if (waitForGo) await new Promise((resolve) => process.stdin.once('data', resolve));
  const began = Date.now();
  await Promise.all(Array.from({ length: slots }, () => slot()));
  const ms = Date.now() - began;
  await pool.end();
  console.log(JSON.stringify({ owner, ran, errors, ms }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
