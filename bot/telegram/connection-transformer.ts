/**
 * An API transformer that keeps the TelegramConnection true from every call the bot makes (polls,
 * sends, edits): an answer proves Telegram is up; a network error or 5xx while up means down; a
 * 401 anywhere means the token was refused; a 409 means another consumer takes the updates.
 */
import { GrammyError, type Transformer } from 'grammy';
import type { TelegramConnection } from './telegram-connection.ts';
import { classifyTelegramFault } from './telegram-fault.ts';

export function connectionTransformer(connection: TelegramConnection): Transformer {
  return async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal).catch((error: unknown) => {
      if (!signal?.aborted) report(connection, method, error);
      throw error;
    });
    if (result.ok || (result.error_code < 500 && result.error_code !== 401 && result.error_code !== 409)) connection.up(method);
    else report(connection, method, new GrammyError(`Call to '${method}' failed!`, result, method, payload));
    return result;
  };
}

function report(connection: TelegramConnection, method: string, error: unknown): void {
  const fault = classifyTelegramFault(error);
  // One failed send while the polls succeed is no outage to report; a refused token or a conflict always is.
  if (fault.type === 'down' && connection.health().state !== 'up' && method !== 'getMe' && method !== 'getUpdates') return;
  connection.fault(fault);
}
