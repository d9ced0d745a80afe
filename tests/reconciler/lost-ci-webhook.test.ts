/**
 * Incident class 1: the CI status webhook is lost while the receiver restarts. The task waits in
 * development; the first pass after its grace advances it, and no pass before the grace does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readStats } from '../../core/reconciler/reconciler.ts';
import { GRACE_MS, ReconcilerWorld } from '../support/reconciler-harness.ts';

const SHA = 'c0ffee'.padEnd(40, '1');
let world: ReconcilerWorld;
afterEach(async () => world.cleanup());

describe('incident 1: CI webhook lost during a restart', () => {
  it('the forge says green: the task advances within one pass after its grace, not before', async () => {
    world = await ReconcilerWorld.start({ gitea: true });
    const id = await world.awaitingCi(SHA);
    world.gitea!.state.setBranchHead('acme/shop', `task/${id}`, SHA);
    world.gitea!.state.postStatus('acme/shop', SHA, { state: 'success', context: 'ci/build' });
    // The status webhook went to a receiver that was restarting: nothing reached the store.
    world.restart();
    const unblocked: string[] = [];
    const reconciler = world.reconciler({}, (taskId) => unblocked.push(taskId));

    world.advance(GRACE_MS - 1_000);
    const early = await reconciler.runPass({ dryRun: false, actor: 'reconciler' });
    expect(early.unblocked).toEqual([]);
    expect(await world.task(id)).toMatchObject({ stage: 'development', phase: 'awaiting-ci' });

    world.advance(1_000);
    const outboxBefore = world.count('outbox', `kind = 'notice'`);
    const pass = await reconciler.runPass({ dryRun: false, actor: 'reconciler' });
    expect(pass.unblocked).toEqual([{ taskId: id, reason: `CI green on ${SHA.slice(0, 7)} (status lost)` }]);
    expect(await world.task(id)).toMatchObject({ stage: 'review', phase: 'working' });
    expect((await world.queue.activeForTask(id)).map((j) => j.payload.role)).toEqual(['reviewer']);
    expect(world.count('outbox', `kind = 'notice'`)).toBe(outboxBefore + 1);
    expect(world.count('transitions', `actor = 'reconciler' AND to_stage = 'review'`)).toBe(1);
    expect(unblocked).toEqual([id]);
    expect(await readStats(world.store)).toMatchObject({ unblockedTotal: 1, lastUnblocked: { taskId: id } });
  });

  it('the status reached the store but was never applied: the gate side advances it', async () => {
    world = await ReconcilerWorld.start();
    const id = await world.awaitingCi(SHA);
    await world.storeStatus(SHA, 'success');
    world.restart();
    const reconciler = world.reconciler();
    world.advance(GRACE_MS - 1);
    expect((await reconciler.runPass({ dryRun: false, actor: 'reconciler' })).unblocked).toEqual([]);
    world.advance(1);
    const pass = await reconciler.runPass({ dryRun: false, actor: 'reconciler' });
    expect(pass.unblocked.map((u) => u.taskId)).toEqual([id]);
    expect((await world.task(id)).stage).toBe('review');
  });

  it('the push was lost too: the branch head and its green CI are replayed together', async () => {
    world = await ReconcilerWorld.start({ gitea: true });
    const id = await world.awaitingCi(SHA);
    const pushed = 'beef'.padEnd(40, '2');
    world.gitea!.state.setBranchHead('acme/shop', `task/${id}`, pushed);
    world.gitea!.state.postStatus('acme/shop', pushed, { state: 'success', context: 'ci/build' });
    world.advance(GRACE_MS);
    const pass = await world.reconciler().runPass({ dryRun: false, actor: 'reconciler' });
    expect(pass.unblocked.map((u) => u.taskId)).toEqual([id]);
    expect(await world.task(id)).toMatchObject({ stage: 'review', headSha: pushed });
  });

  it('a reconciler started on the same file after a restart carries on, and the figures persist', async () => {
    world = await ReconcilerWorld.start({ gitea: true });
    const first = await world.awaitingCi(SHA);
    world.gitea!.state.setBranchHead('acme/shop', `task/${first}`, SHA);
    world.gitea!.state.postStatus('acme/shop', SHA, { state: 'success' });
    world.advance(GRACE_MS);
    await world.reconciler().runPass({ dryRun: false, actor: 'reconciler' });
    expect((await readStats(world.store)).unblockedTotal).toBe(1);

    world.restart();
    const second = await world.awaitingCi('d00d'.padEnd(40, '3'));
    world.gitea!.state.setBranchHead('acme/shop', `task/${second}`, 'd00d'.padEnd(40, '3'));
    world.gitea!.state.postStatus('acme/shop', 'd00d'.padEnd(40, '3'), { state: 'success' });
    world.advance(GRACE_MS);
    const pass = await world.reconciler().runPass({ dryRun: false, actor: 'reconciler' });
    expect(pass.unblocked.map((u) => u.taskId)).toEqual([second]);
    expect((await world.task(first)).stage).toBe('review');
    expect(world.count('outbox', `kind = 'notice'`)).toBe(2);
    expect(await readStats(world.store)).toMatchObject({ unblockedTotal: 2, lastUnblocked: { taskId: second }, lastPassAt: world.clock.now() });
  });
});
