/**
 * The durable job queue on SQLite (core/queue/job-queue.ts is the port). A claim takes a lease (owner + expiry) that the worker renews
 * with heartbeats; a job whose lease expired (its worker died) is claimed again. Completion,
 * failure and release check the lease owner, so a worker that lost its lease cannot overwrite the
 * new owner's outcome: never two live runs of one job, never two outcomes recorded.
 *
 * Hot paths use prepared statements on the raw connection; every method that takes `tx` runs
 * inside the caller's transaction, so the job change commits atomically with the state change.
 * The others run in a transaction of their own (writes) or on the store's read connection
 * (reads: committed data only). Every method is asynchronous, as the store's port is (ADR 0050).
 */
import type { Statement } from 'better-sqlite3';
import { DEFAULT_BACKOFF, failureFate, type BackoffPolicy, type FailOptions } from '../../core/queue/backoff.ts';
import type { JobKind, JobRow, NewJob } from '../../core/queue/job.ts';
import type { FailOutcome, JobQueue } from '../../core/queue/job-queue.ts';
import type { Tx } from '../../core/store/store.ts';
import type { SqliteStore } from './sqlite-store.ts';

/** What the queue needs of its store: the two connections and the unit of work. */
export type SqliteQueueStore = Pick<SqliteStore, 'sqlite' | 'readSqlite' | 'transaction'>;

const COLUMNS = `id, kind, task_id AS taskId, payload, state, attempts, max_attempts AS maxAttempts,
  available_at AS availableAt, lease_owner AS leaseOwner, lease_expires_at AS leaseExpiresAt,
  idempotency_key AS idempotencyKey, last_error AS lastError, created_at AS createdAt,
  updated_at AS updatedAt, started_at AS startedAt, finished_at AS finishedAt`;

interface RawJob extends Omit<JobRow, 'payload'> {
  payload: string;
}

