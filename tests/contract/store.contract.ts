/**
 * The store contract: what core relies on from the store port (ADR 0050, 0053, 0054), exercised
 * through the port only — core's repository functions, `store.transaction`, `store.db` and
 * `store.queue` — so one suite runs unchanged against every store: a SQLite file, SQLite
 * `:memory:` and a real PostgreSQL (tests/contract/store-*.test.ts). What is specific to one
 * dialect (pragmas, files, pools) is tested next to its adapter.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { beginDeployPass } from '../../core/deploy/deploy-state.ts';
import type { Task } from '../../core/domain/task.ts';
import { ConflictError } from '../../core/errors.ts';
import type { NewJob } from '../../core/queue/job.ts';
import { decideApproval, getApproval, hasApproval, insertApproval, pendingApproval, setApprovalMessage } from '../../core/store/approval-repo.ts';
import { recordStatus, statusesFor } from '../../core/store/ci-status-repo.ts';
import { currentProductionImage, deployImageHistory, imageBeforeCurrent, recordDeployImage, type DeployImageRecord } from '../../core/store/deploy-image-repo.ts';
import { loadDeployState, saveDeployState } from '../../core/store/deploy-state-repo.ts';
import { claimPending, countByState as countInbox, insertDelivery, markFailed, markProcessed, inboxRetryDelayMs, type NewDelivery } from '../../core/store/inbox-repo.ts';
import {
  expireLeasesOf,
  heartbeatInstance,
  insertInstance,
  markInstanceStopped,
  openInstances,
  pruneStoppedInstances,
  releaseMergeLeasesOf,
} from '../../core/store/instance-repo.ts';
import { acquireLease, listLeases, releaseLease } from '../../core/store/lease-repo.ts';
import { mergeLeaseHolder, mergeQueuePosition, mergeWaiters, releaseMergeLease, renewMergeLease, takeMergeLease } from '../../core/store/merge-lease.ts';
import { addOutbox, markOutboxDead, markOutboxDone, markOutboxRetry, markOutboxSending, noteOutboxError, pendingOutbox } from '../../core/store/outbox-repo.ts';
import { advanceRollback, claimRollback, rollbackById, rollbackInProgress, rollbackOf } from '../../core/store/rollback-repo.ts';
import { NestedTransactionError, type Store, type Tx } from '../../core/store/store.ts';
import { activeTaskIds, findTaskByExternal, getTask, insertTask, nextTaskNumber, updateTask } from '../../core/store/task-repo.ts';
import { appendTransition, hasEventKey, lastTransition, transitionsOf, type NewTransition } from '../../core/store/transition-log.ts';

/** What one contract test needs. */
export interface StoreFixture {
  readonly store: Store;
  /** Another store on the same database, as another process would open it; absent where none can share it (`:memory:`). */
  connect?(): Promise<Store>;
  /** Close every store it opened and remove the database. */
  cleanup(): Promise<void>;
}

const T0 = 1_800_000_000_000;

/** A task row as the engine writes it; every column set, so a round trip shows each type. */
export function contractTask(id: string, extra: Partial<Task> = {}): Task {
  return {
    id,
    projectId: id.split('-')[0]!,
    title: `Task ${id}`,
    description: 'a description with "quotes" and ünïcode',
    source: 'chat',
    externalId: null,
    externalUrl: null,
    stage: 'analysis',
    phase: 'working',
    attempts: { analyst: 1 },
    rollbacks: 0,
    escalated: false,
    escalationReason: null,
    blocked: false,
    mustFix: null,
    notes: null,
    branch: `task/${id}`,
    headSha: null,
    behindDefault: false,
    prNumber: null,
    mergeQueuedAt: null,
    stagingImageId: null,
    stagingImageRef: null,
    stagingRevision: null,
    stagingVerdict: null,
    stagingWaived: null,
    requestedBy: null,
    lastEvent: 'created',
    lastEventAt: T0,
    stageEnteredAt: T0,
    createdAt: T0,
    updatedAt: T0,
    version: 1,
    ...extra,
  };
}

function transition(taskId: string, eventKey: string | null, at = T0): NewTransition {
  return {
    taskId,
    fromStage: 'analysis',
    fromPhase: 'working',
    toStage: 'analysis',
    toPhase: 'awaiting-approval',
    reason: 'test',
    actor: 'test',
    eventKey,
    at,
  };
}

function job(key: string, extra: Partial<NewJob> = {}): NewJob {
  return { kind: 'ci', taskId: 'SHOP-1', payload: { key }, idempotencyKey: key, ...extra };
}

function delivery(deliveryId: string, extra: Partial<NewDelivery> = {}): NewDelivery {
  return { source: 'gitea', deliveryId, event: 'push', payload: `{"id":"${deliveryId}"}`, now: T0, ...extra };
}

