import { afterEach, describe, expect, it } from 'vitest';
import type { Role } from '../../core/domain/stage.ts';
import { renderTaskFile } from '../../core/engine/task-file.ts';
import { getApproval, pendingApproval } from '../../core/store/approval-repo.ts';
import { pendingOutbox } from '../../core/store/outbox-repo.ts';
import { transitionsOf } from '../../core/store/transition-log.ts';
import { engineHarness, type EngineHarness } from '../support/engine-harness.ts';

const BRD = '# BRD\n\nAdd a wishlist button.\n';
const REVIEW_RED = '---\nverdict: REQUEST_CHANGES\n---\n## Findings\n- P1: cart.js crashes on null items\n- P2: naming\n';
const REVIEW_GREEN = '---\nverdict: APPROVE\n---\n## Findings\n- P2: naming\n';
const TESTS_GREEN = '---\nresult: PASS\n---\nall good\n';

let h: EngineHarness;
afterEach(() => h.cleanup());

async function create(): Promise<string> {
  const outcome = await h.handle({ type: 'TaskRequested', key: 'new:1', projectId: 'SHOP', title: 'Wishlist', source: 'chat', actor: 'telegram:111' });
  if (outcome.type !== 'created') throw new Error(JSON.stringify(outcome));
  return outcome.taskId;
}

/** Finish the task's active agent job of `role` as the worker would. */
async function finish(taskId: string, role: Role, artifacts: Record<string, string | null>, headSha: string | null = 'a'.repeat(40)) {
  const job = (await h.queue.activeForTask(taskId)).find((j) => j.kind === 'agent' && j.payload.role === role);
  if (!job) throw new Error(`no active ${role} job; active: ${JSON.stringify(await h.queue.activeForTask(taskId))}`);
  return await h.store.transaction(async (tx) => {
    h.store.sqlite.prepare(`UPDATE jobs SET state='succeeded' WHERE id = ?`).run(job.id);
    return await h.engine.handleInTx(tx, {
      type: 'AgentRunFinished',
      key: `job:${job.id}:finished`,
      taskId,
      jobId: job.id,
      facts: { role, attempt: Number(job.payload.attempt), headSha, artifacts, logTail: '' },
    });
  });
}

async function approve(taskId: string, actor = 'telegram:111:Alice') {
  const approval = await pendingApproval(h.store.db, taskId, 'brd');
  if (!approval) throw new Error('no pending approval');
  return await h.handle({ type: 'ApprovalDecided', key: `approve:${approval.id}:${actor}`, taskId, approvalId: approval.id, decision: 'approve', actor });
}

async function ci(taskId: string, state: 'success' | 'failure' | 'pending', detail = '', n = 1) {
  return await h.handle({ type: 'CiStatusReported', key: `ci:${taskId}:${n}`, taskId, sha: (await h.task(taskId)).headSha!, state, detail, actor: 'local-ci' });
}

async function toReview(id: string, sha = 'b'.repeat(40)) {
  await finish(id, 'developer', {}, sha);
  await ci(id, 'success', '', Math.random());
}

