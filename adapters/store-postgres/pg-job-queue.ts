/**
 * The durable job queue on PostgreSQL, with the semantics of `core/queue/job-queue.ts` (SQLite):
 * a claim takes a lease (owner + expiry) renewed by heartbeats; an expired lease is claimed again;
 * complete, fail and release check the lease owner, so a worker that lost its lease cannot
 * overwrite the new owner's outcome. Claims lock the chosen row with `FOR UPDATE SKIP LOCKED`, so
 * concurrent claimers in many processes each take a different job without waiting on each other.
 *
 * Methods named `…InTx` run on the caller's transaction client (see `pgTransaction`), so the job
 * change commits atomically with the caller's state change; the others use the pool (one
 * statement, its own implicit transaction). Driver errors become core errors (pg-errors.ts).
 */
import type pg from 'pg';
import { DEFAULT_BACKOFF, failureFate, type BackoffPolicy, type FailOptions } from '../../core/queue/backoff.ts';
import type { FailOutcome } from '../../core/queue/job-queue.ts';
import type { JobKind, JobRow, NewJob } from '../../core/queue/job.ts';
import { pgCall } from './pg-errors.ts';
import { pgTypes } from './pg-types.ts';

/** A pool (autocommit statement) or a client inside a transaction. */
type Queryable = pg.Pool | pg.PoolClient;

const COLUMNS = `id, kind, task_id AS "taskId", payload, state, attempts, max_attempts AS "maxAttempts",
  available_at AS "availableAt", lease_owner AS "leaseOwner", lease_expires_at AS "leaseExpiresAt",
  idempotency_key AS "idempotencyKey", last_error AS "lastError", created_at AS "createdAt",
  updated_at AS "updatedAt", started_at AS "startedAt", finished_at AS "finishedAt"`;

// Two index-friendly probes (due queued jobs, then expired leases), each skipping rows another
// claimer has locked; COALESCE evaluates the second only when the first finds nothing.
const CLAIM = `UPDATE jobs SET state = 'running', lease_owner = $1, lease_expires_at = $2, attempts = attempts + 1,
    started_at = $3, updated_at = $3
  WHERE id = COALESCE(
    (SELECT id FROM jobs WHERE state = 'queued' AND kind = ANY($4::text[]) AND available_at <= $3
      ORDER BY available_at, id LIMIT 1 FOR UPDATE SKIP LOCKED),
    (SELECT id FROM jobs WHERE state = 'running' AND lease_expires_at < $3 AND kind = ANY($4::text[])
      ORDER BY lease_expires_at LIMIT 1 FOR UPDATE SKIP LOCKED))
  RETURNING ${COLUMNS}`;

const OWNED = `id = $1 AND state = 'running' AND lease_owner = $2`;

