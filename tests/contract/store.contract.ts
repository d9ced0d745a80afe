/**
 * The store contract: what the engine, the queue and the workers rely on from the SQLite store
 * and its repositories. Every way of opening a store runs this one suite, so none can drift.
 * Tests that need a second connection (another process on the same file) are skipped, with the
 * reason, where the fixture cannot share its database.
 */
import { mapInOrder } from '../../core/map-in-order.ts';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteJobQueue as JobQueue } from '../../adapters/store-sqlite/sqlite-job-queue.ts';
import type { NewJob } from '../../core/queue/job.ts';
import {
  decideApproval,
  getApproval,
  insertApproval,
  pendingApproval,
} from '../../core/store/approval-repo.ts';
import { MIGRATIONS_DIR, type SqliteStore as Store } from '../../adapters/store-sqlite/sqlite-store.ts';
import { acquireLease, listLeases, releaseLease } from '../../core/store/lease-repo.ts';
import { addOutbox, markOutboxDone, pendingOutbox } from '../../core/store/outbox-repo.ts';
import {
  appendTransition,
  hasEventKey,
  transitionsOf,
  type NewTransition,
} from '../../core/store/transition-log.ts';

/** What one contract test needs. */
export interface StoreFixture {
  readonly store: Store;
  /** Close the store and open the same database again (a restart); returns the new store. */
  reopen(): Store;
  /** Another connection to the same database; absent where it cannot be shared (`:memory:`). */
  connect?(): Store;
  cleanup(): void;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const T0 = 1_800_000_000_000;
const LEASE = 1_000;
const policy = { baseMs: 1_000, capMs: 5_000 };

function job(key: string, extra: Partial<NewJob> = {}): NewJob {
  return { kind: 'ci', taskId: 'SHOP-1', payload: { key }, idempotencyKey: key, ...extra };
}

function transition(taskId: string, eventKey: string | null): NewTransition {
  return {
    taskId,
    fromStage: 'analysis',
    fromPhase: 'working',
    toStage: 'analysis',
    toPhase: 'awaiting-approval',
    reason: 'test',
    actor: 'test',
    eventKey,
    at: T0,
  };
}

/** Run the shared store suite against the stores `open` builds. */
export function describeStoreContract(name: string, open: () => StoreFixture): void {
  describe(`store contract: ${name}`, () => {
    let f: StoreFixture;
    let store: Store;
    let queue: JobQueue;
    beforeEach(() => {
      f = open();
      store = f.store;
      queue = new JobQueue(store, policy, 3);
    });
    afterEach(() => f.cleanup());

    const jobRow = async (id: number) => (await queue.getInTx(null, id))!;

    describe('opening', () => {
      it('applies every committed migration once, and reopening applies none again', () => {
        const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as {
          entries: unknown[];
        };
        const applied = () =>
          (store.sqlite.prepare('SELECT COUNT(*) AS n FROM __drizzle_migrations').get() as { n: number }).n;
        const tables = () =>
          (
            store.sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as {
              name: string;
            }[]
          ).map((t) => t.name);
        expect(applied()).toBe(journal.entries.length);
        expect(tables()).toEqual(
          expect.arrayContaining([
            'projects',
            'tasks',
            'transitions',
            'jobs',
            'inbox',
            'outbox',
            'cards',
            'approvals',
            'leases',
            'ci_statuses',
            'kv',
          ]),
        );
        store = f.reopen();
        store = f.reopen();
        expect(applied()).toBe(journal.entries.length);
      });

      it('runs in WAL mode with a busy timeout, NORMAL sync and foreign keys, on every connection', () => {
        const check = (s: Store) => {
          expect(s.sqlite.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(1000);
          expect(s.sqlite.pragma('synchronous', { simple: true })).toBe(1);
          expect(s.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
        };
        check(store);
        if (store.path !== ':memory:')
          expect(store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
        check(f.reopen());
      });

      it('keeps committed rows across a close and reopen', async () => {
        const id = (await queue.enqueue(job('durable'), T0))!;
        await queue.claim(['ci'], 'w1', T0, LEASE);
        await store.transaction(async (tx) => {
          await appendTransition(tx, transition('SHOP-1', 'ev-1'));
          await insertApproval(tx, {
            id: 'a1',
            taskId: 'SHOP-1',
            gate: 'brd',
            round: 1,
            state: 'pending',
            summary: 'BRD',
            createdAt: T0,
          });
          await acquireLease(tx, 'merge:SHOP', 'SHOP-1', 60_000, T0);
        });
        store = f.reopen();
        const again = await new JobQueue(store, policy, 3).getInTx(null, id);
        expect(again).toMatchObject({
          state: 'running',
          leaseOwner: 'w1',
          attempts: 1,
          payload: { key: 'durable' },
        });
        expect(await hasEventKey(store.db, 'ev-1')).toBe(true);
        expect((await getApproval(store.db, 'a1'))?.state).toBe('pending');
        expect(await listLeases(store.db)).toMatchObject([{ name: 'merge:SHOP', holder: 'SHOP-1' }]);
      });
    });

    describe('jobs', () => {
      it('enqueues once per idempotency key', async () => {
        const first = await queue.enqueue(job('k1'), T0);
        const second = await queue.enqueue(job('k1', { payload: { other: true } }), T0 + 5);
        expect(first).toBeTypeOf('number');
        expect(second).toBeNull();
        expect(await queue.countByState()).toEqual({ queued: 1 });
        expect((await jobRow(first!)).payload).toEqual({ key: 'k1' });
      });

      it('claims due jobs by available_at then id, and respects delays', async () => {
        const now = (await queue.enqueue(job('now'), T0))!;
        const early1 = (await queue.enqueue(job('early-1', { availableAt: T0 - 100 }), T0))!;
        const early2 = (await queue.enqueue(job('early-2', { availableAt: T0 - 100 }), T0))!;
        const later = (await queue.enqueue(job('later', { availableAt: T0 + 1_000 }), T0))!;
        const order = await mapInOrder([1, 2, 3, 4], async () => (await queue.claim(['ci'], 'w1', T0, LEASE))?.id ?? null);
        expect(order).toEqual([early1, early2, now, null]);
        expect(await queue.claim(['ci'], 'w1', T0 + 999, LEASE)).toBeNull();
        expect((await queue.claim(['ci'], 'w1', T0 + 1_000, LEASE))?.id).toBe(later);
      });

      it('claims only the kinds asked for', async () => {
        const agent = (await queue.enqueue(job('agent', { kind: 'agent' }), T0))!;
        expect(await queue.claim(['ci', 'merge'], 'w1', T0, LEASE)).toBeNull();
        expect((await queue.claim(['agent'], 'w1', T0, LEASE))?.id).toBe(agent);
      });

      it('marks a claimed job running with the lease owner and expiry, and counts the attempt', async () => {
        const id = (await queue.enqueue(job('k'), T0))!;
        const claimed = (await queue.claim(['ci'], 'w1', T0 + 10, LEASE))!;
        expect(claimed).toMatchObject({
          id,
          state: 'running',
          leaseOwner: 'w1',
          leaseExpiresAt: T0 + 10 + LEASE,
          attempts: 1,
          startedAt: T0 + 10,
        });
        expect(await jobRow(id)).toEqual(claimed);
      });

      it('reclaims an expired lease for another owner; the old owner is then stale everywhere', async () => {
        const id = (await queue.enqueue(job('k'), T0))!;
        await queue.claim(['ci'], 'old', T0, LEASE);
        expect(await queue.claim(['ci'], 'new', T0 + LEASE, LEASE)).toBeNull();
        const reclaimed = (await queue.claim(['ci'], 'new', T0 + LEASE + 1, LEASE))!;
        expect(reclaimed).toMatchObject({ id, leaseOwner: 'new', attempts: 2 });
        expect(await queue.heartbeat(id, 'old', T0 + LEASE + 2, LEASE)).toBe(false);
        expect(await store.transaction(async (tx) => await queue.completeInTx(tx, id, 'old', T0 + LEASE + 3))).toBe(false);
        expect(await store.transaction(async (tx) => await queue.failInTx(tx, id, 'old', 'boom', T0 + LEASE + 4))).toEqual({
          type: 'stale',
        });
        expect(await queue.release(id, 'old', T0, T0 + LEASE + 5)).toBe(false);
        expect(await jobRow(id)).toMatchObject({
          state: 'running',
          leaseOwner: 'new',
          attempts: 2,
          lastError: null,
        });
        expect(await store.transaction(async (tx) => await queue.completeInTx(tx, id, 'new', T0 + LEASE + 6))).toBe(true);
        expect(await jobRow(id)).toMatchObject({
          state: 'succeeded',
          leaseOwner: null,
          finishedAt: T0 + LEASE + 6,
        });
      });

      it('extends the lease on heartbeat', async () => {
        const id = (await queue.enqueue(job('k'), T0))!;
        await queue.claim(['ci'], 'w1', T0, LEASE);
        expect(await queue.heartbeat(id, 'w1', T0 + 900, LEASE)).toBe(true);
        expect((await jobRow(id)).leaseExpiresAt).toBe(T0 + 900 + LEASE);
        expect(await queue.claim(['ci'], 'w2', T0 + 1_500, LEASE)).toBeNull();
        expect((await queue.claim(['ci'], 'w2', T0 + 1_901, LEASE))?.leaseOwner).toBe('w2');
      });

      it('retries a failure after the backoff delay, then goes dead after maxAttempts', async () => {
        const id = (await queue.enqueue(job('k'), T0))!;
        let now = T0;
        const outcomes = [];
        for (let attempt = 1; attempt <= 3; attempt++) {
          const claimed = await queue.claim(['ci'], 'w1', now, LEASE);
          expect(claimed?.attempts).toBe(attempt);
          const outcome = await store.transaction(async (tx) => await queue.failInTx(tx, id, 'w1', `boom ${attempt}`, now));
          outcomes.push(outcome);
          if (outcome.type !== 'retry') break;
          const delay = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
          expect(outcome.availableAt).toBe(now + delay);
          expect(await queue.claim(['ci'], 'w1', outcome.availableAt - 1, LEASE)).toBeNull();
          now = outcome.availableAt;
        }
        expect(outcomes.map((o) => o.type)).toEqual(['retry', 'retry', 'dead']);
        expect(await jobRow(id)).toMatchObject({
          state: 'dead',
          attempts: 3,
          lastError: 'boom 3',
          leaseOwner: null,
          finishedAt: now,
        });
        expect(await queue.claim(['ci'], 'w1', now + 60_000, LEASE)).toBeNull();
      });

      it('honours retryAfterMs when it is longer than the backoff, and dies at once when permanent', async () => {
        const slow = (await queue.enqueue(job('slow'), T0))!;
        await queue.claim(['ci'], 'w1', T0, LEASE);
        expect(
          await store.transaction(async (tx) => await queue.failInTx(tx, slow, 'w1', 'rate limited', T0, { retryAfterMs: 30_000 })),
        ).toEqual({ type: 'retry', availableAt: T0 + 30_000 });
        const broken = (await queue.enqueue(job('broken'), T0))!;
        expect((await queue.claim(['ci'], 'w1', T0, LEASE))?.id).toBe(broken);
        expect(
          await store.transaction(async (tx) => await queue.failInTx(tx, broken, 'w1', 'bad input', T0, { permanent: true })),
        ).toEqual({ type: 'dead' });
        expect(await jobRow(broken)).toMatchObject({ state: 'dead', attempts: 1 });
      });

      it('release gives the attempt back and requeues at the given time', async () => {
        const id = (await queue.enqueue(job('k'), T0))!;
        await queue.claim(['ci'], 'w1', T0, LEASE);
        expect(await queue.release(id, 'w1', T0 + 500, T0 + 1, 'lease busy')).toBe(true);
        expect(await jobRow(id)).toMatchObject({
          state: 'queued',
          attempts: 0,
          availableAt: T0 + 500,
          leaseOwner: null,
          leaseExpiresAt: null,
          lastError: 'lease busy',
        });
        expect(await queue.release(id, 'w1', T0, T0 + 2)).toBe(false);
        expect(await queue.claim(['ci'], 'w1', T0 + 499, LEASE)).toBeNull();
        expect(await queue.claim(['ci'], 'w1', T0 + 500, LEASE)).toMatchObject({ id, attempts: 1 });
      });

      it('cancels a task’s queued jobs but leaves its running ones and other tasks alone', async () => {
        const running = (await queue.enqueue(job('running'), T0))!;
        await queue.claim(['ci'], 'w1', T0, LEASE);
        const queued = (await queue.enqueue(job('queued', { kind: 'agent' }), T0))!;
        const other = (await queue.enqueue(job('other', { taskId: 'SHOP-2' }), T0))!;
        expect(await store.transaction(async (tx) => await queue.cancelQueuedForTaskInTx(tx, 'SHOP-1', T0 + 1))).toBe(1);
        expect(await jobRow(queued)).toMatchObject({ state: 'cancelled', finishedAt: T0 + 1 });
        expect(await jobRow(running)).toMatchObject({ state: 'running', leaseOwner: 'w1' });
        expect((await jobRow(other)).state).toBe('queued');
        expect(await store.transaction(async (tx) => await queue.completeInTx(tx, running, 'w1', T0 + 2))).toBe(true);
      });

      it('never hands one job to two connections claiming in turn', async (ctx) => {
        if (!f.connect) return ctx.skip('needs a second connection to the same database');
        const other = f.connect();
        const queues = [queue, new JobQueue(other, policy, 3)] as const;
        const stores = [store, other] as const;
        const total = 500;
        await store.transaction(async (tx) => {
          for (let i = 0; i < total; i++) await queue.enqueueInTx(tx, job(`j${i}`), T0);
        });
        const claimed: number[][] = [[], []];
        const worker = async (side: 0 | 1) => {
          for (;;) {
            const next = await queues[side].claim(['ci'], `conn-${side}`, T0, LEASE);
            if (!next) return;
            claimed[side]!.push(next.id);
            // Yield between claim and completion so the other connection claims in between.
            await new Promise((resolve) => setImmediate(resolve));
            expect(
              await stores[side].transaction(async (tx) => await queues[side].completeInTx(tx, next.id, `conn-${side}`, T0)),
            ).toBe(true);
          }
        };
        await Promise.all([worker(0), worker(1)]);
        const all = [...claimed[0]!, ...claimed[1]!];
        expect(claimed[0]!.length).toBeGreaterThan(0);
        expect(claimed[1]!.length).toBeGreaterThan(0);
        expect(new Set(all).size).toBe(all.length);
        expect(all.length).toBe(total);
        expect(await queue.countByState()).toEqual({ succeeded: total });
      });

      it('never hands one job to two processes claiming at the same time, and never reports SQLITE_BUSY', async (ctx) => {
        if (!f.connect || store.path === ':memory:')
          return ctx.skip('needs a database file another process can open');
        const total = 1_000;
        await store.transaction(async (tx) => {
          for (let i = 0; i < total; i++) await queue.enqueueInTx(tx, job(`p${i}`), Date.now());
        });
        const child = await startClaimer(store.path);
        try {
          const mine: number[] = [];
          const errors: string[] = [];
          child.go();
          // Start once the child has claimed its first job, so both really contend (on a loaded
          // machine either side could otherwise drain all jobs before the other starts).
          const claimedByChild = () =>
            (store.sqlite.prepare(`SELECT COUNT(*) AS n FROM jobs WHERE attempts > 0`).get() as { n: number }).n;
          for (const deadline = Date.now() + 20_000; claimedByChild() === 0 && Date.now() < deadline; )
            await new Promise((resolve) => setTimeout(resolve, 5));
          for (;;) {
            try {
              const next = await queue.claim(['ci'], 'parent', Date.now(), 60_000);
              if (!next) break;
              mine.push(next.id);
              await store.transaction(async (tx) => await queue.completeInTx(tx, next.id, 'parent', Date.now()));
            } catch (error) {
              errors.push(String(error));
              break;
            }
            await new Promise((resolve) => setTimeout(resolve, 1));
          }
          const theirs = await child.result;
          const claims = [...mine, ...theirs.claimed];
          console.log(`[figure] two processes claiming ${total} jobs: parent ${mine.length}, child ${theirs.claimed.length}, double claims ${claims.length - new Set(claims).size}, busy errors ${errors.length + theirs.errors.length}`);
          expect(errors).toEqual([]);
          expect(theirs.errors).toEqual([]);
          expect(mine.length).toBeGreaterThan(0);
          expect(theirs.claimed.length).toBeGreaterThan(0);
          const all = [...mine, ...theirs.claimed];
          expect(new Set(all).size).toBe(all.length);
          expect(all.length).toBe(total);
          expect(await queue.countByState()).toEqual({ succeeded: total });
        } finally {
          child.cleanup();
        }
      });
    });

    describe('transition log', () => {
      it('accepts an event key once; null keys repeat freely', async () => {
        await store.transaction(async (tx) => await appendTransition(tx, transition('SHOP-1', 'ev-1')));
        await expect(
          store.transaction(async (tx) => {
            await appendTransition(tx, transition('SHOP-1', null));
            await appendTransition(tx, transition('SHOP-1', 'ev-1'));
          }),
        ).rejects.toThrow(/UNIQUE/);
        await store.transaction(async (tx) => {
          await appendTransition(tx, transition('SHOP-1', null));
          await appendTransition(tx, transition('SHOP-1', null));
        });
        // The failed transaction left nothing behind.
        expect((await transitionsOf(store.db, 'SHOP-1')).map((t) => t.eventKey)).toEqual(['ev-1', null, null]);
        expect(await hasEventKey(store.db, 'ev-1')).toBe(true);
        expect(await hasEventKey(store.db, 'ev-2')).toBe(false);
      });
    });

    describe('outbox', () => {
      it('settles older pending cards of the same task when the newest is delivered, and nothing else', async () => {
        await store.transaction(async (tx) => {
          await addOutbox(tx, 'card', 'SHOP-1', {}, T0);
          await addOutbox(tx, 'card', 'SHOP-2', {}, T0);
          await addOutbox(tx, 'escalation', 'SHOP-1', { reason: 'x' }, T0);
          await addOutbox(tx, 'card', 'SHOP-1', {}, T0);
        });
        const pending = await pendingOutbox(store.db, T0, 10);
        expect(pending.map((r) => `${r.kind}:${r.taskId}`)).toEqual([
          'card:SHOP-1',
          'card:SHOP-2',
          'escalation:SHOP-1',
          'card:SHOP-1',
        ]);
        // A newer card queued after the one being delivered must still be delivered.
        await store.transaction(async (tx) => await addOutbox(tx, 'card', 'SHOP-1', {}, T0 + 1));
        const newer = (await pendingOutbox(store.db, T0 + 1, 10)).at(-1)!;
        await store.transaction(async (tx) => await markOutboxDone(tx, pending[3]!, T0 + 2));
        expect((await pendingOutbox(store.db, T0 + 5, 10)).map((r) => r.id)).toEqual([
          pending[1]!.id,
          pending[2]!.id,
          newer.id,
        ]);
      });
    });

    describe('approvals', () => {
      it('records one decision; a second decision and a duplicate request change nothing', async () => {
        const request = {
          id: 'a1',
          taskId: 'SHOP-1',
          gate: 'brd',
          round: 1,
          state: 'pending',
          summary: 'BRD',
          createdAt: T0,
        };
        await store.transaction(async (tx) => {
          await insertApproval(tx, request);
          await insertApproval(tx, { ...request, id: 'a2' });
        });
        expect(await getApproval(store.db, 'a2')).toBeNull();
        expect((await pendingApproval(store.db, 'SHOP-1', 'brd'))?.id).toBe('a1');
        expect(
          await store.transaction(async (tx) => await decideApproval(tx, 'a1', 'approved', 'telegram:1', 'Alice', null, T0 + 1)),
        ).toBe(true);
        expect(
          await store.transaction(async (tx) => await decideApproval(tx, 'a1', 'rejected', 'telegram:2', 'Bob', 'no', T0 + 2)),
        ).toBe(false);
        expect(await getApproval(store.db, 'a1')).toMatchObject({
          state: 'approved',
          decidedBy: 'telegram:1',
          decidedByName: 'Alice',
          decidedAt: T0 + 1,
          reason: null,
        });
        expect(await pendingApproval(store.db, 'SHOP-1', 'brd')).toBeNull();
      });
    });

    describe('leases', () => {
      it('has one holder at a time, is reclaimed after expiry, and is released only by its holder', async () => {
        const take = async (holder: string, now: number) =>
          await store.transaction(async (tx) => await acquireLease(tx, 'merge:SHOP', holder, 1_000, now));
        expect(await take('SHOP-1', T0)).toEqual({ type: 'acquired' });
        expect(await take('SHOP-2', T0 + 500)).toEqual({ type: 'busy', holder: 'SHOP-1', expiresAt: T0 + 1_000 });
        expect(await take('SHOP-1', T0 + 600)).toEqual({ type: 'acquired' });
        expect(await listLeases(store.db)).toEqual([
          { name: 'merge:SHOP', holder: 'SHOP-1', expiresAt: T0 + 1_600, acquiredAt: T0 },
        ]);
        expect((await take('SHOP-2', T0 + 1_599)).type).toBe('busy');
        expect(await take('SHOP-2', T0 + 1_601)).toEqual({ type: 'acquired' });
        await store.transaction(async (tx) => await releaseLease(tx, 'merge:SHOP', 'SHOP-1'));
        expect(await listLeases(store.db)).toMatchObject([{ holder: 'SHOP-2', acquiredAt: T0 + 1_601 }]);
        await store.transaction(async (tx) => await releaseLease(tx, 'merge:SHOP', 'SHOP-2'));
        expect(await listLeases(store.db)).toEqual([]);
        expect(await take('SHOP-3', T0 + 1_700)).toEqual({ type: 'acquired' });
      });
    });
  });
}

interface ClaimerResult {
  claimed: number[];
  errors: string[];
}

/**
 * A second OS process that opens the same file and claims `ci` jobs until none is left. It waits
 * for `go()` so both sides start together.
 */
async function startClaimer(
  dbPath: string,
): Promise<{ go(): void; result: Promise<ClaimerResult>; cleanup(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-claimer-'));
  const script = join(dir, 'claimer.mts');
  const url = (file: string) => pathToFileURL(join(ROOT, file)).href;
  writeFileSync(
    script,
    `import { openStore } from ${JSON.stringify(url('adapters/store-sqlite/sqlite-store.ts'))};
import { SqliteJobQueue as JobQueue } from ${JSON.stringify(url('adapters/store-sqlite/sqlite-job-queue.ts'))};
const store = openStore(process.argv[2]);
const queue = new JobQueue(store);
const claimed = [];
const errors = [];
process.stdin.once('data', async () => {
  for (;;) {
    try {
      const job = await queue.claim(['ci'], 'child', Date.now(), 60000);
      if (!job) break;
      claimed.push(job.id);
      await store.transaction((tx) => queue.completeInTx(tx, job.id, 'child', Date.now()));
    } catch (error) {
      errors.push(String(error));
      break;
    }
    // Paced (about 1 ms a job) so neither process can drain the queue before the other starts.
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  store.close();
  process.stdout.write('RESULT ' + JSON.stringify({ claimed, errors }) + '\\n', () => process.exit(0));
});
process.stdout.write('READY\\n');
`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script, dbPath], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('READY')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`claimer exited (${code}) before it was ready: ${err}`)));
  });
  const result = new Promise<ClaimerResult>((resolve, reject) => {
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice('RESULT '.length)) as ClaimerResult);
      else reject(new Error(`claimer exited with ${code}: ${err}`));
    });
  });
  result.catch(() => undefined);
  await ready;
  return {
    go: () => child.stdin.write('go\n'),
    result,
    cleanup: () => {
      if (child.exitCode === null) child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