describe('engine: the happy path', () => {
  it('walks a task from request to merging with one transition per step', async () => {
    h = engineHarness({ project: { ciCommand: 'npm test' } });
    const id = await create();
    expect(await h.task(id)).toMatchObject({ stage: 'analysis', phase: 'working', branch: 'task/SHOP-1' });
    expect((await h.queue.activeForTask(id)).map((j) => j.idempotencyKey)).toEqual(['SHOP-1:agent:analyst:1']);

    await finish(id, 'analyst', { '01-brd.md': BRD });
    expect((await h.task(id)).phase).toBe('awaiting-approval');
    const approval = (await pendingApproval(h.store.db, id, 'brd'))!;
    expect(approval.summary).toContain('Add a wishlist button.');
    expect((await pendingOutbox(h.store.db, h.clock.now(), 100)).map((r) => r.kind)).toContain('approval-request');

    expect((await approve(id)).type).toBe('applied');
    expect(await h.task(id)).toMatchObject({ stage: 'development', phase: 'working' });

    await finish(id, 'developer', {}, 'c'.repeat(40));
    expect((await h.task(id)).phase).toBe('awaiting-ci');
    expect((await h.queue.activeForTask(id)).map((j) => j.kind)).toEqual(['ci']);
    await ci(id, 'success');
    expect(await h.task(id)).toMatchObject({ stage: 'review', phase: 'working' });

    await finish(id, 'reviewer', { '12-review.md': REVIEW_GREEN });
    expect((await h.task(id)).stage).toBe('testing');
    await finish(id, 'tester', { '13-test-report.md': TESTS_GREEN });
    expect((await h.task(id)).phase).toBe('merging');
    expect((await h.queue.activeForTask(id)).map((j) => j.kind)).toContain('merge');

    await h.handle({ type: 'Merged', key: 'merged:1', taskId: id, sha: 'd'.repeat(40), actor: 'merge-gate' });
    expect(await h.task(id)).toMatchObject({ stage: 'done', phase: 'idle' });
    const stages = (await transitionsOf(h.store.db, id)).map((t) => `${t.toStage}/${t.toPhase}`);
    expect(stages).toEqual([
      'analysis/working',
      'analysis/awaiting-approval',
      'development/working',
      'development/awaiting-ci',
      'review/working',
      'testing/working',
      'testing/merging',
      'done/idle',
    ]);
  });

  it('skips switched-off stages: development is the last stage, so CI green merges', async () => {
    h = engineHarness({ project: { ciCommand: 'npm test', stages: ['analysis', 'development'] } });
    const id = await create();
    await finish(id, 'analyst', { '01-brd.md': BRD });
    await approve(id);
    await finish(id, 'developer', {});
    await ci(id, 'success');
    expect((await h.task(id)).phase).toBe('merging');
  });
});

describe('engine: idempotency', () => {
  it('replaying an event that took effect changes nothing', async () => {
    h = engineHarness();
    const id = await create();
    const again = await h.handle({ type: 'TaskRequested', key: 'new:1', projectId: 'SHOP', title: 'Wishlist', source: 'chat', actor: 'telegram:111' });
    expect(again.type).toBe('duplicate');
    await finish(id, 'analyst', { '01-brd.md': BRD });
    const approval = (await pendingApproval(h.store.db, id, 'brd'))!;
    const event = { type: 'ApprovalDecided' as const, key: 'approve:x', taskId: id, approvalId: approval.id, decision: 'approve' as const, actor: 'telegram:111:Alice' };
    expect((await h.handle(event)).type).toBe('applied');
    const before = (await transitionsOf(h.store.db, id)).length;
    const jobs = (await h.queue.activeForTask(id)).length;
    expect((await h.handle(event)).type).toBe('duplicate');
    expect(await transitionsOf(h.store.db, id)).toHaveLength(before);
    expect(await h.queue.activeForTask(id)).toHaveLength(jobs);
  });

  it('one tracker issue makes one task, whatever the event key', async () => {
    h = engineHarness();
    const base = { type: 'TaskRequested' as const, projectId: 'SHOP', title: 'From Plane', source: 'plane' as const, externalId: 'uuid-42', number: 42, actor: 'tracker' };
    expect(await h.handle({ ...base, key: 'plane:delivery-1' })).toEqual({ type: 'created', taskId: 'SHOP-42' });
    expect(await h.handle({ ...base, key: 'reconciler:uuid-42' })).toEqual({ type: 'duplicate', taskId: 'SHOP-42' });
    expect(await h.queue.activeForTask('SHOP-42')).toHaveLength(1);
  });

  it('ignores a stale agent result (a superseded attempt)', async () => {
    h = engineHarness();
    const id = await create();
    const first = (await h.queue.activeForTask(id))[0]!;
    await finish(id, 'analyst', { '01-brd.md': '' }); // red: empty BRD → analyst attempt 2
    expect((await h.task(id)).attempts.analyst).toBe(2);
    const stale = await h.handle({
      type: 'AgentRunFinished',
      key: 'late',
      taskId: id,
      jobId: first.id,
      facts: { role: 'analyst', attempt: 1, headSha: null, artifacts: { '01-brd.md': BRD }, logTail: '' },
    });
    expect(stale.type).toBe('noop');
    expect((await h.task(id)).phase).toBe('working');
  });
});

