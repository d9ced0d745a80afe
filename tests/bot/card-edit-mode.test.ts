/**
 * A task's card in edit mode, end to end over HTTP: one message, edited in place through every
 * stage, ending with `📦 Delivered`; the running agent's last log line shown and refreshed; a card
 * deleted by a person sent again and re-pointed on the next update.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { cards } from '../../adapters/store-sqlite/schema.ts';
import {
  ALICE,
  approvalMessage,
  CHAT_ID,
  pressButton,
  startBotHarness,
  TOKEN,
  type BotHarness,
} from '../support/bot-harness.ts';

let h: BotHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const cardRow = (harness: BotHarness, taskId: string) =>
  harness.app.store.readDb.select().from(cards).where(eq(cards.taskId, taskId)).get();

describe('card in edit mode', () => {
  it('is one silent message edited in place from creation to 📦 Delivered, showing the running agent’s last log line', async () => {
    h = await startBotHarness({
      cardRefreshMs: 250,
      agents: {
        analyst: [
          'echo "reading <cart.js> & \\"wishlist\\" notes"',
          'sleep 1.5',
          'mkdir -p "$ORCH_ARTIFACTS_DIR"',
          'printf "# BRD\\n\\nAdd the wishlist button.\\n" > "$ORCH_ARTIFACTS_DIR/01-brd.md"',
        ].join('\n'),
      },
    });
    const harness = h;
    await harness.start();
    await harness.say(ALICE, '/new SHOP Add wishlist button');
    const approval = await approvalMessage(harness, 'SHOP-1');
    expect(approval.silent).toBe(false);
    const pressed = await pressButton(harness, ALICE, approval.messageId, 'Approve');
    expect(pressed.text).toBe('Approved: SHOP-1 goes to development.');
    await harness.waitFor(async () => (await harness.task('SHOP-1'))?.stage === 'done', 'SHOP-1 to be done');
    await harness.waitFor(
      async () => (await harness.cardMessages('SHOP-1')).at(-1)?.plain.includes('📦 Delivered'),
      'the delivered card',
    );

    const [card, ...others] = await harness.cardMessages('SHOP-1');
    expect(others).toHaveLength(0); // one card, edited in place
    expect(card!.deleted).toBe(false);
    expect(card!.silent).toBe(true);
    expect(card!.text).toBe(await harness.expectedCard('SHOP-1'));
    expect(card!.plain.split('\n')[1]).toBe('📦 Delivered · merged into the default branch');
    expect(cardRow(harness, 'SHOP-1')?.messageId).toBe(card!.messageId);
    // It went through the stages: waiting for the analyst, the approval, development, delivered.
    const shown = [...card!.edits.map((e) => e.plain), card!.plain];
    expect(shown.length).toBeGreaterThanOrEqual(4);
    expect(shown.some((p) => p.includes('waiting for: BRD approval by Alice or 222'))).toBe(true);
    expect(shown.some((p) => p.includes('▶️ Development'))).toBe(true);
    // The analyst's last log line, escaped in HTML and shown verbatim.
    expect(
      shown.some((p) =>
        p.includes('⏳ waiting for: analyst agent, running <1 min — "reading <cart.js> & "wishlist" notes"'),
      ),
    ).toBe(true);
    const revisions = [...card!.edits.map((e) => e.text), card!.text];
    expect(
      revisions.some((t) => t.includes('— "reading &lt;cart.js&gt; &amp; &quot;wishlist&quot; notes"')),
    ).toBe(true);
    // Refreshes that changed nothing were skipped, never sent as no-op edits.
    for (let i = 1; i < revisions.length; i += 1) expect(revisions[i]).not.toBe(revisions[i - 1]);
    const log = await harness.sandbox.requests();
    expect(log.filter((r) => r.status !== 200 && r.method !== 'getUpdates')).toEqual([]);

    // The decided approval lost its buttons and shows who decided; it is the only notifying message.
    const decided = (await harness.messages()).find((m) => m.messageId === approval.messageId)!;
    expect(decided.buttons).toEqual([]);
    expect(decided.plain).toMatch(/✅ Approved by Alice · \d\d:\d\d$/);
    expect(
      (await harness.messages()).filter((m) => m.from.is_bot && !m.silent).map((m) => m.messageId),
    ).toEqual([approval.messageId]);
  });

  it('sends a card a person deleted again on the next update, and re-points the card row', async () => {
    h = await startBotHarness();
    const harness = h;
    await harness.start();
    await harness.say(ALICE, '/new SHOP Add wishlist button');
    const approval = await approvalMessage(harness, 'SHOP-1');
    const first = await harness.waitFor(
      async () => (await harness.cardMessages('SHOP-1')).find((m) => m.plain.includes('BRD approval by')),
      'the card waiting for approval',
    );

    // Someone deletes the card (through the Bot API, as a chat admin's client would).
    const deleted = await fetch(`${harness.sandbox.apiRoot}/bot${TOKEN}/deleteMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: CHAT_ID, message_id: first.messageId }),
    });
    expect(((await deleted.json()) as { ok: boolean }).ok).toBe(true);

    await pressButton(harness, ALICE, approval.messageId, 'Approve');
    await harness.waitFor(async () => (await harness.task('SHOP-1'))?.stage === 'done', 'SHOP-1 to be done');
    await harness.waitFor(
      async () => (await harness.cardMessages('SHOP-1')).at(-1)?.plain.includes('📦 Delivered'),
      'the delivered card',
    );

    const all = await harness.cardMessages('SHOP-1');
    expect(all).toHaveLength(2);
    expect(all[0]).toMatchObject({ messageId: first.messageId, deleted: true });
    expect(all[1]!.deleted).toBe(false);
    expect(all[1]!.text).toBe(await harness.expectedCard('SHOP-1'));
    expect(cardRow(harness, 'SHOP-1')?.messageId).toBe(all[1]!.messageId);
    // The failed edit was answered "message to edit not found" exactly once, then the card was re-sent.
    const log = await harness.sandbox.requests();
    expect(log.filter((r) => r.description?.includes('message to edit not found'))).toHaveLength(1);
  });
});
