/** StagingFinished, StagingStale, MergeBlocked, BranchPushed, PullRequestOpened, RollbackRequested deciders. */
import { describe, expect, it } from 'vitest';
import type { StagingFacts } from '../../../../core/domain/events.ts';
import { decideOn, effectsOf, kinds, NOW, rulesFor, taskAt } from '../../../support/decider-fixtures.ts';

const staging = rulesFor({ project: { stages: ['analysis', 'development', 'deploy-staging', 'deploy'], staging: { health: { command: 'true' } }, deploy: { image: 'registry/shop', hook: 'true', health: { command: 'true' }, approvers: [222] } } });
const inStaging = taskAt({ stage: 'deploy-staging', phase: 'working', headSha: 'aaa0001', mergeQueuedAt: NOW - 1_000, attempts: { analyst: 1, developer: 1 } });
const result = (overrides: Partial<StagingFacts> = {}): StagingFacts => ({
  verdict: 'SUCCESS',
  imageId: 'sha256:img',
  imageRef: 'staging/shop:aaa0001',
  revision: 'aaa0001',
  waived: [],
  reason: null,
  mustFix: null,
  headSha: 'aaa0001',
  changedSinceRevision: [],
  ...overrides,
});
const finished = (facts: StagingFacts) => ({ type: 'StagingFinished' as const, key: 's', taskId: 'SHOP-1', jobId: 2, facts });

describe('staging deciders', () => {
  it('green and fresh: the verdict is recorded, then the deploy pass starts with an approval request', () => {
    const decision = decideOn(finished(result()), { task: inStaging, deployState: null }, staging);
    expect(kinds(decision)).toEqual(['move', 'insert-approval', 'save-deploy-state', 'take-merge-lease', 'outbox:approval-request', 'move']);
    expect(effectsOf(decision, 'insert-approval')[0]?.approval).toMatchObject({ id: 'id1', gate: 'deploy', round: 1 });
    expect(effectsOf(decision, 'save-deploy-state')[0]?.state).toMatchObject({ attempt: 1, revision: 'aaa0001', approvalId: 'id1' });
    const [recorded, enter] = effectsOf(decision, 'move');
    expect(recorded?.patch).toMatchObject({ stagingVerdict: 'SUCCESS', stagingRevision: 'aaa0001' });
    expect(enter?.task).toMatchObject({ stagingVerdict: 'SUCCESS', version: inStaging.version + 1 });
    expect(enter?.patch).toMatchObject({ stage: 'deploy', phase: 'awaiting-approval' });
    expect(decision.outcome).toEqual({ type: 'applied', taskId: 'SHOP-1', transitions: 2 });
  });

  it('green but stale (code changed since the validated revision): staging again for the new version', () => {
    const decision = decideOn(finished(result({ headSha: 'bbb0002', changedSinceRevision: ['src/cart.js'] })), { task: inStaging, deployState: null }, staging);
    expect(kinds(decision)).toEqual(['move', 'take-merge-lease', 'enqueue:staging', 'move']);
    expect(effectsOf(decision, 'enqueue')[0]?.job.idempotencyKey).toBe(`SHOP-1:staging:${inStaging.version + 1}`);
  });

  it('FAILED: recorded, the lease given up, back to development with the report as must-fix', () => {
    const decision = decideOn(finished(result({ verdict: 'FAILED', reason: 'health check failed', mustFix: 'GET /health → 500' })), { task: inStaging, deployState: null }, staging);
    expect(kinds(decision)).toEqual(['move', 'release-merge-lease', 'enqueue:agent', 'move']);
    expect(effectsOf(decision, 'move')[1]?.patch).toMatchObject({ stage: 'development', mergeQueuedAt: null, mustFix: 'GET /health → 500' });
  });

  it('a result for a task that left staging is stale: nothing', () => {
    expect(decideOn(finished(result()), { task: { ...inStaging, phase: 'merging' }, deployState: null }, staging).effects).toEqual([]);
  });

  it('a stale image at the merge step stages again on the new head; a blocked merge phase escalates', () => {
    const atMerge = { ...inStaging, phase: 'merging' as const };
    const stale = decideOn({ type: 'StagingStale', key: 'st', taskId: 'SHOP-1', headSha: 'ccc0003', actor: 'merge' }, { task: atMerge }, staging);
    expect(kinds(stale)).toEqual(['take-merge-lease', 'enqueue:staging', 'move']);
    expect(effectsOf(stale, 'enqueue')[0]?.job.payload).toEqual({ headSha: 'ccc0003' });
    const blocked = decideOn({ type: 'MergeBlocked', key: 'mb', taskId: 'SHOP-1', reason: 'waited 2 h for the lease', actor: 'merge' }, { task: atMerge }, staging);
    expect(kinds(blocked)).toEqual(['cancel-queued-jobs', 'outbox:escalation', 'release-merge-lease', 'move']);
  });
});

