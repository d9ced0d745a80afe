/**
 * The Telegram sandbox contract: what a bot sees through the Bot API (raw fetch and a real grammY
 * `Bot` pointed at `apiRoot`) and what tests see through the control surface. Run once per control
 * flavour (in-process and the HTTP client), so the two can never drift apart.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, GrammyError, InlineKeyboard, webhookCallback } from 'grammy';
import type { Update } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { startTelegramSandbox } from '../../adapters/sandbox/telegram/telegram-sandbox.ts';
import type {
  TelegramSandbox,
  TelegramSandboxOptions,
} from '../../adapters/sandbox/telegram/telegram-sandbox.ts';
import { findRateViolations } from '../../adapters/sandbox/telegram/rate-audit.ts';
import type { TelegramSandboxControl } from '../../adapters/sandbox/telegram/sandbox-types.ts';
import { PermanentError } from '../../core/errors.ts';

export const TOKEN = '7000001:sandbox-test-token';
const GROUP = -1001234567890;
const ALICE = { id: 111, first_name: 'Alice', username: 'alice' };
const HOUR = 3_600_000;

/** Raw Bot API call, the way any HTTP client would make it. */
export async function callApi(root: string, method: string, body: unknown = {}, token = TOKEN) {
  const response = await fetch(`${root}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as ApiAnswer };
}

/** A Bot API answer as it arrives on the wire. */
export interface ApiAnswer {
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error_code?: number;
  readonly description?: string;
  readonly parameters?: { readonly retry_after?: number };
}

async function grammyError(promise: Promise<unknown>): Promise<GrammyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GrammyError);
  return error as GrammyError;
}

/** Runs the sandbox suite with control calls made through `connect(sandbox)`. */
export function describeTelegramSandboxContract(
  flavour: string,
  connect: (sandbox: TelegramSandbox) => TelegramSandboxControl,
): void {
  describe(`Telegram sandbox contract (${flavour} control)`, () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    /** A sandbox on a manual clock (unless `now` is given) and its control surface. */
    async function setup(options: Partial<TelegramSandboxOptions> = {}) {
      const clock = { t: Date.UTC(2026, 0, 5, 12) };
      const sandbox = await startTelegramSandbox({ token: TOKEN, now: () => clock.t, ...options });
      cleanups.push(() => sandbox.close());
      const control = connect(sandbox);
      const bot = new Bot(TOKEN, { client: { apiRoot: sandbox.apiRoot } });
      await bot.init();
      bot.catch(() => undefined);
      return { sandbox, control, bot, api: bot.api, root: sandbox.apiRoot };
    }

    it('answers getMe like Telegram, to raw fetch and to grammY', async () => {
      const { root, bot } = await setup({ botUsername: 'shop_conveyor_bot' });
      const raw = await callApi(root, 'getMe');
      expect(raw.status).toBe(200);
      expect(raw.body).toMatchObject({
        ok: true,
        result: { id: 7000001, is_bot: true, username: 'shop_conveyor_bot' },
      });
      expect(bot.botInfo.username).toBe('shop_conveyor_bot');
      expect((await fetch(`${root}/bot${TOKEN}/getme`)).status).toBe(200);
    });

    it('refuses a wrong token with 401 and an unknown method with 404, and logs both', async () => {
      const { root, control, sandbox } = await setup();
      const wrong = await callApi(root, 'getMe', {}, '7000001:not-the-token');
      expect(wrong).toEqual({
        status: 401,
        body: { ok: false, error_code: 401, description: 'Unauthorized' },
      });
      const stranger = new Bot('7000001:not-the-token', { client: { apiRoot: sandbox.apiRoot } });
      expect((await grammyError(stranger.api.getMe())).error_code).toBe(401);
      const unknown = await callApi(root, 'sendPigeon', { chat_id: 1 });
      expect(unknown).toEqual({
        status: 404,
        body: { ok: false, error_code: 404, description: 'Not Found' },
      });
      const log = await control.requests();
      expect(log.map((entry) => [entry.method, entry.status])).toEqual([
        ['getMe', 200],
        ['getMe', 401],
        ['getMe', 401],
        ['sendPigeon', 404],
      ]);
    });

    it('keeps an HTML message with its keyboard as members see it', async () => {
      const { api, control } = await setup();
      await control.registerChat({ id: GROUP, type: 'supergroup', title: 'Shop' });
      const keyboard = new InlineKeyboard()
        .text('✅ Approve', 'approve:SHOP-42')
        .url('BRD', 'https://git.example.com/brd');
      const sent = await api.sendMessage(GROUP, '🧩 <b>SHOP-42</b> · Tom &amp; Jerry', {
        parse_mode: 'HTML',
        reply_markup: keyboard,
        disable_notification: true,
        link_preview_options: { is_disabled: true },
      });
      expect(sent.text).toBe('🧩 SHOP-42 · Tom & Jerry');
      expect(sent.entities).toEqual([{ type: 'bold', offset: 3, length: 7 }]);
      expect(sent.chat).toMatchObject({ id: GROUP, type: 'supergroup', title: 'Shop' });
      expect(sent.reply_markup?.inline_keyboard[0]).toHaveLength(2);
      const view = await control.chat(GROUP);
      expect(view?.messages).toHaveLength(1);
      expect(view!.messages[0]).toMatchObject({
        messageId: sent.message_id,
        text: '🧩 <b>SHOP-42</b> · Tom &amp; Jerry',
        plain: '🧩 SHOP-42 · Tom & Jerry',
        parseMode: 'HTML',
        silent: true,
        linkPreviewDisabled: true,
        deleted: false,
        buttons: [
          [
            { text: '✅ Approve', callback_data: 'approve:SHOP-42' },
            { text: 'BRD', url: 'https://git.example.com/brd' },
          ],
        ],
        from: { is_bot: true, id: 7000001 },
      });
    });

    it('says "message is not modified" for an identical edit and keeps the history of real edits', async () => {
      const { api, control } = await setup();
      await control.registerChat({ id: GROUP });
      const keyboard = new InlineKeyboard().text('Retry', 'retry:1');
      const card = await api.sendMessage(GROUP, '<b>Review</b>', {
        parse_mode: 'HTML',
        reply_markup: keyboard,
      });
      const same = await grammyError(
        api.editMessageText(GROUP, card.message_id, '<strong>Review</strong>', {
          parse_mode: 'HTML',
          reply_markup: keyboard,
        }),
      );
      expect(same.error_code).toBe(400);
      expect(same.description).toBe(
        'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
      await control.advanceClock(5000);
      await api.editMessageText(GROUP, card.message_id, '<b>Testing</b>', {
        parse_mode: 'HTML',
        reply_markup: keyboard,
      });
      await control.advanceClock(5000);
      // An edit without reply_markup drops the keyboard, so it is a change even with the same text.
      await api.editMessageText(GROUP, card.message_id, '<b>Testing</b>', { parse_mode: 'HTML' });
      const [message] = (await control.chat(GROUP))!.messages;
      expect(message!.plain).toBe('Testing');
      expect(message!.buttons).toEqual([]);
      expect(message!.edits.map((edit) => [edit.plain, edit.buttons.length])).toEqual([
        ['Review', 1],
        ['Testing', 1],
      ]);
      expect(message!.editedAt! - message!.sentAt).toBe(10_000);
    });

    it('answers "message to edit not found" for unknown and deleted messages', async () => {
      const { api, control } = await setup();
      await control.registerChat({ id: GROUP });
      const missing = await grammyError(api.editMessageText(GROUP, 999, 'x'));
      expect(missing.description).toBe('Bad Request: message to edit not found');
      const card = await api.sendMessage(GROUP, 'card');
      await api.deleteMessage(GROUP, card.message_id);
      const gone = await grammyError(api.editMessageReplyMarkup(GROUP, card.message_id));
      expect(gone.description).toBe('Bad Request: message to edit not found');
      const again = await grammyError(api.deleteMessage(GROUP, card.message_id));
      expect(again.description).toBe('Bad Request: message to delete not found');
      expect((await control.chat(GROUP))!.messages[0]).toMatchObject({ deleted: true, plain: 'card' });
    });

    it('refuses to delete a message older than 48 hours on the sandbox clock', async () => {
      const { api, control } = await setup();
      await control.registerChat({ id: GROUP });
      const old = await api.sendMessage(GROUP, 'old card');
      await control.advanceClock(47 * HOUR);
      const young = await api.sendMessage(GROUP, 'young card');
      await control.advanceClock(2 * HOUR);
      const refused = await grammyError(api.deleteMessage(GROUP, old.message_id));
      expect(refused.description).toBe("Bad Request: message can't be deleted");
      expect(await api.deleteMessage(GROUP, young.message_id)).toBe(true);
      const messages = (await control.chat(GROUP))!.messages;
      expect(messages.map((m) => m.deleted)).toEqual([false, true]);
    });

    it('knows a chat only after the control API registered it or someone posted in it', async () => {
      const { api, control } = await setup();
      expect((await grammyError(api.sendMessage(-42, 'hello'))).description).toBe(
        'Bad Request: chat not found',
      );
      expect(await control.chat(-42)).toBeUndefined();
      await control.postMessage({
        chatId: -42,
        chatType: 'group',
        chatTitle: 'Ops',
        from: ALICE,
        text: 'hi',
      });
      expect((await api.sendMessage(-42, 'hello')).chat).toMatchObject({ type: 'group', title: 'Ops' });
      expect((await grammyError(api.sendMessage(-42, ''))).description).toBe(
        'Bad Request: message text is empty',
      );
    });

    it('answers 429 with retry_after for a second message in one second, and does not apply it', async () => {
      const { api, control } = await setup();
      await control.registerChat({ id: GROUP });
      await api.sendMessage(GROUP, 'first');
      const limited = await grammyError(api.sendMessage(GROUP, 'second'));
      expect(limited.error_code).toBe(429);
      expect(limited.description).toBe('Too Many Requests: retry after 1');
      expect(limited.parameters.retry_after).toBe(1);
      expect((await control.chat(GROUP))!.messages.map((m) => m.plain)).toEqual(['first']);
      const log = await control.requests();
      expect(log.at(-1)).toMatchObject({ method: 'sendMessage', chatId: GROUP, status: 429, retryAfter: 1 });
      await control.advanceClock(1000);
      await api.sendMessage(GROUP, 'second');
      expect((await control.chat(GROUP))!.messages.map((m) => m.plain)).toEqual(['first', 'second']);
    });

    it('holds a group to 20 messages a minute with the default limits', async () => {
      const { api, control } = await setup();
      await control.registerChat({ id: GROUP });
      for (let i = 0; i < 20; i++) {
        await api.sendMessage(GROUP, `card ${i}`);
        await control.advanceClock(1000);
      }
      // 20 s after the first send its slot frees in 40 s.
      const limited = await grammyError(api.sendMessage(GROUP, 'one too many'));
      expect(limited.parameters.retry_after).toBe(40);
      await control.advanceClock(39_000);
      expect((await grammyError(api.sendMessage(GROUP, 'still too many'))).parameters.retry_after).toBe(1);
      await control.advanceClock(1000);
      await api.sendMessage(GROUP, 'fits again');
      const log = await control.requests();
      expect(log.filter((entry) => entry.status === 429)).toHaveLength(2);
      expect(findRateViolations(log, await control.limits())).toEqual([]);
    });

    it('holds all chats together to 30 messages a second with the default limits', async () => {
      const { api, control } = await setup();
      for (let chat = 1; chat <= 31; chat++) await control.registerChat({ id: chat });
      for (let chat = 1; chat <= 30; chat++) await api.sendMessage(chat, 'hello');
      const limited = await grammyError(api.sendMessage(31, 'hello'));
      expect(limited.parameters.retry_after).toBe(1);
      expect(await control.chat(31)).toMatchObject({ messages: [] });
    });

    it('counts edits against the limits and takes changed limits from the control API', async () => {
      const { api, control } = await setup();
      await control.registerChat({ id: 5 });
      expect(await control.setLimits({ perChatPerSecond: 3 })).toEqual({
        perChatPerSecond: 3,
        perGroupPerMinute: 20,
        globalPerSecond: 30,
      });
      const card = await api.sendMessage(5, 'v1');
      await api.editMessageText(5, card.message_id, 'v2');
      await api.editMessageText(5, card.message_id, 'v3');
      expect((await grammyError(api.editMessageText(5, card.message_id, 'v4'))).error_code).toBe(429);
      expect((await control.chat(5))!.messages[0]!.plain).toBe('v3');
      const log = await control.requests();
      expect(findRateViolations(log, await control.limits())).toEqual([]);
      // The audit is not vacuous: under Telegram's 1/s the same log breaks the limit.
      expect(
        findRateViolations(log, { perChatPerSecond: 1, perGroupPerMinute: 20, globalPerSecond: 30 }),
      ).toHaveLength(2);
    });

    it('lets grammY auto-retry honour retry_after on the real clock without breaking the limits', async () => {
      const { sandbox, control, bot } = await setup({ now: Date.now });
      await control.registerChat({ id: 77 });
      bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 5 }));
      const sends = ['one', 'two', 'three'].map((text) => bot.api.sendMessage(77, text));
      await Promise.all(sends);
      expect((await sandbox.chat(77))!.messages).toHaveLength(3);
      const log = await control.requests();
      expect(log.filter((entry) => entry.status === 429).length).toBeGreaterThanOrEqual(2);
      expect(findRateViolations(log, await control.limits())).toEqual([]);
    });

    it('delivers a message posted during a long poll and confirms it with offset', async () => {
      const { root, control } = await setup();
      const started = Date.now();
      const poll = callApi(root, 'getUpdates', { timeout: 5 });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const posted = await control.postMessage({
        chatId: ALICE.id,
        from: ALICE,
        text: '/status@shop_bot SHOP-42',
      });
      const { body } = await poll;
      expect(Date.now() - started).toBeLessThan(2000);
      const updates = body.result as Update[];
      expect(updates).toHaveLength(1);
      expect(updates[0]!.update_id).toBe(posted.updateId);
      expect(updates[0]!.message).toMatchObject({
        message_id: posted.messageId,
        text: '/status@shop_bot SHOP-42',
        entities: [{ type: 'bot_command', offset: 0, length: 16 }],
        from: { id: ALICE.id, is_bot: false, username: 'alice' },
        chat: { id: ALICE.id, type: 'private', first_name: 'Alice' },
      });
      const again = await callApi(root, 'getUpdates', { offset: 0 });
      expect(again.body.result).toHaveLength(1);
      await callApi(root, 'getUpdates', { offset: posted.updateId + 1 });
      expect((await callApi(root, 'getUpdates', {})).body.result).toEqual([]);
    });

    it('terminates the older of two concurrent long polls with 409', async () => {
      const { root, control } = await setup();
      const first = callApi(root, 'getUpdates', { timeout: 10 });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const second = callApi(root, 'getUpdates', { timeout: 10 });
      expect(await first).toEqual({
        status: 409,
        body: {
          ok: false,
          error_code: 409,
          description:
            'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
        },
      });
      await control.postMessage({ chatId: ALICE.id, from: ALICE, text: 'still there?' });
      expect((await second).body.result).toHaveLength(1);
    });

    it('runs a grammY bot that answers a button press with an alert', async () => {
      const { bot, api, root, control } = await setup();
      await control.registerChat({ id: GROUP });
      const approval = await api.sendMessage(GROUP, 'BRD ready', {
        reply_markup: new InlineKeyboard().text('✅ Approve', 'approve:SHOP-42'),
      });
      const seen: string[] = [];
      bot.on('callback_query:data', async (ctx) => {
        seen.push(ctx.callbackQuery.id);
        await ctx.answerCallbackQuery({
          text: `Only approvers decide (${ctx.callbackQuery.data})`,
          show_alert: true,
        });
      });
      const running = bot.start({ timeout: 1 });
      cleanups.push(async () => {
        await bot.stop();
        await running;
      });
      const press = { chatId: GROUP, messageId: approval.message_id, from: ALICE, data: 'approve:SHOP-42' };
      const result = await control.press(press);
      expect(result).toMatchObject({
        answered: true,
        text: 'Only approvers decide (approve:SHOP-42)',
        show_alert: true,
      });
      expect(seen).toEqual([result.queryId]);
      const twice = await callApi(root, 'answerCallbackQuery', { callback_query_id: result.queryId });
      expect(twice).toEqual({
        status: 400,
        body: {
          ok: false,
          error_code: 400,
          description: 'Bad Request: query is too old and response timeout expired or query ID is invalid',
        },
      });
    });

    it('reports an unanswered press and refuses presses on buttons that do not exist', async () => {
      const { api, root, control } = await setup();
      await control.registerChat({ id: GROUP });
      const card = await api.sendMessage(GROUP, 'card', {
        reply_markup: new InlineKeyboard().text('Retry', 'retry'),
      });
      const unanswered = await control.press({
        chatId: GROUP,
        messageId: card.message_id,
        from: ALICE,
        data: 'retry',
        timeoutMs: 50,
      });
      expect(unanswered.answered).toBe(false);
      const updates = (await callApi(root, 'getUpdates')).body.result as Update[];
      expect(updates.map((u) => u.callback_query?.data)).toEqual(['retry']);
      expect(updates[0]!.callback_query).toMatchObject({
        id: unanswered.queryId,
        from: { id: ALICE.id },
        message: { message_id: card.message_id },
      });
      const press = control.press({
        chatId: GROUP,
        messageId: card.message_id,
        from: ALICE,
        data: 'approve',
      });
      await expect(press).rejects.toThrow(PermanentError);
      await expect(press).rejects.toThrow(/no button with that callback_data/);
    });

    it('expires a press the bot answers too late on the sandbox clock', async () => {
      const { api, root, control } = await setup({ callbackQueryTtlMs: 10_000 });
      await control.registerChat({ id: GROUP });
      const card = await api.sendMessage(GROUP, 'card', {
        reply_markup: new InlineKeyboard().text('Go', 'go'),
      });
      const { queryId } = await control.press({
        chatId: GROUP,
        messageId: card.message_id,
        from: ALICE,
        data: 'go',
        timeoutMs: 10,
      });
      await control.advanceClock(10_001);
      const late = await callApi(root, 'answerCallbackQuery', { callback_query_id: queryId, text: 'ok' });
      expect(late.body.description).toBe(
        'Bad Request: query is too old and response timeout expired or query ID is invalid',
      );
    });

    it('pushes updates to a webhook with the secret token and a grammY webhookCallback handles them', async () => {
      const { bot, api, root, control } = await setup({ webhookRetryDelayMs: 20 });
      bot.command('ping', (ctx) => ctx.reply('pong', { disable_notification: true }));
      const handle = webhookCallback(bot, 'http', { secretToken: 'test-secret' });
      const server = createServer((request, response) => void handle(request, response));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise((resolve) => server.close(resolve)));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/telegram`;
      await api.setWebhook(url, { secret_token: 'test-secret' });
      const polling = await callApi(root, 'getUpdates');
      expect(polling).toEqual({
        status: 409,
        body: {
          ok: false,
          error_code: 409,
          description:
            "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
        },
      });
      await control.postMessage({ chatId: ALICE.id, from: ALICE, text: '/ping' });
      await expect
        .poll(async () => (await control.chat(ALICE.id))!.messages.map((m) => m.plain))
        .toEqual(['/ping', 'pong']);
      expect((await control.chat(ALICE.id))!.messages[1]).toMatchObject({
        silent: true,
        from: { is_bot: true },
      });
      expect(await control.webhook()).toMatchObject({
        url,
        hasSecret: true,
        pendingUpdateCount: 0,
        deliveredCount: 1,
      });
      expect((await api.getWebhookInfo()).url).toBe(url);
      expect(await api.deleteWebhook()).toBe(true);
      expect((await callApi(root, 'getUpdates')).status).toBe(200);
    });

    it('re-delivers a webhook update after a non-2xx answer', async () => {
      const { api, control } = await setup({ webhookRetryDelayMs: 20 });
      const received: { secret: string | undefined; updateId: number }[] = [];
      const server = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString()));
        request.on('end', () => {
          const update = JSON.parse(body) as Update;
          received.push({
            secret: request.headers['x-telegram-bot-api-secret-token'] as string,
            updateId: update.update_id,
          });
          response.writeHead(received.length === 1 ? 500 : 200).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise((resolve) => server.close(resolve)));
      await api.setWebhook(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {
        secret_token: 's3cr3t_-',
      });
      const posted = await control.postMessage({ chatId: ALICE.id, from: ALICE, text: 'hello' });
      await expect.poll(() => received.length).toBe(2);
      expect(received).toEqual([
        { secret: 's3cr3t_-', updateId: posted.updateId },
        { secret: 's3cr3t_-', updateId: posted.updateId },
      ]);
      // The receiver has answered the second push; the sandbox records the 200 a moment later.
      await expect.poll(() => control.webhook()).toMatchObject({ pendingUpdateCount: 0, deliveredCount: 1 });
      expect((await control.webhook()).lastErrorMessage).toMatch(/500/);
    });

    it('stores bot commands per scope and language', async () => {
      const { api, control } = await setup();
      await api.setMyCommands([{ command: 'queue', description: 'Running and queued work' }]);
      await api.setMyCommands([{ command: 'queue', description: 'Очередь' }], { language_code: 'ru' });
      expect(await api.getMyCommands()).toEqual([
        { command: 'queue', description: 'Running and queued work' },
      ]);
      expect(await api.getMyCommands({ language_code: 'ru' })).toEqual([
        { command: 'queue', description: 'Очередь' },
      ]);
      expect(await api.getMyCommands({ scope: { type: 'all_group_chats' } })).toEqual([]);
      expect((await control.commands()).map((set) => set.languageCode).sort()).toEqual(['', 'ru']);
      expect(
        (await grammyError(api.setMyCommands([{ command: 'Bad Command', description: 'x' }]))).description,
      ).toBe('Bad Request: BOT_COMMAND_INVALID');
    });
  });
}
