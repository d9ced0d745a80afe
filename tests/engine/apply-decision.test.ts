/**
 * The applier on a real SQLite file (ADR 0056): facts read in one transaction and applied in a
 * later one stand for a concurrent commit in between (PostgreSQL's READ COMMITTED). A decision
 * resting on a changed fact throws RetryableError and writes nothing; a move the transition table
 * forbids is a programming error.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../core/domain/events.ts';
import { applyDecision } from '../../core/engine/apply-decision.ts';
import { decide } from '../../core/engine/decide.ts';
import { loadFacts } from '../../core/engine/facts/load-facts.ts';
import { RetryableError } from '../../core/errors.ts';
import { getApproval } from '../../core/store/approval-repo.ts';
import { transitionsOf } from '../../core/store/transition-log.ts';
import { engineHarness, type EngineHarness } from '../support/engine-harness.ts';

const BRD = '---\ntitle: coupons\n---\n# Coupons\n';

describe('applyDecision', () => {
  let h: EngineHarness;
  let id: string;
  const rules = () => ({ projects: new Map([[h.project.id, h.project]]), maxDeveloperRetries: 3, trackerEnabled: false, forgeEnabled: false });

  /** Load facts and decide now (one transaction); apply later (another). */
  async function decideNow(event: DomainEvent) {
    const now = h.clock.now();
    const facts = await h.store.transaction(async (tx) => await loadFacts(tx, event, rules(), h.queue, now));
    return { decision: decide(event, facts, rules(), () => 'late-id'), now };
  }
  async function applyLater(event: DomainEvent, planned: Awaited<ReturnType<typeof decideNow>>) {
    await h.store.transaction(async (tx) => await applyDecision(tx, planned.decision, { queue: h.queue, event, now: planned.now }));
  }

  beforeEach(async () => {
    h = engineHarness();
    const created = await h.handle({ type: 'TaskRequested', key: 'new', projectId: 'SHOP', title: 'Coupons', source: 'chat', actor: 'telegram:111:Ann' });
    id = created.type === 'created' ? created.taskId : '';
    await h.handle({ type: 'AgentRunFinished', key: 'brd', taskId: id, jobId: 1, facts: { role: 'analyst', attempt: 1, headSha: null, artifacts: { '01-brd.md': BRD }, logTail: '' } });
  });
  afterEach(() => h.cleanup());

  it('a task moved by someone else since its facts were read: RetryableError, nothing written; fresh facts then apply', async () => {
    const block: DomainEvent = { type: 'TrackerStateChanged', key: 'blk', taskId: id, group: 'blocked', actor: 'plane' };
    const stale = await decideNow(block);
    await h.handle({ type: 'PullRequestOpened', key: 'pr', taskId: id, number: 5, actor: 'forge' });
    const before = (await transitionsOf(h.store.db, id)).length;
    await expect(applyLater(block, stale)).rejects.toBeInstanceOf(RetryableError);
    expect((await transitionsOf(h.store.db, id)).length).toBe(before);
    expect((await h.task(id)).blocked).toBe(false);
    // The retry: facts loaded again, decided again.
    await applyLater(block, await decideNow(block));
    expect((await h.task(id)).blocked).toBe(true);
    expect((await transitionsOf(h.store.db, id)).at(-1)?.eventKey).toBe('blk');
  });

  it('an approval decided by someone else meanwhile: RetryableError; the retry answers who was first', async () => {
    const approve: DomainEvent = { type: 'ApprovalDecided', key: 'a1', taskId: id, approvalId: 'appr1', decision: 'approve', actor: 'telegram:222:Bob' };
    const stale = await decideNow(approve);
    expect(await h.handle({ type: 'ApprovalDecided', key: 'a2', taskId: id, approvalId: 'appr1', decision: 'reject', actor: 'telegram:111:Ann' })).toMatchObject({ type: 'applied' });
    await expect(applyLater(approve, stale)).rejects.toBeInstanceOf(RetryableError);
    expect((await getApproval(h.store.db, 'appr1'))?.decidedByName).toBe('Ann');
    expect(await h.handle(approve)).toMatchObject({ type: 'already-decided', by: 'Ann', state: 'rejected' });
  });

  it('the event key goes on the first transition only; a move the table forbids throws and writes nothing', async () => {
    const task = await h.task(id);
    const event: DomainEvent = { type: 'PullRequestOpened', key: 'two', taskId: id, number: 9, actor: 'test' };
    const moved = { ...task, version: task.version + 1 };
    await h.store.transaction(async (tx) => {
      await applyDecision(
        tx,
        {
          effects: [
            { type: 'move', task, patch: { prNumber: 9 }, reason: 'one', actor: 'test' },
            { type: 'move', task: moved, patch: { blocked: true }, reason: 'two', actor: 'test' },
          ],
          outcome: { type: 'applied', taskId: id, transitions: 2 },
        },
        { queue: h.queue, event, now: h.clock.now() },
      );
    });
    expect((await transitionsOf(h.store.db, id)).slice(-2).map((t) => [t.reason, t.eventKey])).toEqual([['one', 'two'], ['two', null]]);
    const now = await h.task(id);
    const back = h.store.transaction(async (tx) => {
      await applyDecision(tx, { effects: [{ type: 'move', task: now, patch: { stage: 'done', phase: 'idle' }, reason: 'fine', actor: 't' }, { type: 'move', task: { ...now, stage: 'done', version: now.version + 1 }, patch: { stage: 'analysis' }, reason: 'teleport', actor: 't' }], outcome: { type: 'noop', reason: '' } }, { queue: h.queue, event: { ...event, key: 'three' }, now: h.clock.now() });
    });
    await expect(back).rejects.toThrow(/transition table forbids done → analysis/);
    expect((await h.task(id)).stage).toBe('analysis');
  });
});
