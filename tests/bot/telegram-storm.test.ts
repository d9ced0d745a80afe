/**
 * A Telegram 5xx and network-outage storm (issue 8 §7, reliability scenario 9): while tasks run,
 * the Bot API answers 502 (JSON and nginx's HTML page), 503, and drops connections. Nothing is
 * given up (the outage is not counted against any message), every card ends showing its task's final state within seconds of the storm's end, no
 * hot loop (failed requests are counted), and no applied call broke the flood limits.
 */
import { mapInOrder } from '../../core/map-in-order.ts';
import { isApprovalOf } from '../support/approval-message.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { findRateViolations } from '../../adapters/sandbox/telegram/rate-audit.ts';
import type { SandboxFault } from '../../adapters/sandbox/telegram/sandbox-types.ts';
import { ALICE, startBotHarness, type BotHarness } from '../support/bot-harness.ts';

let h: BotHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

/** About 25 s of faults: long enough that a retry backoff without a cap falls far behind. */
const STORM: SandboxFault[] = [
  { type: 'server-error' },
  { type: 'outage' },
  { type: 'server-error', html: true },
  { type: 'server-error', status: 503 },
  { type: 'outage' },
  { type: 'server-error' },
  { type: 'outage' },
  { type: 'server-error', status: 504 },
];
const STEP_MS = 3000;

describe('a Telegram 5xx and outage storm', () => {
  it('delivers every card’s final state soon after, without a hot loop or a call beyond the limits', async () => {
    h = await startBotHarness();
    const harness = h;
    await harness.start();
    const ids = ['SHOP-1', 'SHOP-2', 'SHOP-3'];
    for (const title of ['Wishlist button', 'Cart badge', 'Gift wrap']) await harness.say(ALICE, `/new SHOP ${title}`);
    await harness.waitFor(async () => (await mapInOrder(ids, (id) => harness.task(id))).every(Boolean), 'the tasks to exist');

    // The analysts run and their approvals and card edits queue up while Telegram fails.
    const stormStart = Date.now();
    for (const fault of STORM) {
      await harness.sandbox.setFault(fault);
      await new Promise((r) => setTimeout(r, STEP_MS));
    }
    await harness.sandbox.setFault(null);
    const stormEnd = Date.now();
    await harness.waitFor(async () => (await mapInOrder(ids, (id) => harness.task(id))).every((t) => t?.phase === 'awaiting-approval'), 'every task to await approval', 20_000);

    const undelivered = () =>
      harness.app.store.sqlite.prepare("SELECT state, COUNT(*) AS n FROM outbox WHERE state != 'done' GROUP BY state").all() as { state: string; n: number }[];
    await harness.waitFor(() => undelivered().length === 0, 'the outbox to be delivered', 20_000);
    const settled = Date.now() - stormEnd;
    // The outage never counted against a message (a long one cannot make them give up).
    const attempts = harness.app.store.sqlite.prepare('SELECT MAX(attempts) AS n FROM outbox').get() as { n: number };
    expect(attempts.n).toBe(0);
    for (const id of ids) expect((await harness.liveCard(id))?.text).toBe(await harness.expectedCard(id));
    for (const id of ids) expect(await harness.cardMessages(id)).toHaveLength(1);
    const approvals = (await harness.messages()).filter((m) => ids.some((id) => isApprovalOf(m, id)));
    expect(approvals).toHaveLength(ids.length);
    for (const m of approvals) expect(m.plain).toMatch(/^📝 BRD ready for approval — /);

    const log = await harness.sandbox.requests();
    const failed = log.filter((r) => r.at >= stormStart && r.at <= stormEnd && (r.status === 0 || r.status >= 500));
    const stormSeconds = (stormEnd - stormStart) / 1000;
    console.log(
      `[figure] telegram 5xx/outage storm ${stormSeconds.toFixed(1)} s: ${failed.length} failed requests ` +
        `(${failed.filter((r) => r.method === 'getUpdates').length} polls), outbox delivered ${settled} ms after it ended, ` +
        `calls beyond the limits ${findRateViolations(log, harness.pacerLimits).length}`,
    );
    expect(failed.length).toBeGreaterThan(0); // the storm reached the bot
    expect(failed.length).toBeLessThan(4 * stormSeconds); // no hot loop: a few probes a second at most
    expect(findRateViolations(log, harness.pacerLimits)).toEqual([]);
    expect(settled).toBeLessThan(10_000); // within seconds, not at a long backoff step
  }, 90_000);
});
