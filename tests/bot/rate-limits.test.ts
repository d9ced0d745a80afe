/**
 * A 429 storm end to end: the sandbox's limits are tightened below what the pacer believes, so
 * Telegram answers 429 again and again. Every 429 is honoured (retry_after, bounded retries, the
 * outbox retries later), nothing is given up, every card ends showing its task's final state, and
 * no call the Bot API accepted broke the limits it was running under.
 */
import { mapInOrder } from '../../core/map-in-order.ts';
import { isApprovalOf } from '../support/approval-message.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { findRateViolations } from '../../adapters/sandbox/telegram/rate-audit.ts';
import type { RateLimits } from '../../adapters/sandbox/telegram/sandbox-types.ts';
import { ALICE, pressButton, startBotHarness, type BotHarness } from '../support/bot-harness.ts';

let h: BotHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const TIGHT: RateLimits = { perChatPerSecond: 2, perGroupPerMinute: 1000, globalPerSecond: 3 };

describe('a 429 storm', () => {
  it('delivers every card’s final state, honouring each 429, without a call beyond the limits', async () => {
    // The pacer runs at 20× Telegram's limits; the sandbox allows only TIGHT.
    h = await startBotHarness({ sandboxLimits: TIGHT });
    const harness = h;
    await harness.start();
    const titles = ['Wishlist button', 'Cart badge', 'Checkout copy', 'Gift wrap', 'Saved carts'];
    for (const title of titles) await harness.say(ALICE, `/new SHOP ${title}`);
    const ids = titles.map((_, i) => `SHOP-${i + 1}`);
    // Every task reaches its approval; SHOP-1 is approved and delivered, the others keep waiting.
    const approval = await harness.waitFor(
      async () =>
        (await harness.messages()).find((m) => isApprovalOf(m, 'SHOP-1')),
      'SHOP-1 approval',
    );
    await pressButton(harness, ALICE, approval.messageId, 'Approve');
    await harness.waitFor(
      async () =>
        (await harness.task('SHOP-1'))?.stage === 'done' && (await mapInOrder(ids, (id) => harness.task(id))).every((t) => t?.phase !== 'working'),
      'every task to settle',
      20_000,
    );
    const pending = () =>
      harness.app.store.sqlite.prepare("SELECT COUNT(*) AS n FROM outbox WHERE state != 'done'").get() as {
        n: number;
      };
    await harness.waitFor(() => pending().n === 0, 'the outbox to be delivered', 20_000);
    for (const id of ids) expect((await harness.liveCard(id))?.text).toBe(await harness.expectedCard(id));

    const log = await harness.sandbox.requests();
    const limited = log.filter((r) => r.status === 429);
    const waits = limited.map((r) => r.retryAfter ?? 0);
    console.log(`[figure] telegram 429 storm: ${limited.length} answers 429 (retry_after ${Math.min(...waits)}–${Math.max(...waits)} s), calls beyond the limits ${findRateViolations(log, TIGHT).length}, cards at their final state ${ids.length}/${ids.length}`);
    expect(limited.length).toBeGreaterThan(0); // the storm happened
    expect(limited.every((r) => (r.retryAfter ?? 0) >= 1)).toBe(true);
    expect(findRateViolations(log, TIGHT)).toEqual([]);
    for (const id of ids) expect(await harness.cardMessages(id)).toHaveLength(1); // edit mode held, even through the storm
    expect((await harness.liveCard('SHOP-1'))?.plain.split('\n')[1]).toBe('📦 Delivered · merged into the default branch');
    expect((await harness.liveCard('SHOP-5'))?.plain).toContain('waiting for: BRD approval by Alice or 222');
    // One approval request per task, each notifying once.
    expect((await harness.messages()).filter((m) => m.from.is_bot && !m.silent)).toHaveLength(ids.length);
  });
});
