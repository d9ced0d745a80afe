/**
 * Incident class 4: the tracker is down. Every tracked task is skipped with the reason, nothing
 * advances and nothing is said; when the tracker is back the next pass catches up. Plus the kill
 * switch: with the tracker side off, no tracker call is made at all.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RetryableError } from '../../core/errors.ts';
import { GRACE_MS, PLANE_PROJECT, ReconcilerWorld } from '../support/reconciler-harness.ts';

const SHA = 'd'.repeat(40);
let world: ReconcilerWorld;
afterEach(async () => world.cleanup());

async function trackedTaskWithGreenCi(): Promise<string> {
  world = await ReconcilerWorld.start({ plane: true });
  const item = world.plane!.state.createWorkItem(PLANE_PROJECT, { name: 'Wishlist', state: 'In Progress' });
  const id = await world.awaitingCi(SHA, { source: 'plane', externalId: item.id, number: item.sequenceId });
  await world.storeStatus(SHA, 'success');
  return id;
}

describe('incident 4: tracker down', () => {
  it('answers 502: skip with the reason, no advance, no message, pass after pass; once it is back, the next pass advances', async () => {
    const id = await trackedTaskWithGreenCi();
    world.plane!.injectFault({ status: 502, body: 'Bad Gateway' }, 3);
    const outbox = world.count('outbox');
    const transitions = world.count('transitions');
    const reconciler = world.reconciler();
    for (let pass = 0; pass < 3; pass++) {
      world.advance(GRACE_MS);
      const down = await reconciler.runPass({ dryRun: false, actor: 'reconciler' });
      expect(down.unblocked).toEqual([]);
      expect(down.skipped).toHaveLength(1);
      expect(down.skipped[0]).toMatchObject({ taskId: id });
      expect(down.skipped[0]!.reason).toMatch(/^tracker error: .*502/);
    }
    expect(await world.task(id)).toMatchObject({ stage: 'development', phase: 'awaiting-ci' });
    expect(world.count('outbox')).toBe(outbox);
    expect(world.count('transitions')).toBe(transitions);

    const up = await reconciler.runPass({ dryRun: false, actor: 'reconciler' });
    expect(up.unblocked.map((u) => u.taskId)).toEqual([id]);
    expect((await world.task(id)).stage).toBe('review');
  });

  it('a reader that throws: skip, no advance, no message, and the pass goes on to untracked tasks', async () => {
    const id = await trackedTaskWithGreenCi();
    const chatTask = await world.awaitingCi('e'.repeat(40));
    await world.storeStatus('e'.repeat(40), 'success');
    const trackedRows = world.count('outbox', `task_id = '${id}'`);
    const down = { issuesPage: () => Promise.reject(new RetryableError('reading work items of SHOP: request failed: ECONNREFUSED')) };
    world.advance(GRACE_MS);
    const report = await world.reconciler({ trackerReader: down }).runPass({ dryRun: false, actor: 'reconciler' });
    expect(report.skipped).toEqual([{ taskId: id, reason: 'tracker error: RetryableError: reading work items of SHOP: request failed: ECONNREFUSED' }]);
    expect(report.unblocked.map((u) => u.taskId)).toEqual([chatTask]);
    expect((await world.task(id)).stage).toBe('development');
    expect(world.count('outbox', `task_id = '${id}'`)).toBe(trackedRows);
    expect(world.count('outbox', `kind = 'notice' AND task_id = '${chatTask}'`)).toBe(1);
  });

  it('kill switch ORCH_RECONCILE_PLANE_ENABLED=false: no tracker call at all', async () => {
    const id = await trackedTaskWithGreenCi();
    const before = world.plane!.requests.length;
    world.advance(GRACE_MS);
    const report = await world.reconciler({ planeEnabled: false }).runPass({ dryRun: false, actor: 'reconciler' });
    expect(world.plane!.requests.length).toBe(before);
    expect(report.unblocked.map((u) => u.taskId)).toEqual([id]);
  });
});
