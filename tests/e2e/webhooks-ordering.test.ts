/**
 * Webhooks out of order (reference/reliability.md, scenario 5): Gitea's status before its push,
 * and the PR merge before the status, reach the same final state as the ordered sequence. Each
 * order runs in its own composed app over real sockets; the final states are compared field by
 * field, with the CI statuses and the jobs the engine queued.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { statusesFor } from '../../core/store/ci-status-repo.ts';
import { getTask } from '../../core/store/task-repo.ts';
import { fixture, type FixtureName } from '../http/webhook-harness.ts';
import {
  A1,
  A3,
  TASK,
  startWebhookApp,
  toAwaitingCi,
  toMerging,
  type EngineParts,
  type WebhookApp,
} from '../inbound/inbound-harness.ts';

const opened: WebhookApp[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((w) => w.close()));
});

/** Deliver fixtures one after another (each answered before the next is sent) and let the processor finish. */
async function run(setup: (parts: EngineParts) => Promise<void>, order: readonly FixtureName[]) {
  const w = await startWebhookApp();
  opened.push(w);
  await setup(w.app);
  for (const name of order) {
    const { text, headers } = fixture(name);
    const answer = await w.post('/webhooks/gitea', text, headers);
    expect(answer.status, name).toBe(200);
  }
  await w.drained();
  const task = (await getTask(w.app.store.db, TASK))!;
  return {
    task: {
      stage: task.stage,
      phase: task.phase,
      headSha: task.headSha,
      attempts: task.attempts,
      rollbacks: task.rollbacks,
      escalated: task.escalated,
      blocked: task.blocked,
      prNumber: task.prNumber,
      mustFix: task.mustFix,
    },
    jobs: (await w.app.queue
      .activeForTask(TASK))
      .map((j) => j.idempotencyKey)
      .sort(),
    statuses: (await statusesFor(w.app.store.db, 'acme/shop', A3)).map((s) => `${s.context}=${s.state}`),
  };
}

describe('out-of-order webhooks converge', () => {
  it('status before push gives the state of push then status: CI green on the pushed head, review queued', async () => {
    const ordered = await run(async (p) => await toAwaitingCi(p, A1), ['gitea-push', 'gitea-status-success']);
    const reversed = await run(async (p) => await toAwaitingCi(p, A1), ['gitea-status-success', 'gitea-push']);
    expect(ordered.task).toMatchObject({ stage: 'review', phase: 'working', headSha: A3 });
    expect(ordered.jobs).toContain('SHOP-42:agent:reviewer:1');
    expect(reversed).toEqual(ordered);
  });

  it('a failing status before its push gives the same rollback as after it', async () => {
    const ordered = await run(async (p) => await toAwaitingCi(p, A1), ['gitea-push', 'gitea-status-failure']);
    const reversed = await run(async (p) => await toAwaitingCi(p, A1), ['gitea-status-failure', 'gitea-push']);
    expect(ordered.task).toMatchObject({ stage: 'development', phase: 'working', rollbacks: 1, headSha: A3 });
    expect(reversed).toEqual(ordered);
  });

  it('merge before status gives the state of status then merge: done at the merged head', async () => {
    const ordered = await run(
      async (p) => await toMerging(p, A3),
      ['gitea-pull_request-opened', 'gitea-status-success', 'gitea-pull_request-merged'],
    );
    const reversed = await run(
      async (p) => await toMerging(p, A3),
      ['gitea-pull_request-merged', 'gitea-status-success', 'gitea-pull_request-opened'],
    );
    const differing = Object.keys(ordered.task).filter((k) => JSON.stringify(ordered.task[k as keyof typeof ordered.task]) !== JSON.stringify(reversed.task[k as keyof typeof reversed.task]));
    console.log(`[figure] events out of order (merge, status, opened vs opened, status, merge): final ${reversed.task.stage}/${reversed.task.phase}, fields differing from in-order ${differing.length}`);
    // Done at the sha now on main: the PR's merge commit (merge_commit_sha), not its head A3.
    const merged = (JSON.parse(fixture('gitea-pull_request-merged').text) as { pull_request: { merge_commit_sha: string } }).pull_request.merge_commit_sha;
    expect(merged).not.toBe(A3);
    expect(ordered.task).toMatchObject({ stage: 'done', phase: 'idle', headSha: merged, prNumber: 7 });
    expect(ordered.statuses).toEqual(['CI / test (push)=success']);
    expect(reversed).toEqual(ordered);
  });
});