describe('engine: approvals', () => {
  it('only approvers decide, and a decision is taken once', async () => {
    h = engineHarness();
    const id = await create();
    await finish(id, 'analyst', { '01-brd.md': BRD });
    const approval = (await pendingApproval(h.store.db, id, 'brd'))!;
    const stranger = await h.handle({ type: 'ApprovalDecided', key: 'k1', taskId: id, approvalId: approval.id, decision: 'approve', actor: 'telegram:999:Mallory' });
    expect(stranger.type).toBe('rejected');
    expect((await h.task(id)).phase).toBe('awaiting-approval');
    expect((await approve(id, 'telegram:222:Bob')).type).toBe('applied');
    const second = await h.handle({ type: 'ApprovalDecided', key: 'k2', taskId: id, approvalId: approval.id, decision: 'reject', actor: 'telegram:111:Alice' });
    expect(second).toMatchObject({ type: 'already-decided', by: 'Bob', state: 'approved' });
    expect(await getApproval(h.store.db, approval.id)).toMatchObject({ state: 'approved', decidedBy: 'telegram:222:Bob' });
  });

  it('a reject re-runs the analyst with the reason in its task file', async () => {
    h = engineHarness();
    const id = await create();
    await finish(id, 'analyst', { '01-brd.md': BRD });
    const approval = (await pendingApproval(h.store.db, id, 'brd'))!;
    await h.handle({ type: 'ApprovalDecided', key: 'r', taskId: id, approvalId: approval.id, decision: 'reject', reason: 'Cover <guests> & members', actor: 'telegram:111:Alice' });
    const task = await h.task(id);
    expect(task).toMatchObject({ stage: 'analysis', phase: 'working', notes: 'Cover <guests> & members' });
    expect(task.attempts.analyst).toBe(2);
    expect(renderTaskFile(task, 'analyst', 2)).toContain('Cover <guests> & members');
  });
});

