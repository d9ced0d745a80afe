/**
 * Bump mode (ORCH_TRACKER_MODE=bump), end to end over HTTP: every card update is a new silent
 * message at the bottom of the chat, the card row is re-pointed to it, and only then is the old
 * message deleted; at most one new message per update; the last one shows the final state.
 */
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../adapters/store-sqlite/sqlite-store.ts';
import { cards, outbox } from '../../adapters/store-sqlite/schema.ts';
import {
  ALICE,
  approvalMessage,
  pressButton,
  startBotHarness,
  type BotHarness,
} from '../support/bot-harness.ts';

let h: BotHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('card in bump mode', () => {
  it('re-posts each update silently at the bottom, re-points, then deletes the old card', async () => {
    h = await startBotHarness({ env: { ORCH_TRACKER_MODE: 'bump' } });
    const harness = h;
    await harness.start();
    await harness.say(ALICE, '/new SHOP Add wishlist button');
    const approval = await approvalMessage(harness, 'SHOP-1');
    await pressButton(harness, ALICE, approval.messageId, 'Approve');
    await harness.waitFor(async () => (await harness.task('SHOP-1'))?.stage === 'done', 'SHOP-1 to be done');
    await harness.waitFor(
      async () => (await harness.cardMessages('SHOP-1')).at(-1)?.plain.includes('📦 Delivered'),
      'the delivered card',
    );
    await harness.stop(); // nothing moves any more: the chat and the store can be compared

    const posted = await harness.cardMessages('SHOP-1');
    expect(posted.length).toBeGreaterThanOrEqual(3);
    const last = posted.at(-1)!;
    expect(last.deleted).toBe(false);
    expect(last.plain.split('\n')[1]).toBe('📦 Delivered · merged into the default branch');
    for (const message of posted) {
      expect(message.silent).toBe(true);
      expect(message.edits).toHaveLength(0); // bump mode never edits
    }
    for (let i = 0; i < posted.length - 1; i += 1) {
      const [older, newer] = [posted[i]!, posted[i + 1]!];
      expect(older.deleted).toBe(true);
      // The old card went only after its successor was posted.
      expect(older.deletedAt!).toBeGreaterThanOrEqual(newer.sentAt);
      expect(newer.text).not.toBe(older.text); // an unchanged render is never re-posted
    }
    // The card sits at the bottom of the chat.
    const live = (await harness.messages()).filter((m) => !m.deleted);
    expect(live.at(-1)?.messageId).toBe(last.messageId);

    // The card row points at the live message; at most one new message per card update.
    const store = openStore(harness.config.dbPath);
    try {
      expect(store.readDb.select().from(cards).where(eq(cards.taskId, 'SHOP-1')).get()?.messageId).toBe(
        last.messageId,
      );
      const updates = store.readDb
        .select()
        .from(outbox)
        .where(and(eq(outbox.kind, 'card'), eq(outbox.taskId, 'SHOP-1')))
        .all();
      expect(updates.every((u) => u.state === 'done')).toBe(true);
      expect(posted.length).toBeLessThanOrEqual(updates.length);
    } finally {
      store.close();
    }
    const sends = (await harness.sandbox.requests()).filter(
      (r) => r.method === 'sendMessage' && posted.some((p) => p.messageId === r.messageId),
    );
    expect(sends).toHaveLength(posted.length);
  });
});
