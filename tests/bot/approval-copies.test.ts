/**
 * Two copies of one approval message (what a crash between Telegram accepting the request and
 * Conveyor recording its message id leaves behind; the real crash is in
 * tests/fault/effect-crash.test.ts). Rejecting from the stray copy records one decision, with the
 * reason, and both copies show it without buttons. The state after the crash is made directly:
 * the recorded message id is cleared and the request queued again, as the restart finds it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getApproval } from '../../core/store/approval-repo.ts';
import { addOutbox } from '../../core/store/outbox-repo.ts';
import { approvals } from '../../adapters/store-sqlite/schema.ts';
import { ALICE, approvalMessage, pressButton, startBotHarness, type BotHarness } from '../support/bot-harness.ts';

let h: BotHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('duplicate approval messages', () => {
  it('rejecting from the stray copy decides once and takes the buttons off both copies', async () => {
    h = await startBotHarness();
    const harness = h;
    await harness.start();
    await harness.say(ALICE, '/new SHOP Add wishlist button');
    const stray = await approvalMessage(harness, 'SHOP-1');
    const { store } = harness.app;
    const approval = store.readDb.select().from(approvals).all()[0]!;
    expect(await harness.waitFor(async () => (await getApproval(store.db, approval.id))?.messageId, 'the first copy recorded')).toBe(stray.messageId);

    store.sqlite.prepare('UPDATE approvals SET message_id = NULL WHERE id = ?').run(approval.id);
    await store.transaction(async (tx) => await addOutbox(tx, 'approval-request', 'SHOP-1', { approvalId: approval.id }, Date.now()));
    harness.app.drain.wake();
    const recorded = await harness.waitFor(async () => (await getApproval(store.db, approval.id))?.messageId, 'the second copy recorded');
    expect(recorded).not.toBe(stray.messageId);

    expect((await pressButton(harness, ALICE, stray.messageId, 'Reject')).text).toBe('Reply with the reason for rejecting.');
    await harness.waitFor(async () => (await harness.messages()).find((m) => m.plain.startsWith('Alice, why is the BRD of SHOP-1 rejected?')), 'the reason prompt');
    await harness.say(ALICE, 'Cover guest shoppers');

    const copies = await harness.waitFor(async () => {
      const both = (await harness.messages()).filter((m) => m.messageId === stray.messageId || m.messageId === recorded);
      return both.length === 2 && both.every((m) => m.buttons.length === 0) ? both : null;
    }, 'both copies without buttons');
    for (const copy of copies) expect(copy.plain).toMatch(/❌ Rejected by Alice · \d\d:\d\d\nCover guest shoppers$/);
    expect(await getApproval(store.db, approval.id)).toMatchObject({ state: 'rejected', reason: 'Cover guest shoppers' });
    const decisions = store.sqlite.prepare(`SELECT COUNT(*) AS n FROM transitions WHERE event_key = ?`).get(`approval:${approval.id}`) as { n: number };
    expect(decisions.n).toBe(1);
  });
});
