/**
 * Issue 8 §6 through the Bot API sandbox: a title carrying NUL, other controls and a
 * right-to-left override is stored as sent, but nothing Telegram received (card, approval
 * message, /status) holds them: the card shows the title with those characters removed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ALICE, approvalMessage, startBotHarness, type BotHarness } from '../support/bot-harness.ts';

let h: BotHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const TITLE = 'Pay invoice\u0000\u0007 \u202Efdp.exe\u202C now';
const SHOWN = 'Pay invoice fdp.exe now';
// eslint-disable-next-line no-control-regex -- the characters under test
const HIDDEN = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

describe('control and bidi characters', () => {
  it('are stored as sent and never reach Telegram', async () => {
    h = await startBotHarness();
    const harness = h;
    await harness.start();
    await harness.say(ALICE, `/new SHOP ${TITLE}`);
    expect(await harness.waitFor(async () => (await harness.task('SHOP-1'))?.title, 'the task')).toBe(TITLE);

    const approval = await approvalMessage(harness, 'SHOP-1');
    expect(approval.plain.split('\n')[0]).toBe(`📝 BRD ready for approval — SHOP-1 · ${SHOWN}`);
    const card = await harness.waitFor(() => harness.liveCard('SHOP-1'), 'the card');
    expect(card.plain.split('\n')[0]).toBe(`🧩 SHOP-1 · ${SHOWN}`);

    const sent = (await harness.messages()).filter((m) => m.from.is_bot);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    // Every version Telegram got: the current text and each one an edit replaced.
    const versions = sent.flatMap((m) => [m, ...m.edits]);
    const leaks = versions.filter((v) => HIDDEN.test(v.text) || HIDDEN.test(v.plain));
    console.log(`[figure] hidden characters in ${versions.length} versions of ${sent.length} bot messages: ${leaks.length}`);
    expect(leaks).toEqual([]);
  });
});
