/**
 * Every Bot API call that Telegram counts against its flood limits waits for the pacer first, so
 * command replies and conversation prompts share one budget with cards. Installed innermost (before
 * auto-retry), so each retry waits for a slot again; a 429 pauses the chat for its `retry_after`.
 */
import type { Transformer } from 'grammy';
import type { SendPacer } from './send-pacer.ts';

/** The methods Telegram rate-limits per chat (the ones Conveyor uses). */
export const PACED_METHODS: ReadonlySet<string> = new Set([
  'sendMessage',
  'editMessageText',
  'editMessageReplyMarkup',
]);

export function pacingTransformer(pacer: SendPacer): Transformer {
  return async (prev, method, payload, signal) => {
    const chat = (payload as { chat_id?: unknown } | undefined)?.chat_id;
    if (!PACED_METHODS.has(method) || (typeof chat !== 'number' && typeof chat !== 'string'))
      return prev(method, payload, signal);
    const chatId = String(chat);
    await pacer.take(chatId);
    const result = await prev(method, payload, signal);
    if (!result.ok && result.error_code === 429)
      pacer.pause(chatId, (result.parameters?.retry_after ?? 1) * 1000);
    return result;
  };
}
