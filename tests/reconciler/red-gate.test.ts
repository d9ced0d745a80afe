/**
 * Incident class 7: a red (or pending) gate stays silent over many passes: no transition, no job,
 * no message, whichever side sees it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readStats } from '../../core/reconciler/reconciler.ts';
import { GRACE_MS, ReconcilerWorld } from '../support/reconciler-harness.ts';

const SHA = '5ad'.padEnd(40, '4');
let world: ReconcilerWorld;
afterEach(async () => world.cleanup());

async function quietOver(passes: number, id: string): Promise<void> {
  const before = { jobs: world.count('jobs'), outbox: world.count('outbox'), transitions: world.count('transitions'), task: await world.task(id) };
  const reconciler = world.reconciler();
  for (let pass = 0; pass < passes; pass++) {
    world.advance(GRACE_MS);
    const report = await reconciler.runPass({ dryRun: false, actor: 'reconciler' });
    expect(report).toMatchObject({ examined: 1, unblocked: [], skipped: [] });
  }
  expect(world.count('jobs')).toBe(before.jobs);
  expect(world.count('outbox')).toBe(before.outbox);
  expect(world.count('transitions')).toBe(before.transitions);
  expect(await world.task(id)).toEqual(before.task);
  expect(await readStats(world.store)).toMatchObject({ unblockedTotal: 0, lastUnblocked: null });
}

describe('incident 7: a red gate stays silent', () => {
  it('red CI stored for the head: twenty passes, nothing', async () => {
    world = await ReconcilerWorld.start();
    const id = await world.awaitingCi(SHA);
    await world.storeStatus(SHA, 'success', 'ci/lint');
    await world.storeStatus(SHA, 'failure', 'ci/test');
    await quietOver(20, id);
  });

  it('the forge says red, then pending: twenty passes, nothing', async () => {
    world = await ReconcilerWorld.start({ gitea: true });
    const id = await world.awaitingCi(SHA);
    world.gitea!.state.setBranchHead('acme/shop', `task/${id}`, SHA);
    world.gitea!.state.postStatus('acme/shop', SHA, { state: 'failure', context: 'ci/test' });
    await quietOver(10, id);
    world.gitea!.state.postStatus('acme/shop', SHA, { state: 'pending', context: 'ci/test' });
    await quietOver(10, id);
  });
});
