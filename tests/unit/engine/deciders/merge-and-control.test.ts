/** Merge-phase, control, push and creation deciders: facts in, effects out — no database. */
import { describe, expect, it } from 'vitest';
import type { ApprovalRow } from '../../../../core/store/approval-repo.ts';
import { decideOn, effectsOf, kinds, NOW, rulesFor, taskAt } from '../../../support/decider-fixtures.ts';

const merging = taskAt({ stage: 'testing', phase: 'merging', attempts: { analyst: 1, developer: 1, reviewer: 1, tester: 1 }, headSha: 'feed0001', mergeQueuedAt: NOW - 10_000 });

describe('merge deciders', () => {
  it('merged: cleanup enqueued, the lease released (waking the waiters), the task done', () => {
    const decision = decideOn({ type: 'Merged', key: 'm1', taskId: 'SHOP-1', sha: 'cafe0001cafe', actor: 'merge' }, { task: merging });
    expect(kinds(decision)).toEqual(['enqueue:cleanup', 'release-merge-lease', 'move']);
    expect(effectsOf(decision, 'move')[0]?.patch).toMatchObject({ stage: 'done', phase: 'idle', headSha: 'cafe0001cafe', mergeQueuedAt: null, lastEvent: 'merged cafe000' });
  });

  it('a merge failure rolls back to development with the reason', () => {
    const decision = decideOn({ type: 'MergeFailed', key: 'm2', taskId: 'SHOP-1', reason: 'conflict in cart.js', actor: 'merge' }, { task: merging });
    expect(kinds(decision)).toEqual(['release-merge-lease', 'enqueue:agent', 'move']);
    expect(effectsOf(decision, 'move')[0]?.patch).toMatchObject({ stage: 'development', mustFix: 'conflict in cart.js', mergeQueuedAt: null });
  });

  it('a green testing gate on the last stage takes the merge lease and enqueues the merge job for this version', () => {
    const testing = { ...merging, phase: 'working' as const, mergeQueuedAt: null };
    const report = '---\nverdict: PASS\n---\nall green\n';
    const decision = decideOn({ type: 'AgentRunFinished', key: 'j', taskId: 'SHOP-1', jobId: 1, facts: { role: 'tester', attempt: 1, headSha: null, artifacts: { '13-test-report.md': report }, logTail: '' } }, { task: testing });
    expect(kinds(decision)).toEqual(['take-merge-lease', 'enqueue:merge', 'move']);
    expect(effectsOf(decision, 'enqueue')[0]?.job.idempotencyKey).toBe(`SHOP-1:merge:${testing.version}`);
    expect(effectsOf(decision, 'move')[0]?.patch).toMatchObject({ phase: 'merging', mergeQueuedAt: NOW });
  });

  it('a rebased head waits for CI holding the lease for the CI budget', () => {
    const decision = decideOn({ type: 'MergeRetestRequested', key: 'r', taskId: 'SHOP-1', sha: 'beef0002', actor: 'merge' }, { task: merging, ci: { sha: 'beef0002', statuses: [] } });
    expect(kinds(decision)).toEqual(['renew-merge-lease', 'move']);
    expect(effectsOf(decision, 'renew-merge-lease')[0]?.ttlMs).toBe(30 * 60_000);
    expect(decision.outcome.type).toBe('applied');
  });
});

