/** CiStatusReported and ApprovalDecided / TrackerStateChanged deciders: facts in, effects out. */
import { describe, expect, it } from 'vitest';
import type { ApprovalRow } from '../../../../core/store/approval-repo.ts';
import { decideOn, effectsOf, kinds, NOW, rulesFor, taskAt } from '../../../support/decider-fixtures.ts';

const awaitingCi = taskAt({ stage: 'development', phase: 'awaiting-ci', attempts: { analyst: 1, developer: 2 }, headSha: 'feed0001beef' });
const ci = (sha: string, state: 'success' | 'failure' | 'pending') => ({ type: 'CiStatusReported' as const, key: `ci:${sha}:${state}`, taskId: 'SHOP-1', sha, state, detail: 'npm test: 2 failed', actor: 'ci' });

function approvalRow(overrides: Partial<ApprovalRow> = {}): ApprovalRow {
  return { id: 'ap1', taskId: 'SHOP-1', gate: 'brd', round: 1, state: 'pending', summary: '', decidedBy: null, decidedByName: null, decidedAt: null, reason: null, chatId: null, messageId: null, createdAt: NOW - 1, ...overrides };
}

const awaitingBrd = taskAt({ phase: 'awaiting-approval' });
const decided = (decision: 'approve' | 'reject', actor = 'telegram:111:Ann', reason?: string) => ({
  type: 'ApprovalDecided' as const,
  key: `cb:${decision}`,
  taskId: 'SHOP-1',
  approvalId: 'ap1',
  decision,
  actor,
  ...(reason ? { reason } : {}),
});

describe('CiStatusReported decider', () => {
  it('green CI on the head advances to review', () => {
    const decision = decideOn(ci('feed0001beef', 'success'), { task: awaitingCi });
    expect(kinds(decision)).toEqual(['enqueue:agent', 'move']);
    expect(effectsOf(decision, 'move')[0]?.patch).toMatchObject({ stage: 'review', lastEvent: 'CI green on feed000' });
  });

  it('red CI re-runs development with the failure as must-fix (counted against the cap)', () => {
    const decision = decideOn(ci('feed0001beef', 'failure'), { task: awaitingCi });
    expect(effectsOf(decision, 'enqueue')[0]?.job.idempotencyKey).toBe('SHOP-1:agent:developer:3');
    expect(effectsOf(decision, 'move')[0]?.patch).toMatchObject({ stage: 'development', rollbacks: 1, mustFix: 'npm test: 2 failed' });
  });

  it('a status for another commit, a pending one, or a task not waiting for CI decides nothing', () => {
    expect(decideOn(ci('0ther', 'success'), { task: awaitingCi }).effects).toEqual([]);
    expect(decideOn(ci('feed0001beef', 'pending'), { task: awaitingCi })).toEqual({ effects: [], outcome: { type: 'noop', reason: 'CI pending on feed000' } });
    expect(decideOn(ci('feed0001beef', 'success'), { task: { ...awaitingCi, phase: 'working' } }).effects).toEqual([]);
  });
});

describe('approval deciders', () => {
  it('an approver approving the BRD decides it once, tells the chat and starts development', () => {
    const decision = decideOn(decided('approve'), { task: awaitingBrd, approval: approvalRow() });
    expect(kinds(decision)).toEqual(['decide-approval', 'outbox:approval-decided', 'enqueue:agent', 'move']);
    expect(effectsOf(decision, 'decide-approval')[0]).toMatchObject({ approvalId: 'ap1', state: 'approved', by: 'telegram:111:Ann', byName: 'Ann' });
    expect(effectsOf(decision, 'move')[0]?.patch).toMatchObject({ stage: 'development', notes: null, lastEvent: 'BRD approved by Ann' });
  });

  it('a tracker task also hears of the decision and of development starting (tracker jobs)', () => {
    const decision = decideOn(decided('approve'), { task: { ...awaitingBrd, externalId: 'ISS-9' }, approval: approvalRow() }, rulesFor({ tracker: true }));
    expect(effectsOf(decision, 'enqueue').map((e) => e.job.payload['action'] ?? e.job.kind)).toEqual(['comment', 'agent', 'move']);
  });

  it('a second decision answers who decided first and writes nothing', () => {
    const decision = decideOn(decided('reject'), { task: awaitingBrd, approval: approvalRow({ state: 'approved', decidedByName: 'Bob', decidedAt: NOW - 5 }) });
    expect(decision).toEqual({ effects: [], outcome: { type: 'already-decided', by: 'Bob', at: NOW - 5, state: 'approved' } });
  });

  it('someone who is not an approver is refused', () => {
    const decision = decideOn(decided('approve', 'telegram:999:Eve'), { task: awaitingBrd, approval: approvalRow() });
    expect(decision.effects).toEqual([]);
    expect(decision.outcome.type).toBe('rejected');
  });

  it('the tracker rejecting the BRD re-runs analysis with the reason as notes', () => {
    const decision = decideOn({ type: 'TrackerStateChanged', key: 't1', taskId: 'SHOP-1', group: 'rejected', actor: 'plane-user' }, { task: awaitingBrd, approval: approvalRow() });
    expect(effectsOf(decision, 'decide-approval')[0]).toMatchObject({ state: 'rejected', by: 'tracker' });
    expect(effectsOf(decision, 'move')[0]?.patch).toMatchObject({ stage: 'analysis', notes: 'rejected in the tracker', attempts: { analyst: 2 } });
  });

  it('a decider whose facts lack what it needs throws (a loader bug, not a silent no-op)', () => {
    expect(() => decideOn(decided('approve'), { task: awaitingBrd })).toThrow(/lack approval/);
  });
});
