/**
 * The worker pool on a real SQLite file with the real engine: retries with backoff then dead and
 * escalated, the concurrency bound, lease loss, graceful stop, typed errors, and a crash on the
 * last attempt. Handlers are plain JobHandler objects; time is the real clock with tiny delays.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseProjects } from '../../core/config/projects.ts';
import type { DomainEvent } from '../../core/domain/events.ts';
import { Engine, randomId } from '../../core/engine/engine.ts';
import { PermanentError, RetryableError } from '../../core/errors.ts';
import { systemClock } from '../../core/ports/clock.ts';
import { silentLogger, type Logger } from '../../core/ports/logger.ts';
import { SqliteJobQueue as JobQueue } from '../../adapters/store-sqlite/sqlite-job-queue.ts';
import type { JobKind, JobRow } from '../../core/queue/job.ts';
import { WorkerPool, type JobHandler, type JobOutcome } from '../../core/queue/worker-pool.ts';
import { pendingOutbox } from '../../core/store/outbox-repo.ts';
import { getTask } from '../../core/store/task-repo.ts';
import { hasEventKey, lastTransition } from '../../core/store/transition-log.ts';
import { createTempStore, type TempStore } from '../support/temp-store.ts';

const BACKOFF = { baseMs: 20, capMs: 100 };
const MAX_ATTEMPTS = 3;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

function projectMap() {
  const parsed = parseProjects(
    JSON.stringify({
      projects: [
        {
          id: 'SHOP',
          repo: 'acme/shop',
          cloneUrl: '/nonexistent/shop.git',
          chatId: -100123,
          approvers: [111],
          agents: { default: 'true' },
        },
      ],
    }),
    'test projects',
  );
  if (parsed.type !== 'ok') throw new Error(parsed.problems.join('; '));
  return new Map(parsed.projects.map((p) => [p.id, p]));
}

function handler(run: (job: JobRow, signal: AbortSignal) => Promise<JobOutcome>): JobHandler {
  return { run };
}

describe('WorkerPool', () => {
  let temp: TempStore;
  let queue: JobQueue;
  let engine: Engine;
  let pools: WorkerPool[];

  beforeEach(() => {
    temp = createTempStore();
    queue = new JobQueue(temp.store, BACKOFF, MAX_ATTEMPTS);
    const deps = {
      queue,
      projects: projectMap(),
      maxDeveloperRetries: 3,
      trackerEnabled: false,
      forgeEnabled: false,
      newId: randomId,
      logger: silentLogger,
    };
    engine = new Engine(temp.store, deps, systemClock);
    pools = [];
  });
  afterEach(async () => {
    await Promise.all(pools.map((p) => p.stop(1_000)));
    temp.cleanup();
  });

  function pool(
    kinds: JobKind[],
    handlers: Partial<Record<JobKind, JobHandler>>,
    options: { concurrency?: number; leaseMs?: number; owner?: string } = {},
  ): WorkerPool {
    const made = new WorkerPool(
      {
        name: 'test',
        kinds,
        concurrency: options.concurrency ?? 1,
        handlers,
        leaseMs: options.leaseMs ?? 10_000,
        pollMs: 5,
        owner: options.owner ?? 'pool-1',
      },
      { store: temp.store, queue, engine, clock: systemClock, logger: silentLogger },
    );
    pools.push(made);
    return made;
  }

  /** A task at analysis with its analyst job queued (kind `agent`); returns that job's id. */
  async function requestTask(): Promise<number> {
    const outcome = await engine.handle({
      type: 'TaskRequested',
      key: 'chat:1',
      projectId: 'SHOP',
      title: 'Add wishlist button',
      source: 'chat',
      actor: 'telegram:111',
    });
    expect(outcome).toEqual({ type: 'created', taskId: 'SHOP-1' });
    const [analyst] = await queue.activeForTask('SHOP-1');
    expect(analyst).toMatchObject({ kind: 'agent', state: 'queued', payload: { role: 'analyst' } });
    return analyst!.id;
  }

  const jobOf = async (id: number) => (await queue.getInTx(null, id))!;
  const enqueue = async (key: string, kind: JobKind = 'ci', taskId: string | null = null) =>
    (await queue.enqueue({ kind, taskId, payload: {}, idempotencyKey: key }, Date.now()))!;

  it('keeps polling when a claim fails (database busy or gone for a moment)', async () => {
    const id = await enqueue('claim-fails');
    const real = queue.claim.bind(queue);
    let failures = 0;
    queue.claim = async (...args: Parameters<JobQueue['claim']>) => {
      if (failures < 3) {
        failures += 1;
        throw new Error('SQLITE_BUSY: database is locked');
      }
      return await real(...args);
    };
    pool(['ci'], { ci: handler(async () => ({ type: 'done' })) }).start();
    await waitFor(async () => (await jobOf(id)).state === 'succeeded', 'the job to run after the failed claims');
    expect(failures).toBe(3);
  });

  it('retries a failing job with growing backoff, stops at maxAttempts, and escalates its task', async () => {
    const id = await requestTask();
    const calls: number[] = [];
    pool(['agent'], {
      agent: handler(async () => {
        calls.push(Date.now());
        throw new RetryableError('agent process crashed');
      }),
    }).start();
    await waitFor(async () => (await jobOf(id)).state === 'dead', 'the job to die');
    await sleep(400); // four times the backoff cap: a spinning worker would have called again
    const gaps = calls.slice(1).map((at, i) => at - calls[i]!);
    console.log(`[figure] always-failing job: runs ${calls.length} (max ${MAX_ATTEMPTS}), gaps ${gaps.join(', ')} ms, state ${(await jobOf(id)).state}, runs after dead ${calls.length - MAX_ATTEMPTS}`);
    expect(calls).toHaveLength(MAX_ATTEMPTS);
    expect(calls[1]! - calls[0]!).toBeGreaterThanOrEqual(BACKOFF.baseMs);
    expect(calls[2]! - calls[1]!).toBeGreaterThanOrEqual(BACKOFF.baseMs * 2);
    expect(await jobOf(id)).toMatchObject({
      attempts: MAX_ATTEMPTS,
      lastError: 'RetryableError: agent process crashed',
      leaseOwner: null,
    });
    expect(await getTask(temp.store.db, 'SHOP-1')).toMatchObject({
      escalated: true,
      escalationReason: 'agent job failed: agent process crashed',
    });
    expect(await hasEventKey(temp.store.db, `job-dead:${id}`)).toBe(true);
    expect(await lastTransition(temp.store.db, 'SHOP-1')).toMatchObject({
      actor: 'worker',
      reason: expect.stringMatching(/^escalated: agent job failed/),
    });
    expect((await pendingOutbox(temp.store.db, Date.now(), 50)).filter((r) => r.kind === 'escalation')).toHaveLength(
      1,
    );
  });

  it('never runs more handlers at once than its concurrency', async () => {
    let active = 0;
    let peak = 0;
    let calls = 0;
    for (let i = 0; i < 6; i++) await enqueue(`slow-${i}`);
    pool(
      ['ci'],
      {
        ci: handler(async () => {
          calls += 1;
          active += 1;
          peak = Math.max(peak, active);
          await sleep(40);
          active -= 1;
          return { type: 'done' };
        }),
      },
      { concurrency: 2 },
    ).start();
    await waitFor(async () => (await queue.countByState()).succeeded === 6, 'all six jobs to succeed');
    expect(peak).toBe(2);
    expect(calls).toBe(6);
  });

  it('aborts a handler whose lease was reclaimed and drops its outcome', async () => {
    await requestTask();
    const id = await enqueue('SHOP-1:forge:open-pr', 'forge', 'SHOP-1');
    let started = false;
    let seen: { aborted: boolean; reason: string } | null = null;
    const opened: DomainEvent = {
      type: 'PullRequestOpened',
      key: 'forge:pr:7',
      taskId: 'SHOP-1',
      number: 7,
      actor: 'forge',
    };
    const workers = pool(
      ['forge'],
      {
        forge: handler(async (_job, signal) => {
          started = true;
          await new Promise((resolve) => {
            signal.addEventListener('abort', resolve, { once: true });
            setTimeout(resolve, 3_000);
          });
          seen = { aborted: signal.aborted, reason: String(signal.reason) };
          // Finishing anyway, as a careless handler would: the pool must still drop the outcome.
          return { type: 'done', event: opened };
        }),
      },
      { leaseMs: 150 },
    );
    workers.start();
    await waitFor(() => started, 'the handler to start');
    // Another worker whose clock is past the lease takes the job over.
    const intruder = await queue.claim(['forge'], 'intruder', Date.now() + 10_000, 60_000);
    expect(intruder).toMatchObject({ id, attempts: 2, leaseOwner: 'intruder' });
    await waitFor(() => seen !== null && workers.busy === 0, 'the handler to be aborted and settle', 2_000);
    expect(seen).toEqual({ aborted: true, reason: 'Error: lease lost' });
    expect(await jobOf(id)).toMatchObject({ state: 'running', leaseOwner: 'intruder', lastError: null });
    expect((await getTask(temp.store.db, 'SHOP-1'))?.prNumber).toBeNull();
    expect(await hasEventKey(temp.store.db, opened.key)).toBe(false);
    expect(await temp.store.transaction(async (tx) => await queue.completeInTx(tx, id, 'intruder', Date.now()))).toBe(true);
    expect((await jobOf(id)).state).toBe('succeeded');
  });

  it('on stop, waits out the grace period, then aborts and releases the running job with its attempt restored', async () => {
    const id = await enqueue('long');
    let signalSeen: AbortSignal | null = null;
    const workers = pool(['ci'], {
      ci: handler(async (_job, signal) => {
        signalSeen = signal;
        await new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }),
        );
        return { type: 'done' };
      }),
    });
    workers.start();
    await waitFor(() => signalSeen !== null, 'the handler to start');
    expect(await jobOf(id)).toMatchObject({ state: 'running', attempts: 1 });
    const began = Date.now();
    await workers.stop(100);
    expect(Date.now() - began).toBeGreaterThanOrEqual(99);
    expect(signalSeen!.aborted).toBe(true);
    expect(await jobOf(id)).toMatchObject({
      state: 'queued',
      attempts: 0,
      leaseOwner: null,
      leaseExpiresAt: null,
      lastError: 'released at shutdown',
    });
    // A stopped pool claims nothing more; the released job is runnable at once by anyone else.
    const late = await enqueue('late');
    await sleep(50);
    expect((await jobOf(late)).state).toBe('queued');
    expect(await queue.claim(['ci'], 'next-process', Date.now(), 1_000)).toMatchObject({ id, attempts: 1 });
  });

  it('on stop, lets a job that finishes within the grace period complete', async () => {
    const id = await enqueue('short');
    let started = false;
    const workers = pool(['ci'], {
      ci: handler(async () => {
        started = true;
        await sleep(50);
        return { type: 'done' };
      }),
    });
    workers.start();
    await waitFor(() => started, 'the handler to start');
    await workers.stop(2_000);
    expect(await jobOf(id)).toMatchObject({ state: 'succeeded', attempts: 1 });
  });

  it('kills a job at once on PermanentError', async () => {
    const id = await enqueue('broken');
    let calls = 0;
    pool(['ci'], {
      ci: handler(async () => {
        calls += 1;
        throw new PermanentError('repository not found');
      }),
    }).start();
    await waitFor(async () => (await jobOf(id)).state === 'dead', 'the job to die');
    await sleep(150);
    expect(calls).toBe(1);
    expect(await jobOf(id)).toMatchObject({ attempts: 1, lastError: 'PermanentError: repository not found' });
  });

  it('escalates a PermanentError with its sentence for people and keeps the class for the log', async () => {
    const id = await requestTask();
    const logged: unknown[] = [];
    const logger: Logger = { ...silentLogger, warn: (fields) => void logged.push(fields), child: () => logger };
    const made = new WorkerPool(
      { name: 'test', kinds: ['agent'], concurrency: 1, handlers: { agent: handler(async () => { throw new PermanentError('agent command not found: claude (projects[SHOP].agents.default)'); }) }, leaseMs: 10_000, pollMs: 5, owner: 'pool-1' },
      { store: temp.store, queue, engine, clock: systemClock, logger },
    );
    pools.push(made);
    made.start();
    await waitFor(async () => (await getTask(temp.store.db, 'SHOP-1'))?.escalated === true, 'the task to escalate');
    expect((await getTask(temp.store.db, 'SHOP-1'))?.escalationReason).toBe('agent job failed: agent command not found: claude (projects[SHOP].agents.default)');
    expect((await jobOf(id)).lastError).toBe('PermanentError: agent command not found: claude (projects[SHOP].agents.default)');
    expect(logged).toContainEqual(expect.objectContaining({ error: 'PermanentError: agent command not found: claude (projects[SHOP].agents.default)' }));
  });

  it('waits retryAfterMs before retrying a RetryableError that names a delay', async () => {
    const id = await enqueue('rate-limited');
    const calls: number[] = [];
    pool(['ci'], {
      ci: handler(async () => {
        calls.push(Date.now());
        if (calls.length === 1) throw new RetryableError('429 from the forge', 300);
        return { type: 'done' };
      }),
    }).start();
    await waitFor(async () => (await jobOf(id)).lastError !== null, 'the first failure');
    const failed = await jobOf(id);
    expect(failed).toMatchObject({
      state: 'queued',
      attempts: 1,
      lastError: 'RetryableError: 429 from the forge',
    });
    expect(failed.availableAt - failed.updatedAt).toBe(300);
    await waitFor(async () => (await jobOf(id)).state === 'succeeded', 'the retry to succeed');
    expect(calls).toHaveLength(2);
    expect(calls[1]!).toBeGreaterThanOrEqual(failed.availableAt);
    expect((await jobOf(id)).attempts).toBe(2);
  });

  it('releases a deferred job without counting the attempt', async () => {
    const id = await enqueue('merge', 'merge');
    let calls = 0;
    pool(['merge'], {
      merge: handler(async () => {
        calls += 1;
        return { type: 'defer', delayMs: 5_000, reason: 'merge lease held by SHOP-2' };
      }),
    }).start();
    await waitFor(async () => (await jobOf(id)).state === 'queued' && calls === 1, 'the deferral');
    const deferred = await jobOf(id);
    expect(deferred).toMatchObject({
      attempts: 0,
      lastError: 'merge lease held by SHOP-2',
      leaseOwner: null,
    });
    expect(deferred.availableAt - deferred.updatedAt).toBe(5_000);
  });

  // The claim loop yields between claims, so a backlog of handlers that resolve at once cannot
  // starve timers (heartbeats, the HTTP listener).
  it('yields to timers while draining a backlog of instant jobs', async () => {
    for (let i = 0; i < 200; i++) await enqueue(`instant-${i}`, 'cleanup');
    let done = 0;
    pool(['cleanup'], {
      cleanup: handler(async () => {
        done += 1;
        return { type: 'done' };
      }),
    }).start();
    const doneWhenTimerRan = await new Promise<number>((resolve) => setTimeout(() => resolve(done), 0));
    expect(doneWhenTimerRan).toBeLessThan(200);
  });

  it('does not run again a job whose worker died on its last attempt: it goes dead and escalates', async () => {
    const id = await requestTask();
    const t = Date.now();
    // Three workers claim it in turn and die without a word; each lease expires a millisecond later.
    for (let crash = 0; crash < MAX_ATTEMPTS; crash++) {
      expect(await queue.claim(['agent'], `crashed-${crash}`, t + 2 * crash, 1)).toMatchObject({
        id,
        attempts: crash + 1,
      });
    }
    await sleep(10);
    let calls = 0;
    pool(['agent'], {
      agent: handler(async () => {
        calls += 1;
        return { type: 'done' };
      }),
    }).start();
    await waitFor(async () => (await jobOf(id)).state === 'dead', 'the job to die');
    expect(calls).toBe(0);
    expect(await jobOf(id)).toMatchObject({
      attempts: MAX_ATTEMPTS + 1,
      lastError: 'lease expired on the last attempt (worker died)',
    });
    expect((await getTask(temp.store.db, 'SHOP-1'))?.escalated).toBe(true);
  });
});
