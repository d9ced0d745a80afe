/**
 * The job queue contract: what the workers rely on, run unchanged against the SQLite `JobQueue`
 * and the PostgreSQL `PgJobQueue`. Every call is awaited, so a synchronous queue and an async one
 * pass the same suite; `write` is each store's unit of work (one transaction).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackoffPolicy, FailOptions } from '../../core/queue/backoff.ts';
import type { FailOutcome } from '../../core/queue/job-queue.ts';
import type { JobKind, JobRow, NewJob } from '../../core/queue/job.ts';

type Awaitable<T> = T | Promise<T>;

/** The queue surface both implementations offer (`Tx` is each store's transaction handle). */
export interface ContractQueue<Tx> {
  enqueue(job: NewJob, now: number): Awaitable<number | null>;
  enqueueInTx(tx: Tx, job: NewJob, now: number): Awaitable<number | null>;
  claim(kinds: readonly JobKind[], owner: string, now: number, leaseMs: number): Awaitable<JobRow | null>;
  claimInTx(tx: Tx, kinds: readonly JobKind[], owner: string, now: number, leaseMs: number): Awaitable<JobRow | null>;
  heartbeat(id: number, owner: string, now: number, leaseMs: number): Awaitable<boolean>;
  completeInTx(tx: Tx, id: number, owner: string, now: number): Awaitable<boolean>;
  failInTx(tx: Tx, id: number, owner: string, error: string, now: number, options?: FailOptions): Awaitable<FailOutcome>;
  release(id: number, owner: string, availableAt: number, now: number, note?: string): Awaitable<boolean>;
  cancelQueuedForTaskInTx(tx: Tx, taskId: string, now: number): Awaitable<number>;
  getInTx(tx: Tx | null, id: number): Awaitable<JobRow | null>;
  activeForTask(taskId: string): Awaitable<JobRow[]>;
  countByState(): Awaitable<Record<string, number>>;
}

