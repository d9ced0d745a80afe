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

function create(): string {
  const outcome = h.handle({ type: 'TaskRequested', key: 'new:1', projectId: 'SHOP', title: 'Wishlist', source: 'chat', actor: 'telegram:111' });
  if (outcome.type !== 'created') throw new Error(JSON.stringify(outcome));
  return outcome.taskId;
}

/** Finish the task's active agent job of `role` as the worker would. */
function finish(taskId: string, role: Role, artifacts: Record<string, string | null>, headSha: string | null = 'a'.repeat(40)) {
  const job = h.queue.activeForTask(taskId).find((j) => j.kind === 'agent' && j.payload.role === role);
  if (!job) throw new Error(`no active ${role} job; active: ${JSON.stringify(h.queue.activeForTask(taskId))}`);
  return h.store.write((tx) => {
    h.store.sqlite.prepare(`UPDATE jobs SET state='succeeded' WHERE id = ?`).run(job.id);
    return h.engine.handleInTx(tx, {
      type: 'AgentRunFinished',
      key: `job:${job.id}:finished`,
      taskId,
      jobId: job.id,
      facts: { role, attempt: Number(job.payload.attempt), headSha, artifacts, logTail: '' },
    });
  });
}

function approve(taskId: string, actor = 'telegram:111:Alice') {
  const approval = pendingApproval(h.store.db, taskId, 'brd');
  if (!approval) throw new Error('no pending approval');
  return h.handle({ type: 'ApprovalDecided', key: `approve:${approval.id}:${actor}`, taskId, approvalId: approval.id, decision: 'approve', actor });
}

function ci(taskId: string, state: 'success' | 'failure' | 'pending', detail = '', n = 1) {
  return h.handle({ type: 'CiStatusReported', key: `ci:${taskId}:${n}`, taskId, sha: h.task(taskId).headSha!, state, detail, actor: 'local-ci' });
}

function toReview(id: string, sha = 'b'.repeat(40)) {
  finish(id, 'developer', {}, sha);
  ci(id, 'success', '', Math.random());
}