export class SqliteJobQueue implements JobQueue {
  private readonly insert: Statement;
  private readonly claimStmt: Map<string, Statement> = new Map();
  private readonly heartbeatStmt: Statement;
  private readonly completeStmt: Statement;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly store: SqliteQueueStore,
    private readonly policy: BackoffPolicy = DEFAULT_BACKOFF,
    private readonly defaultMaxAttempts = 3,
  ) {
    const db = store.sqlite;
    this.insert = db.prepare(
      `INSERT INTO jobs (kind, task_id, payload, state, attempts, max_attempts, available_at, idempotency_key, created_at, updated_at)
       VALUES (?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?) ON CONFLICT(idempotency_key) DO NOTHING RETURNING id`,
    );
    this.heartbeatStmt = db.prepare(
      `UPDATE jobs SET lease_expires_at = ?, updated_at = ? WHERE id = ? AND state = 'running' AND lease_owner = ?`,
    );
    this.completeStmt = db.prepare(
      `UPDATE jobs SET state = 'succeeded', lease_owner = NULL, lease_expires_at = NULL, finished_at = ?, updated_at = ?
       WHERE id = ? AND state = 'running' AND lease_owner = ?`,
    );
  }

  /** Be told when a job is enqueued (workers wake instead of waiting for their poll). */
  onEnqueue(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Enqueue inside `tx`. Returns the new id, or null when the idempotency key already exists. */
  async enqueueInTx(tx: Tx, job: NewJob, now: number): Promise<number | null> {
    const row = this.insert.get(
      job.kind,
      job.taskId,
      JSON.stringify(job.payload),
      job.maxAttempts ?? this.defaultMaxAttempts,
      job.availableAt ?? now,
      job.idempotencyKey,
      now,
      now,
    ) as { id: number } | undefined;
    if (row && this.listeners.size > 0) tx.afterCommit(() => this.listeners.forEach((l) => l()));
    return row?.id ?? null;
  }

  /** Enqueue in its own transaction. */
  async enqueue(job: NewJob, now: number): Promise<number | null> {
    return await this.store.transaction(async (tx) => await this.enqueueInTx(tx, job, now));
  }

  /**
   * Claim the next runnable job of the given kinds: queued and due, or running with an expired
   * lease. Each claim counts as an attempt.
   */
  async claim(
    kinds: readonly JobKind[],
    owner: string,
    now: number,
    leaseMs: number,
  ): Promise<JobRow | null> {
    return await this.store.transaction(async (tx) => await this.claimInTx(tx, kinds, owner, now, leaseMs));
  }

  private claimRaw(kinds: readonly JobKind[], owner: string, now: number, leaseMs: number): JobRow | null {
    const raw = this.claimStatement(kinds).get(
      owner,
      now + leaseMs,
      now,
      now,
      ...kinds,
      now,
      now,
      ...kinds,
    ) as RawJob | undefined;
    return raw ? { ...raw, payload: JSON.parse(raw.payload) as Record<string, unknown> } : null;
  }

  /**
   * Claim inside the caller's transaction: a worker that just completed a job claims its slot's
   * next one in the same commit (one commit per job instead of two while busy).
   */
  async claimInTx(
    _tx: Tx,
    kinds: readonly JobKind[],
    owner: string,
    now: number,
    leaseMs: number,
  ): Promise<JobRow | null> {
    return this.claimRaw(kinds, owner, now, leaseMs);
  }

  /** Renew a lease. False when the lease was lost (reclaimed by another worker, or the job was cancelled). */
  async heartbeat(id: number, owner: string, now: number, leaseMs: number): Promise<boolean> {
    return await this.store.transaction(
      async () => this.heartbeatStmt.run(now + leaseMs, now, id, owner).changes === 1,
    );
  }

  /** Mark succeeded inside `tx`; false when `owner` no longer holds the lease (the outcome is stale). */
  async completeInTx(_tx: Tx, id: number, owner: string, now: number): Promise<boolean> {
    return this.completeStmt.run(now, now, id, owner).changes === 1;
  }

  /** Record an infrastructure failure: retry with backoff, or dead once attempts are used up. */
  async failInTx(
    tx: Tx,
    id: number,
    owner: string,
    error: string,
    now: number,
    options: FailOptions = {},
  ): Promise<FailOutcome> {
    const job = await this.getInTx(tx, id);
    if (!job || job.state !== 'running' || job.leaseOwner !== owner) return { type: 'stale' };
    const db = this.store.sqlite;
    const fate = failureFate(this.policy, job, now, options);
    if (fate.type === 'dead') {
      db.prepare(
        `UPDATE jobs SET state = 'dead', last_error = ?, lease_owner = NULL, lease_expires_at = NULL, finished_at = ?, updated_at = ? WHERE id = ?`,
      ).run(error, now, now, id);
      return fate;
    }
    db.prepare(
      `UPDATE jobs SET state = 'queued', last_error = ?, available_at = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ?`,
    ).run(error, fate.availableAt, now, id);
    return fate;
  }

  /**
   * Give a claimed job back without counting the attempt: a busy lease (defer) or a graceful
   * shutdown. It becomes runnable again at `availableAt`.
   */
  async release(
    id: number,
    owner: string,
    availableAt: number,
    now: number,
    note?: string,
  ): Promise<boolean> {
    return await this.store.transaction(
      async () =>
        this.store.sqlite
          .prepare(
            `UPDATE jobs SET state = 'queued', attempts = MAX(attempts - 1, 0), available_at = ?, lease_owner = NULL, lease_expires_at = NULL,
           last_error = COALESCE(?, last_error), updated_at = ? WHERE id = ? AND state = 'running' AND lease_owner = ?`,
          )
          .run(availableAt, note ?? null, now, id, owner).changes === 1,
    );
  }

  /** Cancel a task's queued jobs (escalation, cancellation). Running jobs finish and are ignored. */
  async cancelQueuedForTaskInTx(_tx: Tx, taskId: string, now: number): Promise<number> {
    return this.store.sqlite
      .prepare(
        `UPDATE jobs SET state = 'cancelled', finished_at = ?, updated_at = ? WHERE task_id = ? AND state = 'queued'`,
      )
      .run(now, now, taskId).changes;
  }

  /** A job by id: inside `tx` (its own writes included), or committed data when `tx` is null. */
  async getInTx(tx: Tx | null, id: number): Promise<JobRow | null> {
    const raw = (tx ? this.store.sqlite : this.store.readSqlite)
      .prepare(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`)
      .get(id) as RawJob | undefined;
    return raw ? { ...raw, payload: JSON.parse(raw.payload) as Record<string, unknown> } : null;
  }

  /** Jobs of a task that are queued or running. */
  async activeForTask(taskId: string, tx?: Tx): Promise<JobRow[]> {
    // Inside a transaction, its own connection (its own enqueues count); else committed data.
    const rows = (tx ? this.store.sqlite : this.store.readSqlite)
      .prepare(`SELECT ${COLUMNS} FROM jobs WHERE task_id = ? AND state IN ('queued', 'running') ORDER BY id`)
      .all(taskId) as RawJob[];
    return rows.map((raw) => ({ ...raw, payload: JSON.parse(raw.payload) as Record<string, unknown> }));
  }

  /** Queued and running jobs, for /queue. */
  async active(): Promise<JobRow[]> {
    const rows = this.store.readSqlite
      .prepare(`SELECT ${COLUMNS} FROM jobs WHERE state IN ('queued', 'running') ORDER BY state DESC, id`)
      .all() as RawJob[];
    return rows.map((raw) => ({ ...raw, payload: JSON.parse(raw.payload) as Record<string, unknown> }));
  }

  /** Count of jobs per state. */
  async countByState(): Promise<Record<string, number>> {
    const rows = this.store.readSqlite
      .prepare(`SELECT state, COUNT(*) AS n FROM jobs GROUP BY state`)
      .all() as { state: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }

  private claimStatement(kinds: readonly JobKind[]): Statement {
    const key = kinds.join(',');
    let stmt = this.claimStmt.get(key);
    if (!stmt) {
      const marks = kinds.map(() => '?').join(', ');
      // Two index-friendly probes (due queued jobs, expired leases) instead of one OR scan.
      stmt = this.store.sqlite.prepare(
        `UPDATE jobs SET state = 'running', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1,
           started_at = ?, updated_at = ?
         WHERE id = COALESCE(
           (SELECT id FROM jobs WHERE state = 'queued' AND kind IN (${marks}) AND available_at <= ? ORDER BY available_at, id LIMIT 1),
           (SELECT id FROM jobs WHERE state = 'running' AND lease_expires_at < ? AND kind IN (${marks}) ORDER BY lease_expires_at LIMIT 1))
         RETURNING ${COLUMNS}`,
      );
      this.claimStmt.set(key, stmt);
    }
    return stmt;
  }
}