/** One connection's queue and unit of work. */
export interface QueueSide<Tx> {
  readonly queue: ContractQueue<Tx>;
  /** Run `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  write<T>(fn: (tx: Tx) => Awaitable<T>): Promise<T>;
}

/** A fresh, empty queue for one test. */
export interface QueueFixture<Tx> extends QueueSide<Tx> {
  /** A queue on another connection to the same database (another process would do the same). */
  connect(): Promise<QueueSide<Tx>>;
  cleanup(): Promise<void>;
}

export const CONTRACT_POLICY: BackoffPolicy = { baseMs: 1_000, capMs: 5_000 };
export const CONTRACT_MAX_ATTEMPTS = 3;
const T0 = 1_800_000_000_000;
const LEASE = 1_000;

function job(key: string, extra: Partial<NewJob> = {}): NewJob {
  return { kind: 'ci', taskId: 'SHOP-1', payload: { key }, idempotencyKey: key, ...extra };
}

/** Run the contract; `open` builds a queue with {@link CONTRACT_POLICY} and {@link CONTRACT_MAX_ATTEMPTS}. */
export function describeJobQueueContract<Tx>(name: string, open: () => Promise<QueueFixture<Tx>>): void {
  describe(`job queue contract: ${name}`, () => {
    let f: QueueFixture<Tx>;
    let q: ContractQueue<Tx>;
    const row = async (id: number) => (await q.getInTx(null, id))!;
    const claim = (owner: string, now: number, kinds: readonly JobKind[] = ['ci']) => Promise.resolve(q.claim(kinds, owner, now, LEASE));
    beforeEach(async () => {
      f = await open();
      q = f.queue;
    });
    afterEach(async () => {
      await f.cleanup();
    });

    it('enqueues once per idempotency key', async () => {
      const first = await q.enqueue(job('k1'), T0);
      const second = await q.enqueue(job('k1', { payload: { other: true } }), T0 + 5);
      expect(first).toBeTypeOf('number');
      expect(second).toBeNull();
      expect(await q.countByState()).toEqual({ queued: 1 });
      expect((await row(first!)).payload).toEqual({ key: 'k1' });
    });

    it('claims due jobs by available_at then id, and respects delays', async () => {
      const now = (await q.enqueue(job('now'), T0))!;
      const early1 = (await q.enqueue(job('early-1', { availableAt: T0 - 100 }), T0))!;
      const early2 = (await q.enqueue(job('early-2', { availableAt: T0 - 100 }), T0))!;
      const later = (await q.enqueue(job('later', { availableAt: T0 + 1_000 }), T0))!;
      const order = [];
      for (let i = 0; i < 4; i++) order.push((await claim('w1', T0))?.id ?? null);
      expect(order).toEqual([early1, early2, now, null]);
      expect(await claim('w1', T0 + 999)).toBeNull();
      expect((await claim('w1', T0 + 1_000))?.id).toBe(later);
    });

    it('claims only the kinds asked for', async () => {
      const agent = (await q.enqueue(job('agent', { kind: 'agent' }), T0))!;
      expect(await claim('w1', T0, ['ci', 'merge'])).toBeNull();
      expect((await claim('w1', T0, ['agent']))?.id).toBe(agent);
    });

    it('marks a claimed job running with the lease owner and expiry, and counts the attempt', async () => {
      const id = (await q.enqueue(job('k'), T0))!;
      const claimed = (await claim('w1', T0 + 10))!;
      expect(claimed).toMatchObject({ id, state: 'running', leaseOwner: 'w1', leaseExpiresAt: T0 + 10 + LEASE, attempts: 1, startedAt: T0 + 10 });
      expect(claimed).toMatchObject({ kind: 'ci', taskId: 'SHOP-1', payload: { key: 'k' }, maxAttempts: 3, createdAt: T0 });
      expect(await row(id)).toEqual(claimed);
    });

    it('reclaims an expired lease for another owner; the old owner is then stale everywhere', async () => {
      const id = (await q.enqueue(job('k'), T0))!;
      await claim('old', T0);
      expect(await claim('new', T0 + LEASE)).toBeNull();
      expect(await claim('new', T0 + LEASE + 1)).toMatchObject({ id, leaseOwner: 'new', attempts: 2 });
      expect(await q.heartbeat(id, 'old', T0 + LEASE + 2, LEASE)).toBe(false);
      expect(await f.write((tx) => q.completeInTx(tx, id, 'old', T0 + LEASE + 3))).toBe(false);
      expect(await f.write((tx) => q.failInTx(tx, id, 'old', 'boom', T0 + LEASE + 4))).toEqual({ type: 'stale' });
      expect(await q.release(id, 'old', T0, T0 + LEASE + 5)).toBe(false);
      expect(await row(id)).toMatchObject({ state: 'running', leaseOwner: 'new', attempts: 2, lastError: null });
      expect(await f.write((tx) => q.completeInTx(tx, id, 'new', T0 + LEASE + 6))).toBe(true);
      expect(await row(id)).toMatchObject({ state: 'succeeded', leaseOwner: null, leaseExpiresAt: null, finishedAt: T0 + LEASE + 6 });
    });

    it('extends the lease on heartbeat', async () => {
      const id = (await q.enqueue(job('k'), T0))!;
      await claim('w1', T0);
      expect(await q.heartbeat(id, 'w1', T0 + 900, LEASE)).toBe(true);
      expect((await row(id)).leaseExpiresAt).toBe(T0 + 900 + LEASE);
      expect(await claim('w2', T0 + 1_500)).toBeNull();
      expect((await claim('w2', T0 + 1_901))?.leaseOwner).toBe('w2');
    });

    it('retries a failure after the backoff delay, then goes dead after maxAttempts', async () => {
      const id = (await q.enqueue(job('k'), T0))!;
      let now = T0;
      const outcomes: FailOutcome[] = [];
      for (let attempt = 1; attempt <= 3; attempt++) {
        expect((await claim('w1', now))?.attempts).toBe(attempt);
        const outcome = await f.write((tx) => q.failInTx(tx, id, 'w1', `boom ${attempt}`, now));
        outcomes.push(outcome);
        if (outcome.type !== 'retry') break;
        expect(outcome.availableAt).toBe(now + Math.min(CONTRACT_POLICY.capMs, CONTRACT_POLICY.baseMs * 2 ** (attempt - 1)));
        expect(await claim('w1', outcome.availableAt - 1)).toBeNull();
        now = outcome.availableAt;
      }
      expect(outcomes.map((o) => o.type)).toEqual(['retry', 'retry', 'dead']);
      expect(await row(id)).toMatchObject({ state: 'dead', attempts: 3, lastError: 'boom 3', leaseOwner: null, finishedAt: now });
      expect(await claim('w1', now + 60_000)).toBeNull();
    });

    it('honours retryAfterMs when it is longer than the backoff, and dies at once when permanent', async () => {
      const slow = (await q.enqueue(job('slow'), T0))!;
      await claim('w1', T0);
      expect(await f.write((tx) => q.failInTx(tx, slow, 'w1', 'rate limited', T0, { retryAfterMs: 30_000 }))).toEqual({ type: 'retry', availableAt: T0 + 30_000 });
      const broken = (await q.enqueue(job('broken'), T0))!;
      expect((await claim('w1', T0))?.id).toBe(broken);
      expect(await f.write((tx) => q.failInTx(tx, broken, 'w1', 'bad input', T0, { permanent: true }))).toEqual({ type: 'dead' });
      expect(await row(broken)).toMatchObject({ state: 'dead', attempts: 1 });
    });

    it('release gives the attempt back and requeues at the given time', async () => {
      const id = (await q.enqueue(job('k'), T0))!;
      await claim('w1', T0);
      expect(await q.release(id, 'w1', T0 + 500, T0 + 1, 'lease busy')).toBe(true);
      expect(await row(id)).toMatchObject({ state: 'queued', attempts: 0, availableAt: T0 + 500, leaseOwner: null, leaseExpiresAt: null, lastError: 'lease busy' });
      expect(await q.release(id, 'w1', T0, T0 + 2)).toBe(false);
      expect(await claim('w1', T0 + 499)).toBeNull();
      expect(await claim('w1', T0 + 500)).toMatchObject({ id, attempts: 1 });
    });

    it('cancels a task’s queued jobs but leaves its running ones and other tasks alone', async () => {
      const running = (await q.enqueue(job('running'), T0))!;
      await claim('w1', T0);
      const queued = (await q.enqueue(job('queued', { kind: 'agent' }), T0))!;
      const other = (await q.enqueue(job('other', { taskId: 'SHOP-2' }), T0))!;
      expect(await f.write((tx) => q.cancelQueuedForTaskInTx(tx, 'SHOP-1', T0 + 1))).toBe(1);
      expect(await row(queued)).toMatchObject({ state: 'cancelled', finishedAt: T0 + 1 });
      expect(await row(running)).toMatchObject({ state: 'running', leaseOwner: 'w1' });
      expect((await row(other)).state).toBe('queued');
      expect((await q.activeForTask('SHOP-1')).map((j) => j.id)).toEqual([running]);
      expect(await f.write((tx) => q.completeInTx(tx, running, 'w1', T0 + 2))).toBe(true);
    });

    it('commits the in-transaction calls with the transaction, and rolls them back with it', async () => {
      await expect(
        f.write(async (tx) => {
          await q.enqueueInTx(tx, job('rolled-back'), T0);
          throw new Error('the caller failed');
        }),
      ).rejects.toThrow('the caller failed');
      expect(await q.countByState()).toEqual({});
      const first = (await q.enqueue(job('first'), T0))!;
      const second = (await q.enqueue(job('second'), T0))!;
      await claim('w1', T0);
      const next = await f.write(async (tx) => {
        expect(await q.completeInTx(tx, first, 'w1', T0 + 1)).toBe(true);
        return q.claimInTx(tx, ['ci'], 'w1', T0 + 1, LEASE);
      });
      expect(next).toMatchObject({ id: second, leaseOwner: 'w1' });
      expect(await q.countByState()).toEqual({ succeeded: 1, running: 1 });
    });

    it('never hands one job to two connections claiming at the same time', async () => {
      const other = await f.connect();
      const sides: readonly QueueSide<Tx>[] = [f, other];
      const total = 300;
      await f.write(async (tx) => {
        for (let i = 0; i < total; i++) await q.enqueueInTx(tx, job(`j${i}`), T0);
      });
      const claimed: number[][] = [[], []];
      const worker = async (side: 0 | 1) => {
        const { queue } = sides[side]!;
        const write = <T,>(fn: (tx: Tx) => Awaitable<T>) => sides[side]!.write(fn);
        for (;;) {
          const next = await queue.claim(['ci'], `conn-${side}`, T0, LEASE);
          if (!next) return;
          claimed[side]!.push(next.id);
          await new Promise((resolve) => setImmediate(resolve));
          expect(await write((tx) => queue.completeInTx(tx, next.id, `conn-${side}`, T0))).toBe(true);
        }
      };
      await Promise.all([worker(0), worker(1)]);
      const all = [...claimed[0]!, ...claimed[1]!];
      expect(claimed[0]!.length).toBeGreaterThan(0);
      expect(claimed[1]!.length).toBeGreaterThan(0);
      expect(new Set(all).size).toBe(total);
      expect(all.length).toBe(total);
      expect(await q.countByState()).toEqual({ succeeded: total });
    });
  });
}