/** Run the shared store suite against the stores `open` builds. */
export function describeStoreContract(name: string, open: () => Promise<StoreFixture>): void {
  describe(`store contract: ${name}`, () => {
    let f: StoreFixture;
    let store: Store;
    beforeEach(async () => {
      f = await open();
      store = f.store;
    });
    afterEach(async () => await f.cleanup());

    const write = async <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => await store.transaction(fn);

    describe('the unit of work', () => {
      it('commits every write of a transaction together, visible through store.db afterwards', async () => {
        await write(async (tx) => {
          await insertTask(tx, contractTask('SHOP-1'));
          await appendTransition(tx, transition('SHOP-1', 'created:SHOP-1'));
          await addOutbox(tx, 'card', 'SHOP-1', {}, T0);
          await store.queue.enqueueInTx(tx, job('k1'), T0);
        });
        expect(await getTask(store.db, 'SHOP-1')).toEqual(contractTask('SHOP-1'));
        expect(await hasEventKey(store.db, 'created:SHOP-1')).toBe(true);
        expect(await pendingOutbox(store.db, T0, 10)).toHaveLength(1);
        expect(await store.queue.countByState()).toEqual({ queued: 1 });
      });

      it('rolls back everything when the function throws, and rethrows that very error', async () => {
        const boom = new Error('boom');
        const outcome = await write(async (tx) => {
          await insertTask(tx, contractTask('SHOP-1'));
          await appendTransition(tx, transition('SHOP-1', 'created:SHOP-1'));
          await addOutbox(tx, 'card', 'SHOP-1', {}, T0);
          await store.queue.enqueueInTx(tx, job('k1'), T0);
          // The transaction sees its own writes before it fails.
          expect(await getTask(tx, 'SHOP-1')).not.toBeNull();
          throw boom;
        }).catch((error: unknown) => error);
        expect(outcome).toBe(boom);
        expect(await getTask(store.db, 'SHOP-1')).toBeNull();
        expect(await hasEventKey(store.db, 'created:SHOP-1')).toBe(false);
        expect(await pendingOutbox(store.db, T0, 10)).toEqual([]);
        expect(await store.queue.countByState()).toEqual({});
        // The idempotency key was rolled back with it: the job can be enqueued now.
        expect(await store.queue.enqueue(job('k1'), T0)).toBeTypeOf('number');
      });

      it('does not show a transaction’s writes through store.db before it commits', async (ctx) => {
        // `:memory:` has no second connection: its reads share the writer's (tests only).
        if (store.dialect === 'sqlite' && !f.connect) return ctx.skip('store.db shares the write connection');
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        let inserted!: () => void;
        const written = new Promise<void>((resolve) => (inserted = resolve));
        const pending = write(async (tx) => {
          await insertTask(tx, contractTask('SHOP-1'));
          inserted();
          await gate;
        });
        await written;
        expect(await getTask(store.db, 'SHOP-1')).toBeNull();
        release();
        await pending;
        expect(await getTask(store.db, 'SHOP-1')).not.toBeNull();
      });

      it('runs afterCommit callbacks after the commit only, and never after a rollback', async () => {
        const seen: Promise<Task | null>[] = [];
        const order: string[] = [];
        await write(async (tx) => {
          await insertTask(tx, contractTask('SHOP-1'));
          tx.afterCommit(() => {
            order.push('after-commit');
            seen.push(getTask(store.db, 'SHOP-1'));
          });
          order.push('end of fn');
        });
        expect(order).toEqual(['end of fn', 'after-commit']);
        expect(await Promise.all(seen)).toEqual([contractTask('SHOP-1')]);
        let ranAfterRollback = false;
        await write(async (tx) => {
          tx.afterCommit(() => (ranAfterRollback = true));
          throw new Error('rolled back');
        }).catch(() => undefined);
        expect(ranAfterRollback).toBe(false);
      });

      it('refuses a transaction started inside another (NestedTransactionError); the outer one still commits', async () => {
        const nested = await write(async (tx) => {
          await insertTask(tx, contractTask('SHOP-1'));
          return await store.transaction(async () => 'inner').catch((error: unknown) => error);
        });
        expect(nested).toBeInstanceOf(NestedTransactionError);
        expect(await getTask(store.db, 'SHOP-1')).not.toBeNull();
      });

      it('runs transactions started at the same time without losing either one', async () => {
        await Promise.all(
          Array.from({ length: 8 }, async (_, i) =>
            await write(async (tx) => {
              await insertTask(tx, contractTask(`SHOP-${i + 1}`));
              await appendTransition(tx, transition(`SHOP-${i + 1}`, `created:${i + 1}`));
            }),
          ),
        );
        expect((await activeTaskIds(store.db, 'SHOP')).size).toBe(8);
      });
    });

    describe('tasks', () => {
      it('stores a task as written, finds it by tracker id, and bumps version and updatedAt on update', async () => {
        const task = contractTask('SHOP-1', {
          source: 'plane',
          externalId: 'issue-7',
          externalUrl: 'https://plane.example/7',
          attempts: { analyst: 2, developer: 1 },
          escalated: true,
          escalationReason: 'why',
          stagingWaived: ['SANDBOX_INFRA:dns'],
          stagingVerdict: 'SUCCESS',
          prNumber: 12,
          mergeQueuedAt: T0 + 5,
        });
        await write(async (tx) => await insertTask(tx, task));
        expect(await getTask(store.db, 'SHOP-1')).toEqual(task);
        expect(await findTaskByExternal(store.db, 'SHOP', 'issue-7')).toEqual(task);
        expect(await findTaskByExternal(store.db, 'OTHER', 'issue-7')).toBeNull();
        const updated = await write(async (tx) => await updateTask(tx, task, { stage: 'development', phase: 'working', blocked: true, headSha: 'abc' }, T0 + 10));
        expect(updated).toMatchObject({ version: 2, updatedAt: T0 + 10, stage: 'development', blocked: true, headSha: 'abc' });
        expect(await getTask(store.db, 'SHOP-1')).toEqual(updated);
        expect(await getTask(store.db, 'SHOP-404')).toBeNull();
      });

      it('numbers a project’s next task after its highest number (numerically), per project', async () => {
        expect(await nextTaskNumber(store.db, 'SHOP')).toBe(1);
        await write(async (tx) => {
          for (const id of ['SHOP-2', 'SHOP-10', 'SHOP-9', 'SHOPX-40']) await insertTask(tx, contractTask(id));
        });
        expect(await nextTaskNumber(store.db, 'SHOP')).toBe(11);
        expect(await nextTaskNumber(store.db, 'SHOPX')).toBe(41);
      });

      it('lists a project’s active tasks, leaving done and cancelled ones out', async () => {
        await write(async (tx) => {
          await insertTask(tx, contractTask('SHOP-1'));
          await insertTask(tx, contractTask('SHOP-2', { stage: 'done', phase: 'idle' }));
          await insertTask(tx, contractTask('SHOP-3', { stage: 'cancelled', phase: 'idle' }));
          await insertTask(tx, contractTask('OPS-1'));
        });
        expect([...(await activeTaskIds(store.db, 'SHOP'))]).toEqual(['SHOP-1']);
      });

      it('refuses a second task with the same id, leaving the first as it was', async () => {
        await write(async (tx) => await insertTask(tx, contractTask('SHOP-1')));
        await expect(write(async (tx) => await insertTask(tx, contractTask('SHOP-1', { title: 'again' })))).rejects.toThrow();
        expect((await getTask(store.db, 'SHOP-1'))?.title).toBe('Task SHOP-1');
      });
    });

    describe('transition log (the replay guard)', () => {
      it('accepts an event key once: a second use is refused as a conflict and leaves nothing; null keys repeat freely', async () => {
        await write(async (tx) => await appendTransition(tx, transition('SHOP-1', 'ev-1')));
        const refused = await write(async (tx) => {
          await appendTransition(tx, transition('SHOP-1', null, T0 + 1));
          await appendTransition(tx, transition('SHOP-1', 'ev-1', T0 + 1));
        }).catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(ConflictError);
        await write(async (tx) => {
          await appendTransition(tx, transition('SHOP-1', null, T0 + 2));
          await appendTransition(tx, transition('SHOP-1', null, T0 + 3));
        });
        expect((await transitionsOf(store.db, 'SHOP-1')).map((t) => [t.eventKey, t.at])).toEqual([
          ['ev-1', T0],
          [null, T0 + 2],
          [null, T0 + 3],
        ]);
        expect((await lastTransition(store.db, 'SHOP-1'))?.at).toBe(T0 + 3);
        expect(await hasEventKey(store.db, 'ev-1')).toBe(true);
        expect(await hasEventKey(store.db, 'ev-2')).toBe(false);
      });

      it('lets exactly one of two concurrent transactions with the same event key commit', async () => {
        const other = f.connect ? await f.connect() : store;
        const outcomes = await Promise.allSettled(
          [store, other].map(async (s) => await s.transaction(async (tx) => await appendTransition(tx, transition('SHOP-1', 'ev-race')))),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const refused = outcomes.find((o) => o.status === 'rejected');
        expect(refused?.reason).toBeInstanceOf(ConflictError);
        expect(await transitionsOf(store.db, 'SHOP-1')).toHaveLength(1);
      });
    });

    describe('outbox', () => {
      it('walks a row through pending → sending → retry → done, and dead rows leave the pending list', async () => {
        await write(async (tx) => {
          await addOutbox(tx, 'escalation', 'SHOP-1', { reason: 'x' }, T0);
          await addOutbox(tx, 'notice', 'SHOP-1', { text: 'hello' }, T0);
        });
        const [row, notice] = await pendingOutbox(store.db, T0, 10);
        expect(row).toMatchObject({ kind: 'escalation', taskId: 'SHOP-1', payload: { reason: 'x' }, state: 'pending', attempts: 0, availableAt: T0 });
        await write(async (tx) => await markOutboxSending(tx, row!.id, T0 + 1));
        expect((await pendingOutbox(store.db, T0 + 1, 10))[0]).toMatchObject({ id: row!.id, sendStartedAt: T0 + 1 });
        await write(async (tx) => await markOutboxRetry(tx, row!.id, '502 from Telegram', T0 + 100));
        expect((await pendingOutbox(store.db, T0 + 99, 10)).map((r) => r.id)).toEqual([notice!.id]);
        expect((await pendingOutbox(store.db, T0 + 100, 10))[0]).toMatchObject({ id: row!.id, attempts: 1, error: '502 from Telegram', sendStartedAt: null });
        await write(async (tx) => await noteOutboxError(tx, row!.id, 'unreachable'));
        expect((await pendingOutbox(store.db, T0 + 100, 10))[0]).toMatchObject({ attempts: 1, error: 'unreachable' });
        const retried = (await pendingOutbox(store.db, T0 + 100, 10))[0]!;
        await write(async (tx) => await markOutboxDone(tx, retried, T0 + 101));
        await write(async (tx) => await markOutboxDead(tx, notice!.id, 'chat not found', T0 + 102));
        expect(await pendingOutbox(store.db, T0 + 10_000, 10)).toEqual([]);
      });

      it('settles older pending cards of the same task when the newest is delivered, and nothing else', async () => {
        await write(async (tx) => {
          await addOutbox(tx, 'card', 'SHOP-1', {}, T0);
          await addOutbox(tx, 'card', 'SHOP-2', {}, T0);
          await addOutbox(tx, 'escalation', 'SHOP-1', { reason: 'x' }, T0);
          await addOutbox(tx, 'card', 'SHOP-1', {}, T0);
        });
        const pending = await pendingOutbox(store.db, T0, 10);
        expect(pending.map((r) => `${r.kind}:${r.taskId}`)).toEqual(['card:SHOP-1', 'card:SHOP-2', 'escalation:SHOP-1', 'card:SHOP-1']);
        // A newer card queued after the one being delivered must still be delivered.
        await write(async (tx) => await addOutbox(tx, 'card', 'SHOP-1', {}, T0 + 1));
        const newer = (await pendingOutbox(store.db, T0 + 1, 10)).at(-1)!;
        await write(async (tx) => await markOutboxDone(tx, pending[3]!, T0 + 2));
        expect((await pendingOutbox(store.db, T0 + 5, 10)).map((r) => r.id)).toEqual([pending[1]!.id, pending[2]!.id, newer.id]);
      });

      it('returns due rows oldest first, at most `limit`', async () => {
        await write(async (tx) => {
          for (let i = 0; i < 5; i++) await addOutbox(tx, 'card', `SHOP-${i}`, {}, T0 + i);
        });
        expect((await pendingOutbox(store.db, T0 + 2, 10)).map((r) => r.taskId)).toEqual(['SHOP-0', 'SHOP-1', 'SHOP-2']);
        expect((await pendingOutbox(store.db, T0 + 10, 2)).map((r) => r.taskId)).toEqual(['SHOP-0', 'SHOP-1']);
      });
    });

    describe('approvals', () => {
      it('records one decision; a second decision and a duplicate request change nothing', async () => {
        const request = { id: 'a1', taskId: 'SHOP-1', gate: 'brd', round: 1, state: 'pending', summary: 'BRD', createdAt: T0 };
        await write(async (tx) => {
          await insertApproval(tx, request);
          await insertApproval(tx, { ...request, id: 'a2' });
        });
        expect(await getApproval(store.db, 'a2')).toBeNull();
        expect((await pendingApproval(store.db, 'SHOP-1', 'brd'))?.id).toBe('a1');
        expect(await hasApproval(store.db, 'SHOP-1', 'brd')).toBe(true);
        expect(await hasApproval(store.db, 'SHOP-1', 'design')).toBe(false);
        await write(async (tx) => await setApprovalMessage(tx, 'a1', '-100123', 42));
        expect(await write(async (tx) => await decideApproval(tx, 'a1', 'approved', 'telegram:1', 'Alice', null, T0 + 1))).toBe(true);
        expect(await write(async (tx) => await decideApproval(tx, 'a1', 'rejected', 'telegram:2', 'Bob', 'no', T0 + 2))).toBe(false);
        expect(await getApproval(store.db, 'a1')).toMatchObject({
          state: 'approved',
          decidedBy: 'telegram:1',
          decidedByName: 'Alice',
          decidedAt: T0 + 1,
          reason: null,
          chatId: '-100123',
          messageId: 42,
        });
        expect(await pendingApproval(store.db, 'SHOP-1', 'brd')).toBeNull();
      });

      it('lets exactly one of two concurrent decisions win', async () => {
        await write(async (tx) => await insertApproval(tx, { id: 'a1', taskId: 'SHOP-1', gate: 'brd', round: 1, state: 'pending', summary: 'BRD', createdAt: T0 }));
        const other = f.connect ? await f.connect() : store;
        const decided = await Promise.all([
          store.transaction(async (tx) => await decideApproval(tx, 'a1', 'approved', 'telegram:1', 'Alice', null, T0 + 1)),
          other.transaction(async (tx) => await decideApproval(tx, 'a1', 'rejected', 'telegram:2', 'Bob', 'no', T0 + 1)),
        ]);
        expect(decided.filter(Boolean)).toHaveLength(1);
        expect((await getApproval(store.db, 'a1'))?.state).toBe(decided[0] ? 'approved' : 'rejected');
      });
    });

    describe('inbox', () => {
      it('stores a delivery once per (source, delivery id); a second is told duplicate with the same row', async () => {
        const first = await insertDelivery(store, delivery('d-1'));
        expect(first.type).toBe('stored');
        expect(await insertDelivery(store, delivery('d-1', { payload: 'changed' }))).toEqual({ type: 'duplicate', id: first.id });
        expect((await insertDelivery(store, delivery('d-1', { source: 'github' }))).type).toBe('stored');
        const pending = await claimPending(store, T0, 10);
        expect(pending.map((r) => [r.source, r.deliveryId, r.payload])).toEqual([
          ['gitea', 'd-1', '{"id":"d-1"}'],
          ['github', 'd-1', '{"id":"d-1"}'],
        ]);
      });

      it('keeps one row when two inserts of one delivery run at the same time; the other is told duplicate', async () => {
        const outcomes = await Promise.all([insertDelivery(store, delivery('race')), insertDelivery(store, delivery('race'))]);
        expect(outcomes.map((o) => o.type).sort()).toEqual(['duplicate', 'stored']);
        expect(outcomes[0].id).toBe(outcomes[1].id);
        expect(await countInbox(store)).toEqual({ pending: 1, retrying: 0, processed: 0 });
      });

      it('keeps one row when two stores (two processes) insert one delivery at the same time', async (ctx) => {
        if (!f.connect) return ctx.skip('needs a second store on the same database');
        const other = await f.connect();
        for (let round = 0; round < 20; round++) {
          const outcomes = await Promise.all([insertDelivery(store, delivery(`both-${round}`)), insertDelivery(other, delivery(`both-${round}`))]);
          expect(outcomes.map((o) => o.type).sort()).toEqual(['duplicate', 'stored']);
          expect(outcomes[0].id).toBe(outcomes[1].id);
        }
        expect(await countInbox(store)).toEqual({ pending: 20, retrying: 0, processed: 0 });
      });

      it('marks a row processed once: a second mark, a late failure or another store finds it processed', async (ctx) => {
        const row = await insertDelivery(store, delivery('once'));
        expect(await write(async (tx) => await markProcessed(tx, row.id, T0 + 1))).toBe(true);
        expect(await write(async (tx) => await markProcessed(tx, row.id, T0 + 2))).toBe(false);
        // A processor that failed after another took the row records no error on it.
        expect(await markFailed(store, row.id, 'lost the race', T0 + 3)).toBeNull();
        expect((await claimPending(store, T0 + 60_000, 10)).map((r) => r.id)).not.toContain(row.id);
        expect(await countInbox(store)).toEqual({ pending: 0, retrying: 0, processed: 1 });
        if (!f.connect) return ctx.skip('needs a second store on the same database');
        const other = await f.connect();
        for (let round = 0; round < 20; round++) {
          const { id } = await insertDelivery(store, delivery(`race-${round}`));
          const marked = await Promise.all([store, other].map(async (s) => await s.transaction(async (tx) => await markProcessed(tx, id, T0 + 5))));
          expect(marked.sort()).toEqual([false, true]);
        }
      });

      it('claims due rows in arrival order, backs off a failure, and forgets a processed row', async () => {
        const a = await insertDelivery(store, delivery('a'));
        const b = await insertDelivery(store, delivery('b'));
        await insertDelivery(store, delivery('ignored', { processed: true }));
        expect((await claimPending(store, T0, 10)).map((r) => r.id)).toEqual([a.id, b.id]);
        expect(await markFailed(store, a.id, 'tracker down', T0 + 5)).toEqual({ attempts: 1, availableAt: T0 + 5 + inboxRetryDelayMs(1) });
        expect(await markFailed(store, 999_999, 'no such row', T0 + 5)).toBeNull();
        expect((await claimPending(store, T0 + 5, 10)).map((r) => r.id)).toEqual([b.id]);
        expect(await countInbox(store)).toEqual({ pending: 1, retrying: 1, processed: 1 });
        const retried = (await claimPending(store, T0 + 5 + inboxRetryDelayMs(1), 10)).find((r) => r.id === a.id);
        expect(retried).toMatchObject({ attempts: 1, error: 'tracker down' });
        await write(async (tx) => {
          await markProcessed(tx, a.id, T0 + 10);
          await markProcessed(tx, b.id, T0 + 10);
        });
        expect(await claimPending(store, T0 + 60_000, 10)).toEqual([]);
        expect(await countInbox(store)).toEqual({ pending: 0, retrying: 0, processed: 3 });
      });
    });

    describe('leases', () => {
      it('has one holder at a time, is reclaimed after expiry, and is released only by its holder', async () => {
        const take = async (holder: string, now: number) => await write(async (tx) => await acquireLease(tx, 'merge:SHOP', holder, 1_000, now));
        expect(await take('SHOP-1', T0)).toEqual({ type: 'acquired' });
        expect(await take('SHOP-2', T0 + 500)).toEqual({ type: 'busy', holder: 'SHOP-1', expiresAt: T0 + 1_000 });
        expect(await take('SHOP-1', T0 + 600)).toEqual({ type: 'acquired' });
        expect(await listLeases(store.db)).toEqual([{ name: 'merge:SHOP', holder: 'SHOP-1', expiresAt: T0 + 1_600, acquiredAt: T0 }]);
        expect((await take('SHOP-2', T0 + 1_599)).type).toBe('busy');
        expect(await take('SHOP-2', T0 + 1_601)).toEqual({ type: 'acquired' });
        await write(async (tx) => await releaseLease(tx, 'merge:SHOP', 'SHOP-1'));
        expect(await listLeases(store.db)).toMatchObject([{ holder: 'SHOP-2', acquiredAt: T0 + 1_601 }]);
        await write(async (tx) => await releaseLease(tx, 'merge:SHOP', 'SHOP-2'));
        expect(await listLeases(store.db)).toEqual([]);
        expect(await take('SHOP-3', T0 + 1_700)).toEqual({ type: 'acquired' });
      });

      it('gives a free lease to exactly one of several concurrent takers', async () => {
        const other = f.connect ? await f.connect() : store;
        const takers = ['SHOP-1', 'SHOP-2', 'SHOP-3', 'SHOP-4'];
        const outcomes = await Promise.all(
          takers.map(async (holder, i) => await (i % 2 === 0 ? store : other).transaction(async (tx) => await acquireLease(tx, 'merge:SHOP', holder, 60_000, T0))),
        );
        expect(outcomes.filter((o) => o.type === 'acquired')).toHaveLength(1);
        const winner = takers[outcomes.findIndex((o) => o.type === 'acquired')];
        expect(await listLeases(store.db)).toMatchObject([{ name: 'merge:SHOP', holder: winner }]);
      });
    });

    describe('the merge lease', () => {
      it('is held by one task of the project in the merge phase; the others wait in order', async () => {
        const holder = contractTask('SHOP-1', { stage: 'deploy-staging', phase: 'working', mergeQueuedAt: T0 });
        const waiter = contractTask('SHOP-2', { stage: 'review', phase: 'merging', mergeQueuedAt: T0 + 1 });
        const later = contractTask('SHOP-3', { stage: 'review', phase: 'merging', mergeQueuedAt: T0 + 2 });
        await write(async (tx) => {
          for (const t of [holder, waiter, later]) await insertTask(tx, t);
        });
        expect(await write(async (tx) => await takeMergeLease(tx, holder, T0))).toEqual({ type: 'acquired' });
        expect(await write(async (tx) => await takeMergeLease(tx, waiter, T0 + 1))).toMatchObject({ type: 'busy', holder: 'SHOP-1' });
        expect(await mergeLeaseHolder(store.db, 'SHOP')).toMatchObject({ holder: 'SHOP-1', acquiredAt: T0 });
        expect((await mergeWaiters(store.db, 'SHOP')).map((t) => t.id)).toEqual(['SHOP-2', 'SHOP-3']);
        expect(await mergeQueuePosition(store.db, later)).toBe(2);
        expect(await mergeQueuePosition(store.db, holder)).toBeNull();
        expect(await write(async (tx) => await renewMergeLease(tx, holder, T0 + 10))).toBe(true);
        expect(await write(async (tx) => await renewMergeLease(tx, waiter, T0 + 10))).toBe(false);
        expect(await write(async (tx) => await releaseMergeLease(tx, waiter))).toBe(false);
        expect(await write(async (tx) => await releaseMergeLease(tx, holder))).toBe(true);
        expect(await mergeLeaseHolder(store.db, 'SHOP')).toBeNull();
        expect(await write(async (tx) => await takeMergeLease(tx, waiter, T0 + 20))).toEqual({ type: 'acquired' });
      });
    });

    describe('jobs', () => {
      it('enqueues once per idempotency key: the second enqueue is null', async () => {
        const first = await store.queue.enqueue(job('k1'), T0);
        expect(first).toBeTypeOf('number');
        expect(await store.queue.enqueue(job('k1', { payload: { other: true } }), T0 + 5)).toBeNull();
        expect(await write(async (tx) => await store.queue.enqueueInTx(tx, job('k1'), T0 + 6))).toBeNull();
        expect(await store.queue.countByState()).toEqual({ queued: 1 });
        expect((await store.queue.getInTx(null, first!))?.payload).toEqual({ key: 'k1' });
      });

      it('wakes enqueue listeners after the commit, not for a rolled-back enqueue', async () => {
        let woken = 0;
        const stop = store.queue.onEnqueue(() => woken++);
        await write(async (tx) => {
          await store.queue.enqueueInTx(tx, job('k1'), T0);
          expect(woken).toBe(0);
        });
        expect(woken).toBe(1);
        await write(async (tx) => {
          await store.queue.enqueueInTx(tx, job('k2'), T0);
          throw new Error('rolled back');
        }).catch(() => undefined);
        expect(woken).toBe(1);
        stop();
      });

      it('claims, completes within a transaction, and reports active jobs of a task', async () => {
        const id = (await store.queue.enqueue(job('k1'), T0))!;
        const claimed = await store.queue.claim(['ci'], 'w1', T0, 1_000);
        expect(claimed).toMatchObject({ id, state: 'running', leaseOwner: 'w1', attempts: 1 });
        expect((await store.queue.activeForTask('SHOP-1')).map((j) => j.id)).toEqual([id]);
        expect(await write(async (tx) => await store.queue.completeInTx(tx, id, 'w1', T0 + 1))).toBe(true);
        expect(await store.queue.activeForTask('SHOP-1')).toEqual([]);
        expect(await store.queue.countByState()).toEqual({ succeeded: 1 });
      });
    });

    describe('kv: deploy state', () => {
      it('stores one state per task and replaces it', async () => {
        expect(await loadDeployState(store.db, 'SHOP-1')).toBeNull();
        const first = beginDeployPass(null, 'SHOP-1', 'abc');
        await write(async (tx) => await saveDeployState(tx, first, T0));
        expect(await loadDeployState(store.db, 'SHOP-1')).toEqual(first);
        const second = beginDeployPass(first, 'SHOP-1', 'def');
        await write(async (tx) => await saveDeployState(tx, second, T0 + 1));
        expect(await loadDeployState(store.db, 'SHOP-1')).toMatchObject({ attempt: 2, revision: 'def' });
      });
    });

    describe('CI statuses', () => {
      it('keeps the latest status per (repo, sha, context); an older status id changes nothing', async () => {
        const status = { repo: 'acme/shop', sha: 'abc', context: 'ci', state: 'pending', description: '', targetUrl: null, statusId: 10, updatedAt: T0 };
        await write(async (tx) => await recordStatus(tx, status));
        await write(async (tx) => await recordStatus(tx, { ...status, state: 'success', statusId: 12, updatedAt: T0 + 2 }));
        await write(async (tx) => await recordStatus(tx, { ...status, state: 'failure', statusId: 11, updatedAt: T0 + 3 }));
        await write(async (tx) => await recordStatus(tx, { ...status, context: 'lint', state: 'failure', statusId: 3_000_000_000, updatedAt: T0 }));
        const rows = await statusesFor(store.db, 'acme/shop', 'abc');
        expect(rows.map((r) => [r.context, r.state, r.statusId]).sort()).toEqual([
          ['ci', 'success', 12],
          ['lint', 'failure', 3_000_000_000],
        ]);
      });
    });

    describe('one-tap roll-backs', () => {
      it('is claimed once per task, and each step is taken once', async () => {
        await write(async (tx) => await insertTask(tx, contractTask('SHOP-1', { stage: 'done', phase: 'idle' })));
        const claim = { id: 'r1', taskId: 'SHOP-1', by: 'telegram:1:Alice', byName: 'Alice', targetRef: 'shop:aaa', now: T0 };
        expect(await write(async (tx) => await claimRollback(tx, claim))).toBe(true);
        expect(await write(async (tx) => await claimRollback(tx, { ...claim, id: 'r2', by: 'telegram:2:Bob' }))).toBe(false);
        expect(await rollbackOf(store.db, 'SHOP-1')).toMatchObject({ id: 'r1', state: 'requested', by: 'telegram:1:Alice', targetRef: 'shop:aaa', outcome: null });
        expect(await rollbackInProgress(store.db, 'SHOP')).toEqual({ taskId: 'SHOP-1', state: 'requested' });
        expect(await write(async (tx) => await advanceRollback(tx, 'r1', 'requested', 'hook-started'))).toBe(true);
        expect(await write(async (tx) => await advanceRollback(tx, 'r1', 'requested', 'hook-started'))).toBe(false);
        expect(await write(async (tx) => await advanceRollback(tx, 'r1', 'hook-started', 'rolled-back', 'healthy'))).toBe(true);
        expect(await rollbackById(store.db, 'r1')).toMatchObject({ state: 'rolled-back', outcome: 'healthy' });
        expect(await rollbackInProgress(store.db, 'SHOP')).toBeNull();
      });
    });

    describe('deploy image history', () => {
      it('lists newest first, knows what production runs and what a roll-back returns to', async () => {
        const image = (imageId: string, outcome: DeployImageRecord['outcome'], at: number): DeployImageRecord => ({
          projectId: 'SHOP',
          imageId,
          ref: `shop:${imageId}`,
          sha: imageId,
          taskId: 'SHOP-1',
          deployedAt: at,
          outcome,
        });
        expect(await currentProductionImage(store.db, 'SHOP')).toBeNull();
        await write(async (tx) => {
          await recordDeployImage(tx, image('a', 'deployed', T0));
          await recordDeployImage(tx, image('b', 'failed', T0 + 1));
          await recordDeployImage(tx, image('c', 'deployed', T0 + 2));
        });
        expect((await deployImageHistory(store.db, 'SHOP')).map((r) => r.imageId)).toEqual(['c', 'b', 'a']);
        expect((await deployImageHistory(store.db, 'SHOP', 2)).map((r) => r.imageId)).toEqual(['c', 'b']);
        expect(await currentProductionImage(store.db, 'SHOP')).toEqual(image('c', 'deployed', T0 + 2));
        expect((await imageBeforeCurrent(store.db, 'SHOP'))?.imageId).toBe('a');
        expect(await deployImageHistory(store.db, 'OPS')).toEqual([]);
      });
    });

    describe('instances', () => {
      it('registers, heartbeats and stops instances; a dead one’s jobs and merge leases are freed', async () => {
        const row = { id: 'host:1:x', host: 'host', pid: 1, processStart: '123', bootId: 'boot', startedAt: T0, heartbeatAt: T0 };
        await write(async (tx) => {
          await insertInstance(tx, row);
          await insertInstance(tx, { ...row, id: 'host:2:y', pid: 2, processStart: null, bootId: null, role: 'worker', kinds: 'ci,merge' });
        });
        expect((await openInstances(store.db)).map((r) => [r.id, r.role, r.kinds]).sort()).toEqual([
          ['host:1:x', 'start', ''],
          ['host:2:y', 'worker', 'ci,merge'],
        ]);
        await write(async (tx) => await heartbeatInstance(tx, 'host:1:x', T0 + 10));
        expect((await openInstances(store.db)).find((r) => r.id === 'host:1:x')).toEqual({ ...row, heartbeatAt: T0 + 10, stoppedAt: null, role: 'start', kinds: '' });
        // host:1:x runs a merge job holding its project's merge lease, and a CI job.
        const merge = (await store.queue.enqueue(job('merge-1', { kind: 'merge' }), T0))!;
        await store.queue.claim(['merge'], 'host:1:x', T0, 60_000);
        const ci = (await store.queue.enqueue(job('ci-1'), T0))!;
        await store.queue.claim(['ci'], 'host:1:x', T0, 60_000);
        await write(async (tx) => await acquireLease(tx, 'merge:SHOP', 'SHOP-1', 60_000, T0));
        const freed = await write(async (tx) => {
          await markInstanceStopped(tx, 'host:1:x', T0 + 20);
          return { leases: await releaseMergeLeasesOf(tx, 'host:1:x'), jobs: await expireLeasesOf(tx, 'host:1:x') };
        });
        expect(freed).toEqual({ leases: 1, jobs: 2 });
        expect(await listLeases(store.db)).toEqual([]);
        expect([merge, ci]).toContain((await store.queue.claim(['merge', 'ci'], 'host:3:z', T0 + 21, 60_000))?.id);
        expect((await openInstances(store.db)).map((r) => r.id)).toEqual(['host:2:y']);
        await write(async (tx) => await pruneStoppedInstances(tx, T0 + 21));
        await write(async (tx) => await markInstanceStopped(tx, 'host:2:y', T0 + 30));
        expect(await openInstances(store.db)).toEqual([]);
      });
    });
  });
}
