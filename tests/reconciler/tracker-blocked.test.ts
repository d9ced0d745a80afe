/**
 * Incident class 3: a task blocked in the tracker is never advanced by the reconciler, whether the
 * blocked webhook arrived (the task's flag is set) or was lost (only the tracker says so).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GRACE_MS, PLANE_PROJECT, ReconcilerWorld } from '../support/reconciler-harness.ts';

const SHA = 'b'.repeat(40);
let world: ReconcilerWorld;
afterEach(async () => world.cleanup());

/** A tracked task waiting for CI whose green status is already stored: any gate replay would advance it. */
async function trackedTaskWithGreenCi(): Promise<{ id: string; itemId: string }> {
  world = await ReconcilerWorld.start({ plane: true });
  world.plane!.state.addState(PLANE_PROJECT, { name: 'Approved, blocked by legal', group: 'started' });
  const item = world.plane!.state.createWorkItem(PLANE_PROJECT, { name: 'Wishlist', state: 'In Progress' });
  const id = await world.awaitingCi(SHA, { source: 'plane', externalId: item.id, number: item.sequenceId });
  await world.storeStatus(SHA, 'success');
  return { id, itemId: item.id };
}

describe('incident 3: blocked in the tracker', () => {
  it('blocked flag set: the candidate query leaves the task out (skip-blocked guard on)', async () => {
    const { id, itemId } = await trackedTaskWithGreenCi();
    world.plane!.state.moveWorkItem(itemId, 'Blocked');
    await world.handle({ type: 'TrackerStateChanged', key: 'plane:blocked', taskId: id, group: 'blocked', actor: 'plane' });
    const outbox = world.count('outbox');
    const reconciler = world.reconciler({ skipBlocked: true, planeEnabled: false });
    for (let pass = 0; pass < 3; pass++) {
      world.advance(GRACE_MS);
      expect(await reconciler.runPass({ dryRun: false, actor: 'reconciler' })).toMatchObject({ examined: 0, unblocked: [] });
    }
    expect(await world.task(id)).toMatchObject({ stage: 'development', phase: 'awaiting-ci', blocked: true });
    expect(world.count('outbox')).toBe(outbox);
  });

  it('blocked flag set with the skip-blocked guard off: the blocked guard stops every probe', async () => {
    const { id } = await trackedTaskWithGreenCi();
    await world.handle({ type: 'TrackerStateChanged', key: 'plane:blocked', taskId: id, group: 'blocked', actor: 'plane' });
    const outbox = world.count('outbox');
    world.advance(GRACE_MS);
    const report = await world.reconciler({ skipBlocked: false, planeEnabled: false }).runPass({ dryRun: false, actor: 'reconciler' });
    expect(report.examined).toBe(1);
    expect(report.unblocked).toEqual([]);
    expect(report.skipped).toEqual([{ taskId: id, reason: 'blocked in the tracker' }]);
    expect(await world.task(id)).toMatchObject({ stage: 'development', blocked: true });
    expect(world.count('outbox')).toBe(outbox);
  });

  it.each(['Blocked', 'Needs Input', 'Approved, blocked by legal'])('blocked webhook lost, the tracker says "%s": skipped, never advanced, never flagged', async (state) => {
    const { id, itemId } = await trackedTaskWithGreenCi();
    world.plane!.state.moveWorkItem(itemId, state);
    const outbox = world.count('outbox');
    const transitions = world.count('transitions');
    const reconciler = world.reconciler();
    for (let pass = 0; pass < 3; pass++) {
      world.advance(GRACE_MS);
      const report = await reconciler.runPass({ dryRun: false, actor: 'reconciler' });
      expect(report.unblocked).toEqual([]);
      expect(report.skipped).toEqual([{ taskId: id, reason: `"${state}" in the tracker` }]);
    }
    expect(await world.task(id)).toMatchObject({ stage: 'development', phase: 'awaiting-ci', blocked: false });
    expect(world.count('outbox')).toBe(outbox);
    expect(world.count('transitions')).toBe(transitions);
  });

  it('the unblock webhook lost (guard off): the tracker no longer says blocked, so the unblock is replayed, then CI', async () => {
    const { id, itemId } = await trackedTaskWithGreenCi();
    await world.handle({ type: 'TrackerStateChanged', key: 'plane:blocked', taskId: id, group: 'blocked', actor: 'plane' });
    world.plane!.state.moveWorkItem(itemId, 'Blocked');
    world.plane!.state.moveWorkItem(itemId, 'In Progress');
    const reconciler = world.reconciler({ skipBlocked: false });
    world.advance(GRACE_MS);
    const first = await reconciler.runPass({ dryRun: false, actor: 'reconciler' });
    expect(first.unblocked).toEqual([{ taskId: id, reason: 'no longer blocked in the tracker ("In Progress")' }]);
    expect(await world.task(id)).toMatchObject({ stage: 'development', blocked: false });
    world.advance(GRACE_MS);
    await reconciler.runPass({ dryRun: false, actor: 'reconciler' });
    expect((await world.task(id)).stage).toBe('review');
  });
});
