/**
 * The durable job queue (a part of the store port, ADR 0053; `Store.queue`). A claim takes a
 * lease (owner + expiry) that the worker renews with heartbeats; a job whose lease expired (its
 * worker died) is claimed again. Completion, failure and release check the lease owner, so a
 * worker that lost its lease cannot overwrite the new owner's outcome: never two live runs of one
 * job, never two outcomes recorded. Methods that take `tx` run inside the caller's transaction,
 * so the job change commits atomically with the state change; the others run in a transaction of
 * their own (writes) or on committed data (reads). Implementations: adapters/store-sqlite
 * (SqliteJobQueue), adapters/store-postgres.
 */
import type { FailOptions } from './backoff.ts';
import type { Tx } from '../store/store.ts';
import type { JobKind, JobRow, NewJob } from './job.ts';

/** Outcome of recording a failure. */
export type FailOutcome = { type: 'retry'; availableAt: number } | { type: 'dead' } | { type: 'stale' };

export interface JobQueue {
  /** Be told when a job is enqueued (workers wake instead of waiting for their poll). */
  onEnqueue(listener: () => void): () => void;
  /** Enqueue inside `tx`. Returns the new id, or null when the idempotency key already exists. */
  enqueueInTx(tx: Tx, job: NewJob, now: number): Promise<number | null>;
  /** Enqueue in its own transaction. */
  enqueue(job: NewJob, now: number): Promise<number | null>;
  /**
   * Claim the next runnable job of the given kinds: queued and due, or running with an expired
   * lease. Each claim counts as an attempt.
   */
  claim(kinds: readonly JobKind[], owner: string, now: number, leaseMs: number): Promise<JobRow | null>;
  /** {@link claim} inside the caller's transaction (complete one job and claim the next in one commit). */
  claimInTx(tx: Tx, kinds: readonly JobKind[], owner: string, now: number, leaseMs: number): Promise<JobRow | null>;
  /** Renew a lease. False when the lease was lost (reclaimed by another worker, or the job was cancelled). */
  heartbeat(id: number, owner: string, now: number, leaseMs: number): Promise<boolean>;
  /** Mark succeeded inside `tx`; false when `owner` no longer holds the lease (the outcome is stale). */
  completeInTx(tx: Tx, id: number, owner: string, now: number): Promise<boolean>;
  /** Record an infrastructure failure: retry with backoff, or dead once attempts are used up. */
  failInTx(
    tx: Tx,
    id: number,
    owner: string,
    error: string,
    now: number,
    options?: FailOptions,
  ): Promise<FailOutcome>;
  /**
   * Give a claimed job back without counting the attempt: a busy lease (defer) or a graceful
   * shutdown. It becomes runnable again at `availableAt`.
   */
  release(id: number, owner: string, availableAt: number, now: number, note?: string): Promise<boolean>;
  /** Cancel a task's queued jobs (escalation, cancellation). Running jobs finish and are ignored. */
  cancelQueuedForTaskInTx(tx: Tx, taskId: string, now: number): Promise<number>;
  /** A job by id: inside `tx` (its own writes included), or committed data when `tx` is null. */
  getInTx(tx: Tx | null, id: number): Promise<JobRow | null>;
  /** Jobs of a task that are queued or running (inside `tx` when given). */
  activeForTask(taskId: string, tx?: Tx): Promise<JobRow[]>;
  /** Queued and running jobs, for /queue. */
  active(): Promise<JobRow[]>;
  /** Count of jobs per state. */
  countByState(): Promise<Record<string, number>>;
}