describe('engine: the happy path', () => {
  it('walks a task from request to merging with one transition per step', () => {
    h = engineHarness({ project: { ciCommand: 'npm test' } });
    const id = create();
    expect(h.task(id)).toMatchObject({ stage: 'analysis', phase: 'working', branch: 'task/SHOP-1' });
    expect(h.queue.activeForTask(id).map((j) => j.idempotencyKey)).toEqual(['SHOP-1:agent:analyst:1']);

    finish(id, 'analyst', { '01-brd.md': BRD });
    expect(h.task(id).phase).toBe('awaiting-approval');
    const approval = pendingApproval(h.store.db, id, 'brd')!;
    expect(approval.summary).toContain('Add a wishlist button.');
    expect(pendingOutbox(h.store.db, h.clock.now(), 100).map((r) => r.kind)).toContain('approval-request');

    expect(approve(id).type).toBe('applied');
    expect(h.task(id)).toMatchObject({ stage: 'development', phase: 'working' });

    finish(id, 'developer', {}, 'c'.repeat(40));
    expect(h.task(id).phase).toBe('awaiting-ci');
    expect(h.queue.activeForTask(id).map((j) => j.kind)).toEqual(['ci']);
    ci(id, 'success');
    expect(h.task(id)).toMatchObject({ stage: 'review', phase: 'working' });

    finish(id, 'reviewer', { '12-review.md': REVIEW_GREEN });
    expect(h.task(id).stage).toBe('testing');
    finish(id, 'tester', { '13-test-report.md': TESTS_GREEN });
    expect(h.task(id).phase).toBe('merging');
    expect(h.queue.activeForTask(id).map((j) => j.kind)).toContain('merge');

    h.handle({ type: 'Merged', key: 'merged:1', taskId: id, sha: 'd'.repeat(40), actor: 'merge-gate' });
    expect(h.task(id)).toMatchObject({ stage: 'done', phase: 'idle' });
    const stages = transitionsOf(h.store.db, id).map((t) => `${t.toStage}/${t.toPhase}`);
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

  it('skips switched-off stages: development is the last stage, so CI green merges', () => {
    h = engineHarness({ project: { ciCommand: 'npm test', stages: ['analysis', 'development'] } });
    const id = create();
    finish(id, 'analyst', { '01-brd.md': BRD });
    approve(id);
    finish(id, 'developer', {});
    ci(id, 'success');
    expect(h.task(id).phase).toBe('merging');
  });
});

describe('engine: idempotency', () => {
  it('replaying an event that took effect changes nothing', () => {
    h = engineHarness();
    const id = create();
    const again = h.handle({ type: 'TaskRequested', key: 'new:1', projectId: 'SHOP', title: 'Wishlist', source: 'chat', actor: 'telegram:111' });
    expect(again.type).toBe('duplicate');
    finish(id, 'analyst', { '01-brd.md': BRD });
    const approval = pendingApproval(h.store.db, id, 'brd')!;
    const event = { type: 'ApprovalDecided' as const, key: 'approve:x', taskId: id, approvalId: approval.id, decision: 'approve' as const, actor: 'telegram:111:Alice' };
    expect(h.handle(event).type).toBe('applied');
    const before = transitionsOf(h.store.db, id).length;
    const jobs = h.queue.activeForTask(id).length;
    expect(h.handle(event).type).toBe('duplicate');
    expect(transitionsOf(h.store.db, id)).toHaveLength(before);
    expect(h.queue.activeForTask(id)).toHaveLength(jobs);
  });

  it('one tracker issue makes one task, whatever the event key', () => {
    h = engineHarness();
    const base = { type: 'TaskRequested' as const, projectId: 'SHOP', title: 'From Plane', source: 'plane' as const, externalId: 'uuid-42', number: 42, actor: 'tracker' };
    expect(h.handle({ ...base, key: 'plane:delivery-1' })).toEqual({ type: 'created', taskId: 'SHOP-42' });
    expect(h.handle({ ...base, key: 'reconciler:uuid-42' })).toEqual({ type: 'duplicate', taskId: 'SHOP-42' });
    expect(h.queue.activeForTask('SHOP-42')).toHaveLength(1);
  });

  it('ignores a stale agent result (a superseded attempt)', () => {
    h = engineHarness();
    const id = create();
    const first = h.queue.activeForTask(id)[0]!;
    finish(id, 'analyst', { '01-brd.md': '' }); // red: empty BRD → analyst attempt 2
    expect(h.task(id).attempts.analyst).toBe(2);
    const stale = h.handle({
      type: 'AgentRunFinished',
      key: 'late',
      taskId: id,
      jobId: first.id,
      facts: { role: 'analyst', attempt: 1, headSha: null, artifacts: { '01-brd.md': BRD }, logTail: '' },
    });
    expect(stale.type).toBe('noop');
    expect(h.task(id).phase).toBe('working');
  });
});

describe('engine: approvals', () => {
  it('only approvers decide, and a decision is taken once', () => {
    h = engineHarness();
    const id = create();
    finish(id, 'analyst', { '01-brd.md': BRD });
    const approval = pendingApproval(h.store.db, id, 'brd')!;
    const stranger = h.handle({ type: 'ApprovalDecided', key: 'k1', taskId: id, approvalId: approval.id, decision: 'approve', actor: 'telegram:999:Mallory' });
    expect(stranger.type).toBe('rejected');
    expect(h.task(id).phase).toBe('awaiting-approval');
    expect(approve(id, 'telegram:222:Bob').type).toBe('applied');
    const second = h.handle({ type: 'ApprovalDecided', key: 'k2', taskId: id, approvalId: approval.id, decision: 'reject', actor: 'telegram:111:Alice' });
    expect(second).toMatchObject({ type: 'already-decided', by: 'Bob', state: 'approved' });
    expect(getApproval(h.store.db, approval.id)).toMatchObject({ state: 'approved', decidedBy: 'telegram:222:Bob' });
  });

  it('a reject re-runs the analyst with the reason in its task file', () => {
    h = engineHarness();
    const id = create();
    finish(id, 'analyst', { '01-brd.md': BRD });
    const approval = pendingApproval(h.store.db, id, 'brd')!;
    h.handle({ type: 'ApprovalDecided', key: 'r', taskId: id, approvalId: approval.id, decision: 'reject', reason: 'Cover <guests> & members', actor: 'telegram:111:Alice' });
    const task = h.task(id);
    expect(task).toMatchObject({ stage: 'analysis', phase: 'working', notes: 'Cover <guests> & members' });
    expect(task.attempts.analyst).toBe(2);
    expect(renderTaskFile(task, 'analyst', 2)).toContain('Cover <guests> & members');
  });
});

describe('engine: red gates, rollbacks and the retry cap', () => {
  it('a review red rolls back to development with the P0/P1 findings verbatim', () => {
    h = engineHarness({ project: { ciCommand: 'npm test' } });
    const id = create();
    finish(id, 'analyst', { '01-brd.md': BRD });
    approve(id);
    toReview(id);
    finish(id, 'reviewer', { '12-review.md': REVIEW_RED });
    const task = h.task(id);
    expect(task).toMatchObject({ stage: 'development', phase: 'working', rollbacks: 1 });
    expect(task.mustFix).toContain('P1: cart.js crashes on null items');
    expect(task.mustFix).not.toContain('naming');
    const file = renderTaskFile(task, 'developer', 2);
    expect(file).toContain('## Must fix');
    expect(file).toContain('cart.js crashes on null items');
  });

  it('a CI failure re-runs the developer with the failure excerpt', () => {
    h = engineHarness({ project: { ciCommand: 'npm test' } });
    const id = create();
    finish(id, 'analyst', { '01-brd.md': BRD });
    approve(id);
    finish(id, 'developer', {});
    ci(id, 'failure', 'FAIL cart.test.js: expected 2, got 3');
    expect(h.task(id)).toMatchObject({ stage: 'development', phase: 'working', rollbacks: 1 });
    expect(h.task(id).mustFix).toContain('expected 2, got 3');
    expect(h.task(id).attempts.developer).toBe(2);
  });

  it('a CI status for another sha, or pending, changes nothing', () => {
    h = engineHarness({ project: { ciCommand: 'npm test' } });
    const id = create();
    finish(id, 'analyst', { '01-brd.md': BRD });
    approve(id);
    finish(id, 'developer', {}, 'e'.repeat(40));
    expect(h.handle({ type: 'CiStatusReported', key: 'x', taskId: id, sha: 'f'.repeat(40), state: 'success', detail: '', actor: 'forge' }).type).toBe('noop');
    expect(ci(id, 'pending').type).toBe('noop');
    expect(h.task(id).phase).toBe('awaiting-ci');
  });

  it('escalates on the red gate that would exceed the cap, then stays quiet until /retry', () => {
    h = engineHarness({ maxRetries: 2, project: { ciCommand: 'npm test' } });
    const id = create();
    finish(id, 'analyst', { '01-brd.md': BRD });
    approve(id);
    for (let round = 1; round <= 2; round += 1) {
      toReview(id, String(round).repeat(40));
      finish(id, 'reviewer', { '12-review.md': REVIEW_RED });
      expect(h.task(id).rollbacks).toBe(round);
    }
    toReview(id, '9'.repeat(40));
    finish(id, 'reviewer', { '12-review.md': REVIEW_RED });
    const task = h.task(id);
    expect(task.escalated).toBe(true);
    expect(task.rollbacks).toBe(2);
    expect(task.attempts.developer).toBe(3); // N rollbacks → N+1 developer runs
    expect(h.queue.activeForTask(id)).toHaveLength(0);
    const escalations = pendingOutbox(h.store.db, h.clock.now(), 500).filter((r) => r.kind === 'escalation');
    expect(escalations).toHaveLength(1);

    const retried = h.handle({ type: 'RetryRequested', key: 'retry:1', taskId: id, actor: 'telegram:111' });
    expect(retried.type).toBe('applied');
    expect(h.task(id)).toMatchObject({ escalated: false, rollbacks: 0, stage: 'review', phase: 'working' });
    expect(h.queue.activeForTask(id).map((j) => j.payload.role)).toEqual(['reviewer']);
  });

  it('a dead infrastructure job escalates the task', () => {
    h = engineHarness();
    const id = create();
    const job = h.queue.activeForTask(id)[0]!;
    h.handle({ type: 'JobDead', key: `job-dead:${job.id}`, taskId: id, jobId: job.id, kind: 'agent', error: 'analyst exited 1' });
    expect(h.task(id)).toMatchObject({ escalated: true });
    expect(h.task(id).escalationReason).toContain('analyst exited 1');
  });

  it('a merge conflict rolls back to development with the reason', () => {
    h = engineHarness({ project: { ciCommand: 'npm test', stages: ['analysis', 'development'] } });
    const id = create();
    finish(id, 'analyst', { '01-brd.md': BRD });
    approve(id);
    finish(id, 'developer', {});
    ci(id, 'success');
    h.handle({ type: 'MergeFailed', key: 'mf', taskId: id, reason: 'conflict in cart.js', actor: 'merge-gate' });
    expect(h.task(id)).toMatchObject({ stage: 'development', phase: 'working', mustFix: 'conflict in cart.js' });
  });
});

describe('engine: forge statuses out of order', () => {
  it('a status that arrived before the push is judged when the developer run is recorded', () => {
    h = engineHarness({ forge: true });
    const id = create();
    finish(id, 'analyst', { '01-brd.md': BRD });
    approve(id);
    const sha = '7'.repeat(40);
    h.store.write((tx) => {
      h.store.sqlite
        .prepare(`INSERT INTO ci_statuses (repo, sha, context, state, description, updated_at) VALUES ('acme/shop', ?, 'CI / test (push)', 'success', 'ok', 1)`)
        .run(sha);
      void tx;
    });
    finish(id, 'developer', {}, sha);
    expect(h.task(id).stage).toBe('review');
  });

  it('a tracker block is recorded on the task, and unblock clears it', () => {
    h = engineHarness();
    const id = create();
    h.handle({ type: 'TrackerStateChanged', key: 't1', taskId: id, group: 'blocked', actor: 'priya' });
    expect(h.task(id).blocked).toBe(true);
    h.handle({ type: 'TrackerStateChanged', key: 't2', taskId: id, group: 'unblocked', actor: 'priya' });
    expect(h.task(id).blocked).toBe(false);
  });
});