describe('push and PR deciders', () => {
  it('a push records the head; one awaiting CI is judged on the statuses already stored for it', () => {
    const waiting = taskAt({ stage: 'development', phase: 'awaiting-ci', headSha: 'old0001', attempts: { analyst: 1, developer: 1 } });
    const status = { repo: 'acme/shop', sha: 'new0002', context: 'ci', state: 'failure', description: 'lint failed', targetUrl: null, statusId: null, updatedAt: NOW };
    const decision = decideOn({ type: 'BranchPushed', key: 'bp', taskId: 'SHOP-1', sha: 'new0002', actor: 'forge' }, { task: waiting, ci: { sha: 'new0002', statuses: [status] } }, rulesFor({ forge: true }));
    expect(kinds(decision)).toEqual(['move', 'enqueue:agent', 'move']);
    expect(effectsOf(decision, 'move')[1]?.patch).toMatchObject({ stage: 'development', mustFix: 'ci: lint failed' });
    expect(decideOn({ type: 'BranchPushed', key: 'bp', taskId: 'SHOP-1', sha: 'old0001', actor: 'forge' }, { task: waiting }).effects).toEqual([]);
  });

  it('a PR number is recorded once', () => {
    const task = taskAt({ stage: 'development' });
    expect(kinds(decideOn({ type: 'PullRequestOpened', key: 'pr', taskId: 'SHOP-1', number: 4, actor: 'forge' }, { task }))).toEqual(['move']);
    expect(decideOn({ type: 'PullRequestOpened', key: 'pr', taskId: 'SHOP-1', number: 4, actor: 'forge' }, { task: { ...task, prNumber: 4 } }).effects).toEqual([]);
  });
});

describe('roll-back request decider', () => {
  const done = taskAt({ stage: 'done', phase: 'idle' });
  const image = (ref: string, taskId: string) => ({ projectId: 'SHOP', imageId: `sha256:${ref}`, ref, sha: ref, taskId, deployedAt: NOW - 1, outcome: 'deployed' as const });
  const request = (actor: string) => ({ type: 'RollbackRequested' as const, key: 'rr', taskId: 'SHOP-1', rollbackId: 'rb1', actor });

  it('a deploy approver confirming the offer claims the roll-back once and enqueues its job', () => {
    const offer = { type: 'offer' as const, current: image('registry/shop:new', 'SHOP-1'), target: image('registry/shop:old', 'SHOP-0') };
    const decision = decideOn(request('telegram:222:Dee'), { task: done, rollbackOffer: offer }, staging);
    expect(kinds(decision)).toEqual(['claim-rollback', 'enqueue:rollback', 'move']);
    expect(effectsOf(decision, 'claim-rollback')[0]?.claim).toEqual({ id: 'rb1', taskId: 'SHOP-1', by: 'telegram:222:Dee', byName: 'Dee', targetRef: 'registry/shop:old' });
  });

  it('someone else is refused; an earlier roll-back answers who asked first', () => {
    const ran = { type: 'ran' as const, rollback: { id: 'rb0', taskId: 'SHOP-1', state: 'rolled-back' as const, by: 'telegram:222', byName: 'Dee', at: NOW - 9, targetRef: 'x', outcome: 'x' } };
    expect(decideOn(request('telegram:999:Eve'), { task: done, rollbackOffer: ran }, staging).outcome.type).toBe('rejected');
    expect(decideOn(request('telegram:222:Dee'), { task: done, rollbackOffer: ran }, staging)).toEqual({ effects: [], outcome: { type: 'already-decided', by: 'Dee', at: NOW - 9, state: 'rolled-back' } });
  });
});
