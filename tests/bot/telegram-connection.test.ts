/**
 * The connection state /healthz shows, fed by the API transformer from real grammY calls against
 * the Bot API sandbox playing faults: an answer means up, a conflict ends only with a successful
 * poll, a failed send counts only when it was up, a 401 always counts (but is not logged before
 * the bot ever connected: `conveyor start` prints its own line), one log line per episode, and
 * the up listeners fire on each recovery. Error reasons never carry the token.
 */
import { Bot } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { startTelegramSandbox, type TelegramSandbox } from '../../adapters/sandbox/telegram/telegram-sandbox.ts';
import { connectionTransformer } from '../../bot/telegram/connection-transformer.ts';
import { TelegramConnection } from '../../bot/telegram/telegram-connection.ts';
import { recordingLogger } from '../http/webhook-harness.ts';

const TOKEN = '5550001:connection-test-token-abcdef';
const CHAT = 777;
let sandbox: TelegramSandbox | null = null;
afterEach(async () => {
  await sandbox?.close();
  sandbox = null;
});

async function setup() {
  sandbox = await startTelegramSandbox({ token: TOKEN });
  await sandbox.registerChat({ id: CHAT, type: 'private', title: 'Alice' });
  const logger = recordingLogger();
  const connection = new TelegramConnection(logger);
  const bot = new Bot(TOKEN, { client: { apiRoot: sandbox.apiRoot } });
  bot.api.config.use(connectionTransformer(connection));
  let ups = 0;
  connection.onUp(() => (ups += 1));
  const attempt = (call: Promise<unknown>) => call.then(() => 'ok', () => 'failed');
  const notable = () => logger.lines.filter((l) => l.level !== 'debug').map((l) => `${l.level}: ${l.message.split(':')[0]}`);
  return { sandbox, connection, bot, logger, attempt, notable, ups: () => ups };
}

describe('TelegramConnection', () => {
  it('down at start, logged once; up on the first answer; a failed send while up means down again', async () => {
    const { sandbox, connection, bot, attempt, notable, ups } = await setup();
    expect(connection.health()).toMatchObject({ state: 'down', reason: 'not connected yet' });
    await sandbox.setFault({ type: 'outage', mode: 'refused' });
    expect(await attempt(bot.api.getMe())).toBe('failed');
    expect(await attempt(bot.api.getMe())).toBe('failed');
    expect(connection.health()).toMatchObject({ state: 'down', reason: 'network error (ECONNREFUSED)' });
    await sandbox.setFault(null);
    await bot.api.getMe();
    expect(connection.health()).toMatchObject({ state: 'up', reason: null });
    expect(ups()).toBe(1);
    await sandbox.setFault({ type: 'server-error' });
    expect(await attempt(bot.api.sendMessage(CHAT, 'x'))).toBe('failed');
    expect(connection.health()).toMatchObject({ state: 'down', reason: 'Telegram 502 Bad Gateway' });
    await sandbox.setFault(null);
    await bot.api.sendMessage(CHAT, 'y');
    expect(ups()).toBe(2);
    expect(notable()).toEqual(['warn: Telegram unreachable', 'info: Telegram connected', 'warn: Telegram unreachable', 'info: Telegram connected']);
  });

  it('a conflict ends only with a successful poll, not with a send', async () => {
    const { sandbox, connection, bot, attempt } = await setup();
    await bot.api.getMe();
    await sandbox.setFault({ type: 'conflict' });
    expect(await attempt(bot.api.getUpdates({ timeout: 0 }))).toBe('failed');
    expect(await attempt(bot.api.getUpdates({ timeout: 0 }))).toBe('failed');
    expect(connection.health().state).toBe('conflict');
    expect(connection.health().reason).toContain('terminated by other getUpdates request');
    await bot.api.sendMessage(CHAT, 'sends still work');
    expect(connection.health().state).toBe('conflict');
    await sandbox.setFault(null);
    await bot.api.getUpdates({ timeout: 0 });
    expect(connection.health().state).toBe('up');
  });

  it('a refused token: not logged before the bot ever connected, logged once after', async () => {
    const { sandbox, connection, bot, attempt, notable } = await setup();
    await sandbox.setFault({ type: 'unauthorized' });
    expect(await attempt(bot.api.getMe())).toBe('failed');
    expect(connection.health()).toMatchObject({ state: 'unauthorized', reason: 'Telegram 401 Unauthorized' });
    expect(notable()).toEqual([]);
    await sandbox.setFault(null);
    await bot.api.getMe();
    await sandbox.setFault({ type: 'unauthorized' });
    for (let i = 0; i < 3; i++) expect(await attempt(bot.api.sendMessage(CHAT, 'x'))).toBe('failed');
    expect(connection.health().state).toBe('unauthorized');
    expect(notable()).toEqual(['info: Telegram connected', 'error: Telegram refused the bot token (401)']);
    expect(JSON.stringify(connection.health())).not.toContain(TOKEN.split(':')[1]);
  });
});
