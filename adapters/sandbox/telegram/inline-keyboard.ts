/**
 * Reads `reply_markup` the way the Bot API does and keeps the inline keyboard as members see it.
 * Reply keyboards and keyboard removal are accepted and leave no buttons on the message.
 */
import type { SandboxButton } from './sandbox-types.ts';

/** The keyboard rows, or why Telegram would refuse the markup. */
export type KeyboardParse =
  | { readonly type: 'ok'; readonly buttons: SandboxButton[][] }
  /** `reason` is what follows "Bad Request: ". */
  | { readonly type: 'invalid'; readonly reason: string };

const MAX_CALLBACK_DATA_BYTES = 64;

/** Parses a `reply_markup` parameter (object or JSON text); never throws. */
export function parseReplyMarkup(value: unknown): KeyboardParse {
  if (value === undefined || value === null || value === '') return { type: 'ok', buttons: [] };
  let markup: unknown = value;
  if (typeof value === 'string') {
    try {
      markup = JSON.parse(value) as unknown;
    } catch {
      return invalid("can't parse reply keyboard markup JSON object");
    }
  }
  if (typeof markup !== 'object' || markup === null || Array.isArray(markup)) {
    return invalid('object expected as reply markup');
  }
  const rows = (markup as { inline_keyboard?: unknown }).inline_keyboard;
  if (rows === undefined) return { type: 'ok', buttons: [] };
  if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row))) {
    return invalid('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
  }
  const buttons: SandboxButton[][] = [];
  for (const row of rows as unknown[][]) {
    const parsedRow: SandboxButton[] = [];
    for (const raw of row) {
      const button = parseButton(raw);
      if (typeof button === 'string') return invalid(button);
      parsedRow.push(button);
    }
    buttons.push(parsedRow);
  }
  return { type: 'ok', buttons };
}

function parseButton(raw: unknown): SandboxButton | string {
  const prefix = "can't parse inline keyboard button: ";
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return `${prefix}InlineKeyboardButton must be an Object`;
  }
  const { text, url, callback_data: data, web_app: webApp } = raw as Record<string, unknown>;
  if (typeof text !== 'string') return `${prefix}Field "text" must be of type String`;
  if (url !== undefined && typeof url !== 'string') return `${prefix}Field "url" must be of type String`;
  if (data !== undefined && typeof data !== 'string') {
    return `${prefix}Field "callback_data" must be of type String`;
  }
  if (webApp !== undefined) {
    const appUrl = typeof webApp === 'object' && webApp !== null ? (webApp as { url?: unknown }).url : undefined;
    if (typeof text !== 'string' || typeof appUrl !== 'string') return `${prefix}Field "web_app" must be of type WebAppInfo`;
    return appUrl.startsWith('https://') ? { text, web_app: { url: appUrl } } : 'BUTTON_URL_INVALID';
  }
  // Like Telegram, an empty url or callback_data counts as absent.
  if (url) return isAcceptedButtonUrl(url) ? { text, url } : 'BUTTON_URL_INVALID';
  if (data) {
    return Buffer.byteLength(data, 'utf8') > MAX_CALLBACK_DATA_BYTES
      ? 'BUTTON_DATA_INVALID'
      : { text, callback_data: data };
  }
  return `${prefix}Text buttons are unallowed in the inline keyboard`;
}

/** Telegram refuses button links it cannot open for people: non-web schemes and local hosts. */
function isAcceptedButtonUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'tg:') return true;
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  const host = parsed.hostname;
  const local = host === 'localhost' || host.startsWith('127.') || host === '[::1]' || host === '0.0.0.0';
  return !local && host.includes('.');
}

function invalid(reason: string): KeyboardParse {
  return { type: 'invalid', reason };
}
