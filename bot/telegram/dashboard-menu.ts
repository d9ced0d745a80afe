/**
 * The bot's entries to the Mini App dashboard (docs/dashboard.md): the menu button (set at start
 * when ORCH_PUBLIC_URL is https; Telegram opens only https Mini Apps) and the `📊` button on cards
 * and `/queue`. Telegram allows `web_app` buttons in private chats only: in a group the button is a
 * `t.me/<bot>?startapp=<task>` link, which opens the bot's main Mini App (set it to
 * `<ORCH_PUBLIC_URL>/app` in @BotFather) with the person's signed initData.
 */
import type { Bot } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import type { Config } from '../../core/config/config.ts';
import { describeError } from '../../core/errors.ts';
import type { Logger } from '../../core/ports/logger.ts';
import type { BotContext } from './bot-context.ts';

/** The dashboard's URL, or null when ORCH_PUBLIC_URL is unset or not https. */
export function dashboardUrl(publicUrl: string | null): string | null {
  if (!publicUrl?.startsWith('https://')) return null;
  return `${publicUrl.replace(/\/+$/, '')}/app`;
}

type GrammySignal = Parameters<Bot['init']>[0];

/** Point the menu button at the dashboard; a failure is logged, never fatal (the chat works without it). */
export async function setDashboardMenuButton(bot: Bot<BotContext>, config: Config, logger: Logger, signal?: GrammySignal): Promise<void> {
  const url = dashboardUrl(config.publicUrl);
  if (!url) return;
  try {
    await bot.api.setChatMenuButton({ menu_button: { type: 'web_app', text: config.locale === 'ru' ? 'Панель' : 'Dashboard', web_app: { url } } }, signal);
  } catch (error) {
    logger.warn({ error: describeError(error) }, 'could not set the dashboard menu button');
  }
}

/**
 * The `📊` button for a message in `chatId`: `web_app` in a private chat, a `t.me` Mini App link in
 * a group (needs the bot's username); null when the dashboard has no https URL.
 */
export function dashboardButton(publicUrl: string | null, chatId: string, botUsername: string | null, taskId: string | null): InlineKeyboardButton | null {
  const url = dashboardUrl(publicUrl);
  if (!url) return null;
  const text = '📊';
  if (!chatId.startsWith('-')) return { text, web_app: { url: taskId ? `${url}/task/${encodeURIComponent(taskId)}` : url } };
  if (!botUsername) return null;
  return { text, url: `https://t.me/${botUsername}?startapp=${encodeURIComponent(taskId ?? 'board')}` };
}
