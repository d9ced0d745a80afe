/**
 * core's `JobQueue` on the PostgreSQL store: {@link PgJobQueue}'s SQL, with each `…InTx` method
 * run on the pooled connection of the store's open transaction (the {@link SqlTx}'s handle), so a
 * job change commits with the caller's state change. Enqueue wake-ups go out after the commit.
 */
import type pg from 'pg';
import type { FailOptions } from '../../core/queue/backoff.ts';
import type { FailOutcome, JobQueue } from '../../core/queue/job-queue.ts';
import type { JobKind, JobRow, NewJob } from '../../core/queue/job.ts';
import type { Tx } from '../../core/store/store.ts';
import { sqlTxHandle } from '../store-sql/sql-tx.ts';
import type { PgJobQueue } from './pg-job-queue.ts';

export class PgStoreQueue implements JobQueue {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly queue: PgJobQueue,
    /** Runs a write in a transaction of its own (the store's, so a nested call is refused). */
    private readonly transaction: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>,
  ) {}

  onEnqueue(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async enqueueInTx(tx: Tx, job: NewJob, now: number): Promise<number | null> {
    const id = await this.queue.enqueueInTx(client(tx), job, now);
    if (id !== null && this.listeners.size > 0) tx.afterCommit(() => this.listeners.forEach((l) => l()));
    return id;
  }

  async enqueue(job: NewJob, now: number): Promise<number | null> {
    return await this.transaction(async (tx) => await this.enqueueInTx(tx, job, now));
  }

  async claim(kinds: readonly JobKind[], owner: string, now: number, leaseMs: number): Promise<JobRow | null> {
    return await this.queue.claim(kinds, owner, now, leaseMs);
  }

  async claimInTx(tx: Tx, kinds: readonly JobKind[], owner: string, now: number, leaseMs: number): Promise<JobRow | null> {
    return await this.queue.claimInTx(client(tx), kinds, owner, now, leaseMs);
  }

  async heartbeat(id: number, owner: string, now: number, leaseMs: number): Promise<boolean> {
    return await this.queue.heartbeat(id, owner, now, leaseMs);
  }

  async completeInTx(tx: Tx, id: number, owner: string, now: number): Promise<boolean> {
    return await this.queue.completeInTx(client(tx), id, owner, now);
  }

  async failInTx(
    tx: Tx,
    id: number,
    owner: string,
    error: string,
    now: number,
    options: FailOptions = {},
  ): Promise<FailOutcome> {
    return await this.queue.failInTx(client(tx), id, owner, error, now, options);
  }

  async release(id: number, owner: string, availableAt: number, now: number, note?: string): Promise<boolean> {
    return await this.queue.release(id, owner, availableAt, now, note);
  }

  async cancelQueuedForTaskInTx(tx: Tx, taskId: string, now: number): Promise<number> {
    return await this.queue.cancelQueuedForTaskInTx(client(tx), taskId, now);
  }

  async getInTx(tx: Tx | null, id: number): Promise<JobRow | null> {
    return await this.queue.getInTx(tx === null ? null : client(tx), id);
  }

  async activeForTask(taskId: string, tx?: Tx): Promise<JobRow[]> {
    return await this.queue.activeForTask(taskId, tx === undefined ? undefined : client(tx));
  }

  async active(): Promise<JobRow[]> {
    return await this.queue.active();
  }

  async countByState(): Promise<Record<string, number>> {
    return await this.queue.countByState();
  }
}

function client(tx: Tx): pg.PoolClient {
  return sqlTxHandle<pg.PoolClient>(tx);
}
