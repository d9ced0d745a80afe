/**
 * Translating git failures into Conveyor's typed errors, with credentials stripped from every
 * message (a clone URL may carry `user:token@`).
 */
import { PermanentError, RetryableError } from '../../core/errors.ts';

const RETRYABLE = [
  /could not resolve host/i,
  /connection (timed out|refused|reset|closed)/i,
  /operation timed out/i,
  /timed? ?out/i,
  /early eof/i,
  /the remote end hung up/i,
  /rpc failed/i,
  /unable to access/i,
  /\.lock'?: file exists/i,
  /cannot lock ref/i,
  /unable to create .*\.lock/i,
  /stale info/i,
  /fetch first/i,
  /temporarily unavailable/i,
  /too many requests|\b50[234]\b/i,
];

const PERMANENT = [
  /does not exist/i,
  /not found/i,
  /does not appear to be a git repository/i,
  /authentication failed/i,
  /permission denied/i,
  /invalid username or password/i,
  /not a valid (object|ref|branch)/i,
  /unable to find remote helper/i,
  /protocol .* is not supported/i,
  /returned error: 40[134]/i,
];

/** Replace the userinfo part of any URL in `text` (`https://user:token@host` → `https://***@host`). */
export function redactCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1***@');
}

/** The failure's own text, redacted and shortened for a message. */
export function failureText(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const text = redactCredentials(raw).trim().replace(/\s*\n\s*/g, ' | ');
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

/**
 * Wrap a git failure as PermanentError (bad URL, missing branch, refused credentials) or
 * RetryableError (network, locks, timeouts, a moved remote). Unknown failures are retryable:
 * the caller's retry budget is bounded, so a transient surprise heals and a lasting one escalates.
 */
export function gitFailure(doing: string, error: unknown): RetryableError | PermanentError {
  if (error instanceof RetryableError || error instanceof PermanentError) return error;
  const text = failureText(error);
  const message = `${doing}: ${text}`;
  // No `cause`: the raw git output may carry the unredacted URL.
  if (PERMANENT.some((pattern) => pattern.test(text))) return new PermanentError(message);
  if (RETRYABLE.some((pattern) => pattern.test(text))) return new RetryableError(message);
  return new RetryableError(message);
}

/** Run `action`, translating whatever it throws with {@link gitFailure}. */
export async function describingFailure<T>(doing: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw gitFailure(doing, error);
  }
}