describe('control deciders', () => {
  it('/retry of a task whose jobs still run decides nothing', () => {
    const decision = decideOn({ type: 'RetryRequested', key: 'x', taskId: 'SHOP-1', actor: 'telegram:111' }, { task: taskAt({ stage: 'development' }), activeJobs: 1, deployState: null });
    expect(decision).toEqual({ effects: [], outcome: { type: 'noop', reason: 'SHOP-1 is already being worked on' } });
  });

  it('/retry of an escalated task resets the counter and runs the stage again', () => {
    const task = taskAt({ stage: 'development', attempts: { analyst: 1, developer: 4 }, rollbacks: 3, escalated: true, escalationReason: 'cap' });
    const decision = decideOn({ type: 'RetryRequested', key: 'x', taskId: 'SHOP-1', actor: 'telegram:111' }, { task, activeJobs: 0, deployState: null });
    expect(kinds(decision)).toEqual(['enqueue:agent', 'move']);
    expect(effectsOf(decision, 'move')[0]?.patch).toMatchObject({ rollbacks: 0, escalated: false, escalationReason: null, attempts: { developer: 5 } });
  });

  it('cancelling closes the pending BRD, cancels the jobs, cleans up and leaves the merge queue', () => {
    const approval: ApprovalRow = { id: 'ap1', taskId: 'SHOP-1', gate: 'brd', round: 1, state: 'pending', summary: '', decidedBy: null, decidedByName: null, decidedAt: null, reason: null, chatId: null, messageId: null, createdAt: NOW - 1 };
    const decision = decideOn({ type: 'TaskCancelled', key: 'c', taskId: 'SHOP-1', reason: 'not needed', actor: 'telegram:111:Ann' }, { task: { ...merging }, approval });
    expect(kinds(decision)).toEqual(['cancel-queued-jobs', 'decide-approval', 'outbox:approval-decided', 'enqueue:cleanup', 'release-merge-lease', 'move']);
    expect(effectsOf(decision, 'move')[0]?.patch).toMatchObject({ stage: 'cancelled', phase: 'idle', mergeQueuedAt: null });
  });

  it('a dead side-channel job only shows on the card; a dead merge job escalates', () => {
    const tracker = decideOn({ type: 'JobDead', key: 'd1', taskId: 'SHOP-1', jobId: 3, kind: 'tracker', error: 'HTTP 500' }, { task: merging });
    expect(kinds(tracker)).toEqual(['move']);
    const merge = decideOn({ type: 'JobDead', key: 'd2', taskId: 'SHOP-1', jobId: 4, kind: 'merge', error: 'push refused' }, { task: merging });
    expect(kinds(merge)).toEqual(['cancel-queued-jobs', 'outbox:escalation', 'release-merge-lease', 'move']);
  });
});

describe('push and creation deciders', () => {
  it('the default branch moving marks exactly the open tasks not yet behind; none → no effect', () => {
    const moved = { type: 'DefaultBranchMoved' as const, key: 'p', projectId: 'SHOP', sha: 'abc', actor: 'forge' };
    expect(decideOn(moved, { task: null, notBehind: [] })).toEqual({ effects: [], outcome: { type: 'noop', reason: 'no open task' } });
    expect(decideOn(moved, { task: null, notBehind: ['SHOP-1', 'SHOP-2'] }).effects).toEqual([{ type: 'mark-behind-default', projectId: 'SHOP', taskIds: ['SHOP-1', 'SHOP-2'] }]);
  });

  it('a task request creates the task at analysis and enqueues the analyst; the same tracker issue again is a duplicate', () => {
    const requested = { type: 'TaskRequested' as const, key: 'n', projectId: 'SHOP', title: ' Coupons ', source: 'plane' as const, externalId: 'ISS-1', actor: 'plane', requester: 'plane:u1' };
    const decision = decideOn(requested, { task: null, sameExternal: null, number: 7, clash: null });
    expect(kinds(decision)).toEqual(['create-task', 'enqueue:agent']);
    expect(effectsOf(decision, 'create-task')[0]?.task).toMatchObject({ id: 'SHOP-7', title: 'Coupons', stage: 'analysis', requestedBy: 'plane:u1', createdAt: NOW, version: 1 });
    expect(decision.outcome).toEqual({ type: 'created', taskId: 'SHOP-7' });
    const again = decideOn(requested, { task: null, sameExternal: taskAt({ id: 'SHOP-7', externalId: 'ISS-1' }), number: 8, clash: null });
    expect(again).toEqual({ effects: [], outcome: { type: 'duplicate', taskId: 'SHOP-7' } });
  });

  it('an unknown project is refused before any fact is needed', () => {
    expect(decideOn({ type: 'TaskRequested', key: 'n', projectId: 'NOPE', title: 'x', source: 'chat', actor: 'telegram:1' }, { task: null }).outcome.type).toBe('rejected');
  });
});

