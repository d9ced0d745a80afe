/**
 * What a failed Bot API call says about the connection to Telegram (not about one message): the
 * service is down, another consumer holds the updates (409), or the token is refused (401).
 */
import { GrammyError, HttpError } from 'grammy';

/** The connection-level meaning of a failed call; `reason` never holds the token. */
export type TelegramFault =
  | { readonly type: 'down'; readonly reason: string; readonly retryAfterMs?: number }
  | { readonly type: 'conflict'; readonly reason: string }
  | { readonly type: 'unauthorized'; readonly reason: string };

/** Classify an error thrown by a Bot API call. */
export function classifyTelegramFault(error: unknown): TelegramFault {
  if (error instanceof GrammyError) {
    const said = `Telegram ${error.error_code} ${error.description}`;
    // 404 on a Bot API method means the token is malformed (Telegram answers 401 for a wrong one).
    if (error.error_code === 401 || error.error_code === 404) return { type: 'unauthorized', reason: said };
    if (error.error_code === 409) return { type: 'conflict', reason: said };
    const after = error.parameters.retry_after;
    return { type: 'down', reason: said, ...(after !== undefined ? { retryAfterMs: after * 1000 } : {}) };
  }
  if (error instanceof HttpError) return { type: 'down', reason: `network error (${networkCause(error)})` };
  return { type: 'down', reason: error instanceof Error ? error.name : 'unknown error' };
}

/**
 * The underlying error's code (ECONNREFUSED, ECONNRESET, invalid-json…). Its message is never used:
 * node-fetch puts the request URL, which holds the bot token, into it.
 */
function networkCause(error: HttpError): string {
  const cause: unknown = error.error;
  if (typeof cause === 'object' && cause !== null) {
    for (const key of ['code', 'type', 'name'] as const) {
      const value = (cause as Record<string, unknown>)[key];
      if (typeof value === 'string' && /^[\w-]{1,40}$/.test(value)) return value;
    }
  }
  return 'no answer';
}