describe('engine: red gates, rollbacks and the retry cap', () => {
  it('a review red rolls back to development with the P0/P1 findings verbatim', async () => {
    h = engineHarness({ project: { ciCommand: 'npm test' } });
    const id = await create();
    await finish(id, 'analyst', { '01-brd.md': BRD });
    await approve(id);
    await toReview(id);
    await finish(id, 'reviewer', { '12-review.md': REVIEW_RED });
    const task = await h.task(id);
    expect(task).toMatchObject({ stage: 'development', phase: 'working', rollbacks: 1 });
    expect(task.mustFix).toContain('P1: cart.js crashes on null items');
    expect(task.mustFix).not.toContain('naming');
    const file = renderTaskFile(task, 'developer', 2);
    expect(file).toContain('## Must fix');
    expect(file).toContain('cart.js crashes on null items');
  });

  it('a CI failure re-runs the developer with the failure excerpt', async () => {
    h = engineHarness({ project: { ciCommand: 'npm test' } });
    const id = await create();
    await finish(id, 'analyst', { '01-brd.md': BRD });
    await approve(id);
    await finish(id, 'developer', {});
    await ci(id, 'failure', 'FAIL cart.test.js: expected 2, got 3');
    expect(await h.task(id)).toMatchObject({ stage: 'development', phase: 'working', rollbacks: 1 });
    expect((await h.task(id)).mustFix).toContain('expected 2, got 3');
    expect((await h.task(id)).attempts.developer).toBe(2);
  });

  it('a CI status for another sha, or pending, changes nothing', async () => {
    h = engineHarness({ project: { ciCommand: 'npm test' } });
    const id = await create();
    await finish(id, 'analyst', { '01-brd.md': BRD });
    await approve(id);
    await finish(id, 'developer', {}, 'e'.repeat(40));
    expect((await h.handle({ type: 'CiStatusReported', key: 'x', taskId: id, sha: 'f'.repeat(40), state: 'success', detail: '', actor: 'forge' })).type).toBe('noop');
    expect((await ci(id, 'pending')).type).toBe('noop');
    expect((await h.task(id)).phase).toBe('awaiting-ci');
  });

  it('escalates on the red gate that would exceed the cap, then stays quiet until /retry', async () => {
    h = engineHarness({ maxRetries: 2, project: { ciCommand: 'npm test' } });
    const id = await create();
    await finish(id, 'analyst', { '01-brd.md': BRD });
    await approve(id);
    for (let round = 1; round <= 2; round += 1) {
      await toReview(id, String(round).repeat(40));
      await finish(id, 'reviewer', { '12-review.md': REVIEW_RED });
      expect((await h.task(id)).rollbacks).toBe(round);
    }
    await toReview(id, '9'.repeat(40));
    await finish(id, 'reviewer', { '12-review.md': REVIEW_RED });
    const task = await h.task(id);
    expect(task.escalated).toBe(true);
    expect(task.rollbacks).toBe(2);
    expect(task.attempts.developer).toBe(3); // N rollbacks → N+1 developer runs
    expect(await h.queue.activeForTask(id)).toHaveLength(0);
    const escalations = (await pendingOutbox(h.store.db, h.clock.now(), 500)).filter((r) => r.kind === 'escalation');
    expect(escalations).toHaveLength(1);

    const retried = await h.handle({ type: 'RetryRequested', key: 'retry:1', taskId: id, actor: 'telegram:111' });
    expect(retried.type).toBe('applied');
    expect(await h.task(id)).toMatchObject({ escalated: false, rollbacks: 0, stage: 'review', phase: 'working' });
    expect((await h.queue.activeForTask(id)).map((j) => j.payload.role)).toEqual(['reviewer']);
  });

  it('a dead infrastructure job escalates the task', async () => {
    h = engineHarness();
    const id = await create();
    const job = (await h.queue.activeForTask(id))[0]!;
    await h.handle({ type: 'JobDead', key: `job-dead:${job.id}`, taskId: id, jobId: job.id, kind: 'agent', error: 'analyst exited 1' });
    expect(await h.task(id)).toMatchObject({ escalated: true });
    expect((await h.task(id)).escalationReason).toContain('analyst exited 1');
  });

  it('a merge conflict rolls back to development with the reason', async () => {
    h = engineHarness({ project: { ciCommand: 'npm test', stages: ['analysis', 'development'] } });
    const id = await create();
    await finish(id, 'analyst', { '01-brd.md': BRD });
    await approve(id);
    await finish(id, 'developer', {});
    await ci(id, 'success');
    await h.handle({ type: 'MergeFailed', key: 'mf', taskId: id, reason: 'conflict in cart.js', actor: 'merge-gate' });
    expect(await h.task(id)).toMatchObject({ stage: 'development', phase: 'working', mustFix: 'conflict in cart.js' });
  });
});

describe('engine: forge statuses out of order', () => {
  it('a status that arrived before the push is judged when the developer run is recorded', async () => {
    h = engineHarness({ forge: true });
    const id = await create();
    await finish(id, 'analyst', { '01-brd.md': BRD });
    await approve(id);
    const sha = '7'.repeat(40);
    await h.store.transaction(async (tx) => {
      h.store.sqlite
        .prepare(`INSERT INTO ci_statuses (repo, sha, context, state, description, updated_at) VALUES ('acme/shop', ?, 'CI / test (push)', 'success', 'ok', 1)`)
        .run(sha);
      void tx;
    });
    await finish(id, 'developer', {}, sha);
    expect((await h.task(id)).stage).toBe('review');
  });

  it('a tracker block is recorded on the task, and unblock clears it', async () => {
    h = engineHarness();
    const id = await create();
    await h.handle({ type: 'TrackerStateChanged', key: 't1', taskId: id, group: 'blocked', actor: 'priya' });
    expect((await h.task(id)).blocked).toBe(true);
    await h.handle({ type: 'TrackerStateChanged', key: 't2', taskId: id, group: 'unblocked', actor: 'priya' });
    expect((await h.task(id)).blocked).toBe(false);
  });
});
