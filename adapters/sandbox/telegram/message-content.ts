/**
 * The text part of sendMessage and editMessageText: parse mode, entity parsing and Telegram's
 * length rules (4096 UTF-16 units of visible text).
 */
import type { MessageEntity } from 'grammy/types';
import type { Params } from './bot-api-params.ts';
import { parseTelegramHtml } from './html-check.ts';

/** Telegram's limit on visible text, in UTF-16 code units. */
export const MAX_MESSAGE_LENGTH = 4096;

/** The parsed text, or why Telegram would refuse it. */
export type ContentParse =
  | {
      readonly type: 'ok';
      readonly text: string;
      readonly plain: string;
      readonly parseMode?: 'HTML';
      readonly entities: MessageEntity[];
    }
  /** `reason` is what follows "Bad Request: ". */
  | { readonly type: 'invalid'; readonly reason: string };

/**
 * Reads `text` and `parse_mode`. Only HTML is emulated: Markdown modes are refused with
 * "unsupported parse_mode" so a bot that relies on them notices in tests.
 */
export function parseMessageContent(params: Params): ContentParse {
  const text = params.string('text') ?? '';
  if (text === '') return { type: 'invalid', reason: 'message text is empty' };
  const mode = (params.string('parse_mode') ?? '').toLowerCase();
  if (mode !== '' && mode !== 'none' && mode !== 'html') {
    return { type: 'invalid', reason: 'unsupported parse_mode' };
  }
  let plain = text;
  let entities: MessageEntity[] = [];
  if (mode === 'html') {
    const parsed = parseTelegramHtml(text);
    if (parsed.type === 'invalid')
      return { type: 'invalid', reason: `can't parse entities: ${parsed.reason}` };
    ({ plain, entities } = parsed);
  }
  if (plain.trim() === '') return { type: 'invalid', reason: 'message text is empty' };
  if (plain.length > MAX_MESSAGE_LENGTH) return { type: 'invalid', reason: 'message is too long' };
  return { type: 'ok', text, plain, entities, ...(mode === 'html' ? { parseMode: 'HTML' as const } : {}) };
}
