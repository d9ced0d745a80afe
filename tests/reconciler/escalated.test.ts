/**
 * Incident class 2: a reviewer that keeps requesting changes. At the retry cap the task escalates;
 * from then on the reconciler never examines it, so no pass runs an agent or sends a message.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Task } from '../../core/domain/task.ts';
import { GRACE_MS, REVIEW_RED, ReconcilerWorld } from '../support/reconciler-harness.ts';

let world: ReconcilerWorld;
afterEach(async () => world.cleanup());

/** Review → red → development → CI green → review …, until the cap escalates the task. */
async function bounceUntilEscalated(id: string): Promise<number> {
  let rounds = 0;
  while (!(await world.task(id)).escalated) {
    const sha = (await world.task(id)).headSha!;
    await world.handle({ type: 'CiStatusReported', key: `ci:${id}:${rounds}`, taskId: id, sha, state: 'success', detail: '', actor: 'forge' });
    await world.finish(id, 'reviewer', { '12-review.md': REVIEW_RED });
    rounds += 1;
    if ((await world.task(id)).escalated) break;
    await world.finish(id, 'developer', {}, `${rounds}`.padEnd(40, 'a'));
  }
  return rounds;
}

describe('incident 2: a reviewer requesting changes up to the retry cap', () => {
  it('escalates, and ten further passes examine it never: no agent job, no message', async () => {
    world = await ReconcilerWorld.start({ maxRetries: 3 });
    const id = await world.awaitingCi('a'.repeat(40));
    expect(await bounceUntilEscalated(id)).toBe(4);
    expect(await world.task(id)).toMatchObject({ stage: 'review', escalated: true, rollbacks: 3 });
    expect(await world.queue.activeForTask(id)).toEqual([]);
    const jobs = world.count('jobs');
    const outbox = world.count('outbox');
    const transitions = world.count('transitions');
    const seen: Task[] = [];
    const reconciler = world.reconciler({ extraProbes: [(task) => (seen.push(task), { type: 'nothing' })] });

    for (let pass = 0; pass < 10; pass++) {
      world.advance(GRACE_MS);
      const report = await reconciler.runPass({ dryRun: false, actor: 'reconciler' });
      expect(report).toMatchObject({ examined: 0, unblocked: [], skipped: [] });
    }
    expect(seen).toEqual([]);
    expect(world.count('jobs')).toBe(jobs);
    expect(world.count('outbox')).toBe(outbox);
    expect(world.count('transitions')).toBe(transitions);
    expect(await world.task(id)).toMatchObject({ stage: 'review', escalated: true });
  });

  it('an escalated task waiting for CI stays put even with green CI stored for its head', async () => {
    world = await ReconcilerWorld.start({ maxRetries: 0 });
    const id = await world.awaitingCi('a'.repeat(40));
    await world.handle({ type: 'CiStatusReported', key: 'ci:red', taskId: id, sha: 'a'.repeat(40), state: 'failure', detail: 'boom', actor: 'forge' });
    expect(await world.task(id)).toMatchObject({ stage: 'development', escalated: true });
    await world.storeStatus('a'.repeat(40), 'success');
    const outbox = world.count('outbox');
    const reconciler = world.reconciler();
    for (let pass = 0; pass < 10; pass++) {
      world.advance(GRACE_MS);
      expect((await reconciler.runPass({ dryRun: false, actor: 'reconciler' })).examined).toBe(0);
    }
    expect(await world.task(id)).toMatchObject({ stage: 'development', phase: 'awaiting-ci', escalated: true });
    expect(world.count('outbox')).toBe(outbox);
    expect(await world.queue.activeForTask(id)).toEqual([]);
  });
});
