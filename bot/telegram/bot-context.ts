import type { ConversationFlavor } from '@grammyjs/conversations';
import type { Context } from 'grammy';

/** The bot's context type. */
export type BotContext = ConversationFlavor<Context>;

/** The actor string the engine records for a Telegram user. */
export function actorOf(from: { id: number; first_name: string; last_name?: string; username?: string }): string {
  const name = [from.first_name, from.last_name].filter(Boolean).join(' ').trim() || from.username || String(from.id);
  return `telegram:${from.id}:${name}`;
}
