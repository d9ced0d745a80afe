/**
 * Workers: claim jobs with a lease, renew it while the handler runs, and record the outcome in
 * the same transaction as the engine event it produces. A handler that loses its lease is
 * aborted (another worker owns the job now), so one job never has two live runs.
 * On stop: no new claims; running jobs get a grace period, then are aborted and released.
 */
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { DomainEvent } from '../domain/events.ts';
import type { Engine } from '../engine/engine.ts';
import type { Store } from '../store/store.ts';
import { describeError, errorSentence, PermanentError, RetryableError } from '../errors.ts';
import type { JobQueue } from './job-queue.ts';
import type { JobKind, JobRow } from './job.ts';

/** What a handler reports: done (with the event its result means), or defer (a busy lease). */
export type JobOutcome = { type: 'done'; event?: DomainEvent } | { type: 'defer'; delayMs: number; reason: string };

/** Runs one kind of job. Throw RetryableError/PermanentError for infrastructure failures. */
export interface JobHandler {
  run(job: JobRow, signal: AbortSignal): Promise<JobOutcome>;
}

export interface WorkerPoolOptions {
  readonly name: string;
  readonly kinds: readonly JobKind[];
  readonly concurrency: number;
  readonly handlers: Partial<Record<JobKind, JobHandler>>;
  readonly leaseMs?: number;
  readonly pollMs?: number;
  readonly owner: string;
}

