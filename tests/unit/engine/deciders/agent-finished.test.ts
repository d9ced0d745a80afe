/** AgentRunFinished: facts in, effects out — no database. */
import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../../../core/domain/events.ts';
import type { Role } from '../../../../core/domain/stage.ts';
import { decideOn, effectsOf, kinds, NOW, rulesFor, taskAt } from '../../../support/decider-fixtures.ts';

const REVIEW_RED = '---\nverdict: REQUEST_CHANGES\n---\n## Findings\n- P1: cart.js crashes on null items\n- P2: naming\n';
const REVIEW_GREEN = '---\nverdict: APPROVE\n---\n## Findings\n- P2: naming\n';
const BRD = '---\ntitle: coupons\n---\n# Coupons\n\nA field for a coupon code.\n';

function finished(role: Role, attempt: number, artifacts: Record<string, string | null> = {}, headSha: string | null = null): DomainEvent {
  return { type: 'AgentRunFinished', key: `job:7:${role}`, taskId: 'SHOP-1', jobId: 7, facts: { role, attempt, headSha, artifacts, logTail: '' } };
}

const inReview = taskAt({ stage: 'review', phase: 'working', attempts: { analyst: 1, developer: 1, reviewer: 1 }, headSha: 'abc1234def' });

describe('AgentRunFinished decider', () => {
  it('a red review moves the task back to development with the must-fix text and enqueues the developer', () => {
    const decision = decideOn(finished('reviewer', 1, { '12-review.md': REVIEW_RED }), { task: inReview });
    expect(kinds(decision)).toEqual(['enqueue:agent', 'move']);
    const [enqueue] = effectsOf(decision, 'enqueue');
    expect(enqueue?.job).toMatchObject({ taskId: 'SHOP-1', payload: { role: 'developer', attempt: 2, stage: 'development' }, idempotencyKey: 'SHOP-1:agent:developer:2' });
    const [move] = effectsOf(decision, 'move');
    expect(move?.task).toEqual(inReview);
    expect(move?.patch).toMatchObject({ stage: 'development', phase: 'working', rollbacks: 1, lastEventAt: NOW, stageEnteredAt: NOW, attempts: { developer: 2 } });
    expect(move?.patch.mustFix).toContain('P1: cart.js crashes on null items');
    expect(move?.reason).toMatch(/^red: review /);
    expect(decision.outcome).toEqual({ type: 'applied', taskId: 'SHOP-1', transitions: 1 });
  });

  it('the red gate past the retry cap escalates: queued jobs cancelled, one notifying escalation, no agent', () => {
    const capped = { ...inReview, rollbacks: 3 };
    const decision = decideOn(finished('reviewer', 1, { '12-review.md': REVIEW_RED }), { task: capped }, rulesFor({ maxRetries: 3 }));
    expect(kinds(decision)).toEqual(['cancel-queued-jobs', 'outbox:escalation', 'move']);
    expect(effectsOf(decision, 'outbox')[0]?.payload).toEqual({ reason: expect.stringContaining('(4×, cap 3)') as string });
    expect(effectsOf(decision, 'move')[0]?.patch).toMatchObject({ escalated: true, lastEvent: expect.stringMatching(/^review: /) as string });
    expect(effectsOf(decision, 'move')[0]?.patch.stage).toBeUndefined();
  });

  it('a red review of a task in the merge queue gives the lease up before the rollback', () => {
    const queued = { ...inReview, mergeQueuedAt: NOW - 5_000 };
    const decision = decideOn(finished('reviewer', 1, { '12-review.md': REVIEW_RED }), { task: queued });
    expect(kinds(decision)).toEqual(['release-merge-lease', 'enqueue:agent', 'move']);
    expect(effectsOf(decision, 'move')[0]?.patch.mergeQueuedAt).toBeNull();
  });

  it('a stale result (an earlier attempt, another stage, an escalated task) decides nothing', () => {
    for (const task of [{ ...inReview, attempts: { ...inReview.attempts, reviewer: 2 } }, { ...inReview, stage: 'testing' as const }, { ...inReview, escalated: true }]) {
      const decision = decideOn(finished('reviewer', 1, { '12-review.md': REVIEW_GREEN }), { task });
      expect(decision.effects).toEqual([]);
      expect(decision.outcome.type).toBe('noop');
    }
    expect(decideOn(finished('reviewer', 1), { task: null }).outcome).toEqual({ type: 'noop', reason: 'unknown task SHOP-1' });
  });

  it('a green review advances to testing: the tester is enqueued', () => {
    const decision = decideOn(finished('reviewer', 1, { '12-review.md': REVIEW_GREEN }), { task: inReview });
    expect(kinds(decision)).toEqual(['enqueue:agent', 'move']);
    expect(effectsOf(decision, 'enqueue')[0]?.job.payload).toEqual({ role: 'tester', attempt: 1, stage: 'testing' });
    expect(effectsOf(decision, 'move')[0]?.patch).toMatchObject({ stage: 'testing', lastEvent: 'review approved' });
  });

  it('a BRD that passes its gate asks for approval: an approval row, its request, the task awaits it', () => {
    const decision = decideOn(finished('analyst', 1, { '01-brd.md': BRD }), { task: taskAt() });
    expect(kinds(decision)).toEqual(['insert-approval', 'outbox:approval-request', 'move']);
    expect(effectsOf(decision, 'insert-approval')[0]?.approval).toEqual({ id: 'id1', taskId: 'SHOP-1', gate: 'brd', round: 1, summary: '# Coupons\n\nA field for a coupon code.' });
    expect(effectsOf(decision, 'outbox')[0]?.payload).toEqual({ approvalId: 'id1' });
    expect(effectsOf(decision, 'move')[0]?.patch).toMatchObject({ phase: 'awaiting-approval' });
  });

  it('a developer push with the forge judges CI statuses that arrived first (from the facts)', () => {
    const developing = taskAt({ stage: 'development', phase: 'working', attempts: { analyst: 1, developer: 1 }, prNumber: 4 });
    const status = { repo: 'acme/shop', sha: 'feed0001', context: 'ci/build', state: 'success', description: 'ok', targetUrl: null, statusId: null, updatedAt: NOW - 1 };
    const decision = decideOn(finished('developer', 1, {}, 'feed0001'), { task: developing, ci: { sha: 'feed0001', statuses: [status] } }, rulesFor({ forge: true }));
    expect(kinds(decision)).toEqual(['move', 'enqueue:agent', 'move']);
    const [wait, advance] = effectsOf(decision, 'move');
    expect(wait?.patch).toMatchObject({ headSha: 'feed0001', phase: 'awaiting-ci' });
    // The second move starts from the task as the first left it.
    expect(advance?.task).toMatchObject({ phase: 'awaiting-ci', headSha: 'feed0001', version: developing.version + 1 });
    expect(advance?.patch).toMatchObject({ stage: 'review', lastEvent: 'CI green on feed000' });
    expect(decision.outcome).toEqual({ type: 'applied', taskId: 'SHOP-1', transitions: 2 });
  });
});
