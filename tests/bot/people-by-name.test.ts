/**
 * People by name: cards and /status say "waiting for: BRD approval by Alice or Bob" once the bot
 * has seen them (a message, a button press), the id until then; names are escaped, survive a
 * restart, follow a rename, and only the people the bot serves are remembered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALICE,
  BOB,
  MALLORY,
  approvalMessage,
  pressButton,
  startBotHarness,
  type BotHarness,
} from '../support/bot-harness.ts';

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness();
  await h.start();
});
afterAll(async () => h.close());

async function status(): Promise<{ plain: string; text: string }> {
  const posted = await h.say(ALICE, '/status SHOP-1');
  return h.waitFor(
    async () =>
      (await h.messages()).find(
        (m) => m.from.is_bot && m.messageId > posted.messageId && m.plain.startsWith('🧩 SHOP-1'),
      ),
    'the /status answer',
  );
}

const people = () =>
  (
    h.app.store.sqlite.prepare("SELECT key, value FROM kv WHERE key LIKE 'person:%' ORDER BY key").all() as {
      key: string;
      value: string;
    }[]
  ).map((r) => [r.key, (JSON.parse(r.value) as { name: string }).name]);

describe('people by name', () => {
  it('names approvers as seen in the chat, with the id as fallback, escaped, across a restart and a rename', async () => {
    await h.say(ALICE, '/new SHOP Wishlist');
    const approval = await approvalMessage(h, 'SHOP-1');
    expect((await status()).plain).toContain('⏳ waiting for: BRD approval by Alice or 222');

    const odd = { ...BOB, first_name: 'Bob <the> & "builder"' };
    await h.say(odd, 'hello');
    await h.say(MALLORY, 'hello too');
    const named = await status();
    expect(named.plain).toContain('⏳ waiting for: BRD approval by Alice or Bob <the> & "builder"');
    expect(named.text).toContain('Bob &lt;the&gt; &amp; &quot;builder&quot;');
    expect(named.text).toBe(await h.expectedCard('SHOP-1'));
    expect(people()).toEqual([
      ['person:111', 'Alice'],
      ['person:222', 'Bob <the> & "builder"'],
    ]); // Mallory is nobody the bot serves: not recorded

    await h.restart();
    expect((await status()).plain).toContain('BRD approval by Alice or Bob <the> & "builder"');

    // A button press teaches the name too (here Bob's new one).
    await pressButton(h, BOB, approval.messageId, 'Approve');
    await h.waitFor(async () => (await h.task('SHOP-1'))?.stage === 'development', 'the approval to apply');
    expect(h.side.people.nameOf(BOB.id)).toBe('Bob');
    expect(people()).toContainEqual(['person:222', 'Bob']);
    expect((await h.sandbox.requests()).filter((r) => r.status === 400)).toEqual([]);
  });
});
