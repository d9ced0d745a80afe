/**
 * Webhook mode (ORCH_TELEGRAM_MODE=webhook) end to end: at start the bot tells the Bot API the
 * listener's URL and secret token; the sandbox pushes updates to the Hono route with
 * X-Telegram-Bot-Api-Secret-Token; a delivery with a wrong or missing secret is refused (401) and
 * changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TELEGRAM_WEBHOOK_PATH } from '../../bot/telegram/run-bot.ts';
import {
  ALICE,
  approvalMessage,
  CHAT_ID,
  pressButton,
  startBotHarness,
  TOKEN,
  type BotHarness,
} from '../support/bot-harness.ts';

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness({ webhook: true });
  await h.start();
});
afterAll(async () => h.close());

const taskCount = () =>
  (h.app.store.sqlite.prepare('SELECT COUNT(*) AS n FROM tasks').get() as { n: number }).n;

function update(updateId: number, text: string) {
  return {
    update_id: updateId,
    message: {
      message_id: 9000 + updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: CHAT_ID, type: 'supergroup', title: 'Shop delivery' },
      from: { id: ALICE.id, is_bot: false, first_name: ALICE.first_name },
      text,
      entities: [{ type: 'bot_command', offset: 0, length: 4 }],
    },
  };
}

describe('webhook mode', () => {
  it('sets the webhook with the secret token at start, and takes updates through the listener', async () => {
    const hook = await h.sandbox.webhook();
    expect(hook).toMatchObject({ url: `${h.listenerUrl}${TELEGRAM_WEBHOOK_PATH}`, hasSecret: true });

    await h.say(ALICE, '/new SHOP Add wishlist button');
    const approval = await approvalMessage(h, 'SHOP-1');
    const pressed = await pressButton(h, ALICE, approval.messageId, 'Approve');
    expect(pressed.text).toBe('Approved: SHOP-1 goes to development.');
    await h.waitFor(async () => (await h.task('SHOP-1'))?.stage === 'done', 'SHOP-1 to be done');
    expect((await h.sandbox.webhook()).deliveredCount).toBeGreaterThanOrEqual(2);
    // Polling is off: nobody called getUpdates.
    expect((await h.sandbox.requests()).filter((r) => r.method === 'getUpdates')).toEqual([]);
  });

  it('refuses a delivery whose secret token is wrong or missing', async () => {
    const before = taskCount();
    const url = `${h.listenerUrl}${TELEGRAM_WEBHOOK_PATH}`;
    for (const headers of [
      { 'x-telegram-bot-api-secret-token': 'wrong-secret' },
      {} as Record<string, string>,
    ]) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(update(900_001, '/new SHOP Forged task')),
      });
      expect(response.status).toBe(401);
    }
    expect(taskCount()).toBe(before);

    // The same through the Bot API: a webhook set with the wrong secret gets every push refused.
    const setHook = (secret: string) =>
      fetch(`${h.sandbox.apiRoot}/bot${TOKEN}/setWebhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url, secret_token: secret }),
      });
    expect((await setHook('not-the-secret')).status).toBe(200);
    await h.say(ALICE, '/new SHOP Second task');
    const refused = await h.waitFor(async () => {
      const state = await h.sandbox.webhook();
      return state.lastErrorMessage?.includes('401') ? state : null;
    }, 'a refused push');
    expect(refused.pendingUpdateCount).toBe(1);
    expect(taskCount()).toBe(before);

    // With the right secret again, the waiting update goes through.
    expect((await setHook('hook-secret_42')).status).toBe(200);
    await h.waitFor(async () => await h.task('SHOP-2'), 'SHOP-2 from the re-delivered update');
    expect((await h.task('SHOP-2'))?.title).toBe('Second task');
  });
});