describe('deploy deciders', () => {
  const rules = rulesFor({ project: { stages: ['analysis', 'development', 'deploy-staging', 'deploy'], staging: { health: { command: 'true' } }, deploy: { image: 'registry/shop', hook: 'true', health: { command: 'true' }, approvers: [222] } } });
  const awaitingDeploy = taskAt({ stage: 'deploy', phase: 'awaiting-approval', headSha: 'feed0001', mergeQueuedAt: NOW - 1_000 });
  const pass = { v: 1 as const, taskId: 'SHOP-1', attempt: 2, revision: 'feed0001', approvalId: 'dp2', approvedBy: null, hookStartedAt: null, hookResult: null };
  const deployApproval: ApprovalRow = { id: 'dp2', taskId: 'SHOP-1', gate: 'deploy', round: 2, state: 'pending', summary: '', decidedBy: null, decidedByName: null, decidedAt: null, reason: null, chatId: null, messageId: null, createdAt: NOW - 1 };

  it('a deploy approver approving records it on the pass and enqueues that attempt’s deploy job', () => {
    const decision = decideOn({ type: 'ApprovalDecided', key: 'a', taskId: 'SHOP-1', approvalId: 'dp2', decision: 'approve', actor: 'telegram:222:Dee' }, { task: awaitingDeploy, approval: deployApproval, deployState: pass }, rules);
    expect(kinds(decision)).toEqual(['decide-approval', 'outbox:approval-decided', 'save-deploy-state', 'take-merge-lease', 'enqueue:deploy', 'move']);
    expect(effectsOf(decision, 'save-deploy-state')[0]?.state).toMatchObject({ attempt: 2, approvedBy: 'telegram:222:Dee' });
    expect(effectsOf(decision, 'enqueue')[0]?.job).toMatchObject({ payload: { attempt: 2 }, idempotencyKey: 'SHOP-1:deploy:2' });
  });

  it('the requester may not approve with four-eyes; a project approver who is not a deploy approver may not either', () => {
    const fourEyes = rulesFor({ project: { stages: ['analysis', 'development', 'deploy-staging', 'deploy'], staging: { health: { command: 'true' } }, deploy: { image: 'registry/shop', hook: 'true', health: { command: 'true' }, approvers: [111, 222], fourEyes: true } } });
    const byRequester = decideOn({ type: 'ApprovalDecided', key: 'a', taskId: 'SHOP-1', approvalId: 'dp2', decision: 'approve', actor: 'telegram:111:Ann' }, { task: awaitingDeploy, approval: deployApproval, deployState: pass }, fourEyes);
    expect(byRequester).toEqual({ effects: [], outcome: { type: 'rejected', reason: 'telegram:111:Ann requested SHOP-1: four-eyes' } });
    expect(decideOn({ type: 'ApprovalDecided', key: 'a', taskId: 'SHOP-1', approvalId: 'dp2', decision: 'approve', actor: 'telegram:111:Ann' }, { task: awaitingDeploy, approval: deployApproval, deployState: pass }, rules).outcome.type).toBe('rejected');
  });

  it('a deploy result of an earlier pass decides nothing; an unknown production state escalates and clears the pass', () => {
    const working = { ...awaitingDeploy, phase: 'working' as const };
    const facts = { outcome: 'escalate' as const, reason: 'health unknown', targetImage: null, imageId: null, headSha: null, logTail: 'line1\nhealth probe timed out\n' };
    expect(decideOn({ type: 'DeployFinished', key: 'f', taskId: 'SHOP-1', attempt: 1, facts }, { task: working, deployState: pass }, rules).effects).toEqual([]);
    const decision = decideOn({ type: 'DeployFinished', key: 'f', taskId: 'SHOP-1', attempt: 2, facts }, { task: working, deployState: { ...pass, approvedBy: 'telegram:222', hookStartedAt: NOW - 9 } }, rules);
    expect(kinds(decision)).toEqual(['save-deploy-state', 'cancel-queued-jobs', 'outbox:escalation', 'release-merge-lease', 'move']);
    expect(effectsOf(decision, 'save-deploy-state')[0]?.state).toMatchObject({ attempt: 2, approvedBy: null, hookStartedAt: null });
    expect(effectsOf(decision, 'move')[0]?.patch.lastEvent).toBe('deploy state unknown · health probe timed out');
  });

  it('a roll-back that has ended already decides nothing; a running one ends once, noticed and shown', () => {
    const done = taskAt({ stage: 'done', phase: 'idle' });
    const rollback = { id: 'rb1', taskId: 'SHOP-1', state: 'hook-started' as const, by: 'telegram:222', byName: 'Dee', at: NOW - 100, targetRef: 'registry/shop:old', outcome: null };
    const facts = { outcome: 'failed' as const, reason: 'hook exit 2', targetRef: 'registry/shop:old', imageId: 'sha256:1', sha: 'old', logTail: '' };
    const event = { type: 'RollbackFinished' as const, key: 'rf', taskId: 'SHOP-1', rollbackId: 'rb1', facts };
    expect(decideOn(event, { task: done, rollback: { ...rollback, state: 'failed' } }, rules).effects).toEqual([]);
    const decision = decideOn(event, { task: done, rollback }, rules);
    expect(kinds(decision)).toEqual(['end-rollback', 'outbox:notice', 'move']);
    expect(effectsOf(decision, 'end-rollback')[0]).toMatchObject({ from: 'hook-started', to: 'failed', outcome: 'hook exit 2' });
  });
});
