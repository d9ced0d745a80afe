/**
 * Runs the Telegram sandbox contract with both control flavours, plus the Bot API's validation
 * rules (HTML, length, buttons, parameter encodings) that do not depend on the control surface.
 */
import type { Message } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelegramSandboxClient } from '../../adapters/sandbox/telegram/sandbox-client.ts';
import { startTelegramSandbox } from '../../adapters/sandbox/telegram/telegram-sandbox.ts';
import type { TelegramSandbox } from '../../adapters/sandbox/telegram/telegram-sandbox.ts';
import { callApi, describeTelegramSandboxContract, TOKEN } from './telegram-sandbox.contract.ts';
import { describeTelegramSandboxFaults } from './telegram-sandbox-faults.contract.ts';

describeTelegramSandboxContract('in-process', (sandbox) => sandbox);
describeTelegramSandboxContract('HTTP client', (sandbox) => new TelegramSandboxClient(sandbox.controlUrl));
describeTelegramSandboxFaults('in-process', (sandbox) => sandbox);
describeTelegramSandboxFaults('HTTP client', (sandbox) => new TelegramSandboxClient(sandbox.controlUrl));

describe('Telegram sandbox: Bot API validation', () => {
  let sandbox: TelegramSandbox;
  const CHAT = 4242;
  // Far above Telegram's limits: these tests are about validation, not flood control.
  const roomy = { perChatPerSecond: 10_000, perGroupPerMinute: 10_000, globalPerSecond: 10_000 };

  beforeAll(async () => {
    sandbox = await startTelegramSandbox({ token: TOKEN, limits: roomy });
    await sandbox.registerChat({ id: CHAT, title: 'Bob' });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const send = (body: Record<string, unknown>) =>
    callApi(sandbox.apiRoot, 'sendMessage', { chat_id: CHAT, ...body });
  const html = (text: string) => send({ text, parse_mode: 'HTML' });
  const keyboard = (button: Record<string, unknown>) =>
    send({ text: 'x', reply_markup: { inline_keyboard: [[button]] } });

  it.each([
    ['<div>x</div>', 'Unsupported start tag "div" at byte offset 0'],
    ['<b>bold', 'Can\'t find end tag corresponding to start tag "b"'],
    ['<b><i>x</b></i>', 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'],
    ['x</b>', 'Unexpected end tag at byte offset 1'],
    ['a < b', 'Unsupported start tag "" at byte offset 2'],
    ['ends with <', 'Unclosed start tag at byte offset 10'],
    ['Tom & Jerry', 'Character \'&\' at byte offset 4 must be escaped as "&amp;"'],
    ['я &nbsp; ты', 'Character \'&\' at byte offset 3 must be escaped as "&amp;"'],
    ['<span>x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'],
    ['<a href="https://x.io/?a=1&b=2">x</a>', 'Character \'&\' at byte offset 26 must be escaped as "&amp;"'],
  ])('rejects %j with "can\'t parse entities"', async (text, reason) => {
    const answer = await html(text);
    expect(answer).toEqual({
      status: 400,
      body: { ok: false, error_code: 400, description: `Bad Request: can't parse entities: ${reason}` },
    });
  });

  it.each([
    ['&lt;b&gt;not bold&lt;/b&gt;', '<b>not bold</b>', []],
    ['&#60;&#x3E; &quot;q&quot; &amp;', '<> "q" &', []],
    ['1 > 0', '1 > 0', []],
    ['<B>x</B>', 'x', [{ type: 'bold', offset: 0, length: 1 }]],
    [
      '<a href="https://x.io/?a=1&amp;b=2">link</a>',
      'link',
      [{ type: 'text_link', offset: 0, length: 4, url: 'https://x.io/?a=1&b=2' }],
    ],
    [
      '<pre><code class="language-ts">let a;</code></pre>',
      'let a;',
      [{ type: 'pre', offset: 0, length: 6, language: 'ts' }],
    ],
    [
      '😀<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>',
      '😀st',
      [
        { type: 'spoiler', offset: 2, length: 1 },
        { type: 'spoiler', offset: 3, length: 1 },
      ],
    ],
    ['<blockquote expandable>q</blockquote>', 'q', [{ type: 'expandable_blockquote', offset: 0, length: 1 }]],
    [
      '<u>u</u><s>s</s><code>c</code>',
      'usc',
      [
        { type: 'underline', offset: 0, length: 1 },
        { type: 'strikethrough', offset: 1, length: 1 },
        { type: 'code', offset: 2, length: 1 },
      ],
    ],
  ])('accepts %j', async (text, plain, entities) => {
    const answer = await html(text);
    expect(answer.status).toBe(200);
    const message = answer.body.result as Message;
    expect(message.text).toBe(plain);
    expect(message.entities ?? []).toEqual(entities);
  });

  it('counts the 4096-character limit in UTF-16 units of the visible text', async () => {
    const tooLong = {
      status: 400,
      body: { ok: false, error_code: 400, description: 'Bad Request: message is too long' },
    };
    expect((await send({ text: 'a'.repeat(4096) })).status).toBe(200);
    expect(await send({ text: 'a'.repeat(4097) })).toEqual(tooLong);
    expect((await html(`<b>${'a'.repeat(4095)}</b>&amp;`)).status).toBe(200);
    expect((await send({ text: '😀'.repeat(2048) })).status).toBe(200);
    expect(await send({ text: `${'😀'.repeat(2048)}a` })).toEqual(tooLong);
  });

  it('refuses empty text, including text that is empty after parsing', async () => {
    for (const body of [{}, { text: '' }, { text: '  \n ' }, { text: '<b> </b>', parse_mode: 'HTML' }]) {
      expect((await send(body)).body.description).toBe('Bad Request: message text is empty');
    }
    expect((await send({ text: 'x', parse_mode: 'MarkdownV2' })).body.description).toBe(
      'Bad Request: unsupported parse_mode',
    );
    expect((await callApi(sandbox.apiRoot, 'sendMessage', { text: 'x' })).body.description).toBe(
      'Bad Request: chat_id is empty',
    );
  });

  it('limits callback_data to 64 bytes of UTF-8, not 64 characters', async () => {
    const invalid = {
      status: 400,
      body: { ok: false, error_code: 400, description: 'Bad Request: BUTTON_DATA_INVALID' },
    };
    expect((await keyboard({ text: 'ok', callback_data: 'a'.repeat(64) })).status).toBe(200);
    expect(await keyboard({ text: 'no', callback_data: 'a'.repeat(65) })).toEqual(invalid);
    expect((await keyboard({ text: 'ok', callback_data: 'я'.repeat(32) })).status).toBe(200);
    expect(await keyboard({ text: 'no', callback_data: 'я'.repeat(33) })).toEqual(invalid);
    expect((await keyboard({ text: 'ok', callback_data: '🚀'.repeat(16) })).status).toBe(200);
    expect(await keyboard({ text: 'no', callback_data: `${'🚀'.repeat(16)}!` })).toEqual(invalid);
    // Telegram reads empty callback_data as absent, which leaves a button with no action.
    expect((await keyboard({ text: 'empty', callback_data: '' })).body.description).toBe(
      "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
    );
    expect((await keyboard({ text: 'local', url: 'http://127.0.0.1:8080/brd' })).body.description).toBe(
      'Bad Request: BUTTON_URL_INVALID',
    );
    expect((await send({ text: 'x', reply_markup: '{not json' })).body.description).toBe(
      "Bad Request: can't parse reply keyboard markup JSON object",
    );
  });

  it('accepts form-encoded bodies and query parameters, where objects are JSON text', async () => {
    const form = new URLSearchParams({
      chat_id: String(CHAT),
      text: '<i>form</i>',
      parse_mode: 'HTML',
      reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] }),
    });
    const posted = await fetch(`${sandbox.apiRoot}/bot${TOKEN}/sendMessage`, { method: 'POST', body: form });
    const body = (await posted.json()) as { result: { text: string; reply_markup: unknown } };
    expect(body.result.text).toBe('form');
    expect(body.result.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] });
    const query = new URLSearchParams({ chat_id: String(CHAT), text: 'query', disable_notification: 'true' });
    const viaGet = await fetch(`${sandbox.apiRoot}/bot${TOKEN}/sendMessage?${query.toString()}`);
    expect(viaGet.status).toBe(200);
    const view = await sandbox.chat(CHAT);
    expect(view!.messages.at(-1)).toMatchObject({ plain: 'query', silent: true });
  });

  it('answers unknown paths and control routes with 404', async () => {
    expect((await fetch(`${sandbox.apiRoot}/nothing`)).status).toBe(404);
    const client = new TelegramSandboxClient(sandbox.controlUrl);
    expect(await client.chat(-1)).toBeUndefined();
    await expect(client.advanceClock(-5)).rejects.toThrow(/advanceMs/);
    await expect(client.setLimits({ perChatPerSecond: 0 })).rejects.toThrow(/perChatPerSecond/);
    await expect(sandbox.setLimits({ perChatPerSecond: 0 })).rejects.toThrow(/positive integer/);
  });
});
