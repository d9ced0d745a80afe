/**
 * Approval buttons end to end over HTTP: only the project's approvers decide (anyone else gets an
 * alert and nothing changes), a decision is taken once (a second press answers who decided and
 * when), exactly one notifying message per approval request, and Reject asks for a reason in a
 * conversation that survives a restart of bot and app; the reason reaches the next analyst run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getApproval } from '../../core/store/approval-repo.ts';
import { approvals } from '../../adapters/store-sqlite/schema.ts';
import { transitionsOf } from '../../core/store/transition-log.ts';
import {
  ALICE,
  approvalMessage,
  BOB,
  MALLORY,
  pressButton,
  startBotHarness,
  type BotHarness,
} from '../support/bot-harness.ts';

let h: BotHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

async function taskAwaitingApproval(harness: BotHarness) {
  await harness.start();
  await harness.say(ALICE, '/new SHOP Add wishlist button');
  const message = await approvalMessage(harness, 'SHOP-1');
  const approval = harness.app.store.readDb.select().from(approvals).all()[0]!;
  return { message, approval };
}

const notifying = async (harness: BotHarness) =>
  (await harness.messages()).filter((m) => m.from.is_bot && !m.silent);

describe('approval buttons', () => {
  it('answers a press by someone who may not decide with an alert, and changes nothing', async () => {
    h = await startBotHarness();
    const harness = h;
    const { message, approval } = await taskAwaitingApproval(harness);
    const before = (await transitionsOf(harness.app.store.db, 'SHOP-1')).length;

    for (const label of ['Approve', 'Reject']) {
      const answer = await pressButton(harness, MALLORY, message.messageId, label);
      expect(answer).toMatchObject({
        answered: true,
        show_alert: true,
        text: "Only SHOP's approvers can decide this.",
      });
    }
    await new Promise((r) => setTimeout(r, 300)); // a wrongly recorded decision would reach the chat by now
    const changed = (await transitionsOf(harness.app.store.db, 'SHOP-1')).length - before;
    console.log(`[figure] presses by a non-approver 2: decisions ${changed}, approval ${(await getApproval(harness.app.store.db, approval.id))?.state}`);
    expect((await getApproval(harness.app.store.db, approval.id))?.state).toBe('pending');
    expect((await transitionsOf(harness.app.store.db, 'SHOP-1')).length).toBe(before);
    expect(await harness.task('SHOP-1')).toMatchObject({ stage: 'analysis', phase: 'awaiting-approval' });
    const now = (await harness.messages()).find((m) => m.messageId === message.messageId)!;
    expect(now.buttons.flat().map((b) => b.text)).toEqual(['✅ Approve', '❌ Reject']);
    expect(now.edits).toHaveLength(0);
    expect((await harness.messages()).some((m) => m.from.is_bot && m.plain.includes('why is the BRD'))).toBe(
      false,
    );
  });

  it('takes a decision once: the second press answers who decided and when', async () => {
    h = await startBotHarness();
    const harness = h;
    const { message, approval } = await taskAwaitingApproval(harness);

    // Two approvers press at once, before the buttons can disappear.
    const [first, second] = await Promise.all([
      pressButton(harness, ALICE, message.messageId, 'Approve'),
      pressButton(harness, BOB, message.messageId, 'Reject'),
    ]);
    expect(first.text).toBe('Approved: SHOP-1 goes to development.');
    expect(second).toMatchObject({ show_alert: true });
    expect(second.text).toMatch(/^Already approved by Alice at \d\d:\d\d UTC\.$/);

    const decided = (await getApproval(harness.app.store.db, approval.id))!;
    expect(decided).toMatchObject({ state: 'approved', decidedByName: 'Alice', reason: null });
    const log = await transitionsOf(harness.app.store.db, 'SHOP-1');
    const decisions = log.filter((t) => t.reason.startsWith('BRD approved') || t.reason.startsWith('BRD rejected')).length;
    console.log(`[figure] double press (Approve and Reject at once): decisions recorded ${decisions}`);
    expect(log.filter((t) => t.reason.startsWith('BRD approved'))).toHaveLength(1);
    expect(log.filter((t) => t.reason.startsWith('BRD rejected'))).toHaveLength(0);
    await harness.waitFor(
      async () =>
        (await harness.messages()).find((m) => m.messageId === message.messageId && m.buttons.length === 0),
      'the buttons to go',
    );
    expect((await harness.messages()).some((m) => m.plain.includes('why is the BRD'))).toBe(false); // Bob's Reject started nothing
    await harness.waitFor(async () => (await harness.task('SHOP-1'))?.stage === 'done', 'SHOP-1 to be done');
    expect((await notifying(harness)).map((m) => m.messageId)).toEqual([message.messageId]);
  });

  it('asks for the reason on Reject, keeps waiting across a restart, and gives the reason to the next analyst run', async () => {
    h = await startBotHarness();
    const harness = h;
    const { message, approval } = await taskAwaitingApproval(harness);

    const pressed = await pressButton(harness, ALICE, message.messageId, 'Reject');
    expect(pressed.text).toBe('Reply with the reason for rejecting.');
    const prompt = await harness.waitFor(
      async () =>
        (await harness.messages()).find(
          (m) => m.from.is_bot && m.plain.startsWith('Alice, why is the BRD of SHOP-1 rejected?'),
        ),
      'the reason prompt',
    );
    expect(prompt.silent).toBe(true);
    expect((await getApproval(harness.app.store.db, approval.id))?.state).toBe('pending'); // nothing decided without a reason

    await harness.restart(); // a new process on the same database
    const reason = 'Cover the <empty> cart & "guest" shoppers';
    await harness.say(BOB, 'not the reason: Bob is not the one asked'); // someone else talking in between
    await harness.say(ALICE, reason);

    await harness.waitFor(
      async () =>
        (await harness.messages()).find(
          (m) => m.from.is_bot && m.plain === 'Rejected: SHOP-1 goes back to analysis with your reason.',
        ),
      'the rejection reply',
    );
    expect(await getApproval(harness.app.store.db, approval.id)).toMatchObject({
      state: 'rejected',
      decidedByName: 'Alice',
      reason,
    });
    const taskFile = join(harness.config.workdir, 'runs', 'SHOP-1', 'analyst-2.task.md');
    await harness.waitFor(() => existsSync(taskFile), 'the second analyst run');
    expect(readFileSync(taskFile, 'utf8')).toContain(`## Notes from the approver\n\n${reason}\n`);

    // The first approval message shows the decision and the reason, without buttons.
    const decided = await harness.waitFor(
      async () =>
        (await harness.messages()).find((m) => m.messageId === message.messageId && m.buttons.length === 0),
      'the decision on the approval message',
    );
    expect(decided.plain).toMatch(
      /❌ Rejected by Alice · \d\d:\d\d\nCover the <empty> cart & "guest" shoppers$/,
    );
    // The new BRD gets its own approval request; one notifying message per request, nothing else notifies.
    await harness.waitFor(async () => (await notifying(harness)).length === 2, 'the second approval request');
    expect(harness.app.store.readDb.select().from(approvals).all()).toHaveLength(2);
    // The first request's message now says it was rejected; the second waits.
    expect((await notifying(harness)).map((m) => m.plain.split(' · ')[0])).toEqual([
      '📝 BRD rejected — SHOP-1',
      '📝 BRD ready for approval — SHOP-1',
    ]);
  });
});