export class PgJobQueue {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly policy: BackoffPolicy = DEFAULT_BACKOFF,
    private readonly defaultMaxAttempts = 3,
  ) {}

  /** Be told when this process enqueues a job (other processes' workers find it by polling). */
  onEnqueue(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Enqueue on `tx`. Returns the new id, or null when the idempotency key already exists. */
  async enqueueInTx(tx: pg.PoolClient, job: NewJob, now: number): Promise<number | null> {
    return this.insert(tx, job, now);
  }

  /** Enqueue in its own transaction. */
  async enqueue(job: NewJob, now: number): Promise<number | null> {
    return this.insert(this.pool, job, now);
  }

  /** Claim the next runnable job of `kinds`: queued and due, or running with an expired lease. Counts an attempt. */
  async claim(kinds: readonly JobKind[], owner: string, now: number, leaseMs: number): Promise<JobRow | null> {
    return this.claimOn(this.pool, kinds, owner, now, leaseMs);
  }

  /** Claim on the caller's transaction (complete one job and claim the next in one commit). */
  async claimInTx(tx: pg.PoolClient, kinds: readonly JobKind[], owner: string, now: number, leaseMs: number): Promise<JobRow | null> {
    return this.claimOn(tx, kinds, owner, now, leaseMs);
  }

  /** Renew a lease. False when it was lost (reclaimed by another worker, or the job was cancelled). */
  async heartbeat(id: number, owner: string, now: number, leaseMs: number): Promise<boolean> {
    const sql = `UPDATE jobs SET lease_expires_at = $3, updated_at = $4 WHERE ${OWNED}`;
    return (await this.run(this.pool, 'renewing a job lease', sql, [id, owner, now + leaseMs, now])) === 1;
  }

  /** Mark succeeded on `tx`; false when `owner` no longer holds the lease (the outcome is stale). */
  async completeInTx(tx: pg.PoolClient, id: number, owner: string, now: number): Promise<boolean> {
    const sql = `UPDATE jobs SET state = 'succeeded', lease_owner = NULL, lease_expires_at = NULL, finished_at = $3, updated_at = $3 WHERE ${OWNED}`;
    return (await this.run(tx, 'completing a job', sql, [id, owner, now])) === 1;
  }

  /** Record an infrastructure failure on `tx`: retry with backoff, or dead once attempts are used up. */
  async failInTx(
    tx: pg.PoolClient,
    id: number,
    owner: string,
    error: string,
    now: number,
    options: FailOptions = {},
  ): Promise<FailOutcome> {
    const found = await pgCall('reading a failed job', () =>
      tx.query<{ attempts: number; maxAttempts: number }>({
        text: `SELECT attempts, max_attempts AS "maxAttempts" FROM jobs WHERE ${OWNED} FOR UPDATE`,
        values: [id, owner],
      }),
    );
    const job = found.rows[0];
    if (!job) return { type: 'stale' };
    const fate = failureFate(this.policy, job, now, options);
    if (fate.type === 'dead') {
      const sql = `UPDATE jobs SET state = 'dead', last_error = $2, lease_owner = NULL, lease_expires_at = NULL, finished_at = $3, updated_at = $3 WHERE id = $1`;
      await this.run(tx, 'recording a dead job', sql, [id, error, now]);
      return fate;
    }
    const sql = `UPDATE jobs SET state = 'queued', last_error = $2, available_at = $3, lease_owner = NULL, lease_expires_at = NULL, updated_at = $4 WHERE id = $1`;
    await this.run(tx, 'requeueing a failed job', sql, [id, error, fate.availableAt, now]);
    return fate;
  }

  /** Give a claimed job back without counting the attempt (defer, graceful shutdown); runnable again at `availableAt`. */
  async release(id: number, owner: string, availableAt: number, now: number, note?: string): Promise<boolean> {
    const sql = `UPDATE jobs SET state = 'queued', attempts = GREATEST(attempts - 1, 0), available_at = $3, lease_owner = NULL,
      lease_expires_at = NULL, last_error = COALESCE($4, last_error), updated_at = $5 WHERE ${OWNED}`;
    return (await this.run(this.pool, 'releasing a job', sql, [id, owner, availableAt, note ?? null, now])) === 1;
  }

  /** Cancel a task's queued jobs on `tx`. Running jobs finish and are ignored. */
  async cancelQueuedForTaskInTx(tx: pg.PoolClient, taskId: string, now: number): Promise<number> {
    const sql = `UPDATE jobs SET state = 'cancelled', finished_at = $2, updated_at = $2 WHERE task_id = $1 AND state = 'queued'`;
    return this.run(tx, 'cancelling queued jobs', sql, [taskId, now]);
  }

  /** One job, on `tx` or (null) the pool. */
  async getInTx(tx: pg.PoolClient | null, id: number): Promise<JobRow | null> {
    return (await this.select(tx ?? this.pool, `SELECT ${COLUMNS} FROM jobs WHERE id = $1`, [id]))[0] ?? null;
  }

  /** Jobs of a task that are queued or running, on `tx` (its own writes) or the pool. */
  async activeForTask(taskId: string, tx?: pg.PoolClient): Promise<JobRow[]> {
    return this.select(tx ?? this.pool, `SELECT ${COLUMNS} FROM jobs WHERE task_id = $1 AND state IN ('queued', 'running') ORDER BY id`, [taskId]);
  }

  /** Queued and running jobs, for /queue. */
  async active(): Promise<JobRow[]> {
    return this.select(this.pool, `SELECT ${COLUMNS} FROM jobs WHERE state IN ('queued', 'running') ORDER BY state DESC, id`, []);
  }

  /** Count of jobs per state. */
  async countByState(): Promise<Record<string, number>> {
    const { rows } = await pgCall('counting jobs', () =>
      this.pool.query<{ state: string; n: number }>({ text: `SELECT state, COUNT(*) AS n FROM jobs GROUP BY state`, types: pgTypes }),
    );
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }

  private async insert(on: Queryable, job: NewJob, now: number): Promise<number | null> {
    const { rows } = await pgCall('enqueueing a job', () =>
      on.query<{ id: number }>({
        text: `INSERT INTO jobs (kind, task_id, payload, state, attempts, max_attempts, available_at, idempotency_key, created_at, updated_at)
          VALUES ($1, $2, $3::jsonb, 'queued', 0, $4, $5, $6, $7, $7) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
        values: [job.kind, job.taskId, JSON.stringify(job.payload), job.maxAttempts ?? this.defaultMaxAttempts, job.availableAt ?? now, job.idempotencyKey, now],
        types: pgTypes,
      }),
    );
    const id = rows[0]?.id ?? null;
    if (id !== null) queueMicrotask(() => this.listeners.forEach((l) => l()));
    return id;
  }

  private async claimOn(on: Queryable, kinds: readonly JobKind[], owner: string, now: number, leaseMs: number): Promise<JobRow | null> {
    return (await this.select(on, CLAIM, [owner, now + leaseMs, now, kinds])).at(0) ?? null;
  }

  private async select(on: Queryable, text: string, values: unknown[]): Promise<JobRow[]> {
    const { rows } = await pgCall('reading jobs', () => on.query<JobRow>({ text, values, types: pgTypes }));
    return rows;
  }

  private async run(on: Queryable, doing: string, text: string, values: unknown[]): Promise<number> {
    const result = await pgCall(doing, () => on.query({ text, values, types: pgTypes }));
    return result.rowCount ?? 0;
  }
}