export class WorkerPool {
  private readonly running = new Map<number, { promise: Promise<void>; abort: AbortController }>();
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly options: WorkerPoolOptions,
    private readonly deps: {
      store: Store;
      queue: JobQueue;
      engine: Engine;
      clock: Clock;
      logger: Logger;
      /** Told how long each run took that ended in an outcome (not a lost lease or a shutdown). */
      onRun?: (job: JobRow, outcome: 'succeeded' | 'failed', ms: number) => void;
    },
  ) {
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 1_000;
    this.unsubscribe = deps.queue.onEnqueue(() => this.wake());
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Jobs this pool is running now. */
  get busy(): number {
    return this.running.size;
  }

  wake(): void {
    this.wakeUp?.();
  }

  /** Stop claiming; wait up to `graceMs` for running jobs, then abort and release them. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.unsubscribe();
    this.wake();
    await this.loop;
    const all = Promise.all([...this.running.values()].map((r) => r.promise));
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
    if ((await Promise.race([all.then(() => 'done' as const), timer])) === 'timeout') {
      for (const r of this.running.values()) r.abort.abort(new Error('shutting down'));
      await all;
    }
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      while (!this.stopping && this.running.size < this.options.concurrency) {
        const job = await this.claimNext();
        if (!job) break;
        this.launch(job);
        // Let timers, heartbeats and I/O run between claims: a backlog of instant jobs must not starve them.
        await new Promise((resolve) => setImmediate(resolve));
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = null;
    }
  }

  /** The next job, or null; a failing claim (database busy or gone) is logged and tried again at the next poll. */
  private async claimNext(): Promise<JobRow | null> {
    try {
      return await this.deps.queue.claim(this.options.kinds, this.options.owner, this.deps.clock.now(), this.leaseMs);
    } catch (error) {
      this.deps.logger.error({ pool: this.options.name, error: describeError(error) }, 'claiming a job failed; trying again at the next poll');
      return null;
    }
  }

  private launch(job: JobRow): void {
    const abort = new AbortController();
    const promise = this.execute(job, abort)
      .catch((error: unknown) => {
        this.deps.logger.error({ job: job.id, error: describeError(error) }, 'recording a job outcome failed; the lease will expire and the job run again');
        return null;
      })
      .then(async (next) => {
        // Yield before handing the slot on (it stays counted as busy meanwhile): a backlog of
        // instant jobs must not starve timers, heartbeats or I/O.
        if (next) await new Promise((resolve) => setImmediate(resolve));
        this.running.delete(job.id);
        if (next && this.stopping) await this.deps.queue.release(next.id, this.options.owner, this.deps.clock.now(), this.deps.clock.now(), 'released at shutdown');
        else if (next) this.launch(next);
        this.wake();
      });
    this.running.set(job.id, { promise, abort });
  }

  /** Run one job; resolves with the next job already claimed for this slot, if any. */
  private async execute(job: JobRow, abort: AbortController): Promise<JobRow | null> {
    const { queue, store, engine, clock } = this.deps;
    const owner = this.options.owner;
    const log = this.deps.logger.child({ job: job.id, kind: job.kind, task: job.taskId, attempt: job.attempts });
    if (job.attempts > job.maxAttempts) {
      // Reclaimed after its worker died on the last allowed attempt: do not run it again.
      await this.fail(job, both('lease expired on the last attempt (worker died)'), { permanent: true }, log);
      return null;
    }
    const handler = this.options.handlers[job.kind as JobKind];
    if (!handler) {
      await this.fail(job, both(`no handler for job kind ${job.kind}`), { permanent: true }, log);
      return null;
    }
    let leaseLost = false;
    const heartbeat = async (): Promise<void> => {
      try {
        if (!(await queue.heartbeat(job.id, owner, clock.now(), this.leaseMs))) {
          leaseLost = true;
          abort.abort(new Error('lease lost'));
        }
      } catch (error) {
        // The next beat tries again; the lease outlives a few missed ones.
        log.warn({ error: describeError(error) }, 'heartbeat failed');
      }
    };
    const beat = setInterval(() => void heartbeat(), Math.max(50, Math.floor(this.leaseMs / 3)));
    try {
      log.info({}, 'job started');
      const startedAt = clock.now();
      const outcome = await handler.run(job, abort.signal).catch((error: unknown) => {
        if (!leaseLost && !abort.signal.aborted) this.deps.onRun?.(job, 'failed', clock.now() - startedAt);
        throw error;
      });
      if (leaseLost) return null;
      if (outcome.type !== 'defer') this.deps.onRun?.(job, 'succeeded', clock.now() - startedAt);
      if (outcome.type === 'defer') {
        await queue.release(job.id, owner, clock.now() + outcome.delayMs, clock.now(), outcome.reason);
        log.info({ delayMs: outcome.delayMs, reason: outcome.reason }, 'job deferred');
        return null;
      }
      // Outcome, engine event and the claim of this slot's next job commit together.
      const result = await store.transaction(async (tx) => {
        if (!await queue.completeInTx(tx, job.id, owner, clock.now())) return { stale: true, next: null };
        if (outcome.event) await engine.handleInTx(tx, outcome.event);
        const next = this.stopping ? null : await queue.claimInTx(tx, this.options.kinds, owner, clock.now(), this.leaseMs);
        return { stale: false, next };
      });
      log.info({ stale: result.stale }, result.stale ? 'job finished after losing its lease; outcome dropped' : 'job succeeded');
      return result.next;
    } catch (error) {
      if (leaseLost) {
        log.warn({}, 'job lost its lease; another worker owns it');
      } else if (this.stopping && abort.signal.aborted) {
        await queue.release(job.id, owner, clock.now(), clock.now(), 'released at shutdown');
        log.info({}, 'job released at shutdown');
      } else {
        const retryAfterMs = error instanceof RetryableError ? error.retryAfterMs : undefined;
        await this.fail(job, { logged: describeError(error), said: errorSentence(error) }, { permanent: error instanceof PermanentError, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) }, log);
      }
      return null;
    } finally {
      clearInterval(beat);
    }
  }

  /** `logged` (with the error's class) goes to the job row and the log; `said` is what a dead job's escalation tells people. */
  private async fail(job: JobRow, error: { logged: string; said: string }, options: { permanent?: boolean; retryAfterMs?: number }, log: Logger): Promise<void> {
    const { queue, store, engine, clock } = this.deps;
    const outcome = await store.transaction(async (tx) => {
      const result = await queue.failInTx(tx, job.id, this.options.owner, error.logged, clock.now(), options);
      if (result.type === 'dead' && job.taskId) {
        await engine.handleInTx(tx, { type: 'JobDead', key: `job-dead:${job.id}`, taskId: job.taskId, jobId: job.id, kind: job.kind, error: error.said });
      }
      return result;
    });
    log.warn({ error: error.logged, outcome: outcome.type }, 'job failed');
  }
}

/** A failure Conveyor itself describes: the same words for the log and for people. */
function both(text: string): { logged: string; said: string } {
  return { logged: text, said: text };
}
