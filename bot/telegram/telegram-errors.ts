/** Telegram's answers that mean something specific to Conveyor, and their translation to intent. */
import { GrammyError, HttpError } from 'grammy';
import { PermanentError, RetryableError, UnavailableError } from '../../core/errors.ts';

export function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.description.includes('message is not modified');
}

export function isMessageGone(error: unknown): boolean {
  return error instanceof GrammyError && /message to edit not found|message to delete not found|MESSAGE_ID_INVALID/.test(error.description);
}

/** Translate a failed Bot API call into Retryable/Permanent errors (what: the operation). */
export function translateTelegramError(what: string, error: unknown): Error {
  if (error instanceof GrammyError) {
    if (error.error_code === 429) {
      const after = error.parameters.retry_after ?? 5;
      return new RetryableError(`${what}: Telegram rate limit, retry after ${after} s`, after * 1000, { cause: error });
    }
    // Telegram itself is failing or the token was revoked: the message is kept until it answers again.
    if (error.error_code >= 500 || error.error_code === 401) return new UnavailableError(`${what}: Telegram ${error.error_code} ${error.description}`, undefined, { cause: error });
    return new PermanentError(`${what}: Telegram ${error.error_code} ${error.description}`, { cause: error });
  }
  if (error instanceof HttpError) return new UnavailableError(`${what}: network error talking to Telegram`, undefined, { cause: error });
  return error instanceof Error ? error : new Error(`${what}: ${String(error)}`);
}
