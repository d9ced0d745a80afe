/**
 * Turns an HTTP answer the caller did not expect into one of core's typed errors: 408, 429 and 5xx are
 * worth another try (with the delay the server asked for), every other status is permanent. The
 * message names the operation and the server's own words, and never a secret.
 */
import { PermanentError, RetryableError } from '../../core/errors.ts';

/** What the failure mapping needs to know about a response. */
export interface FailedResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

const MAX_DETAIL = 300;

/** The typed error for a response whose status the caller did not expect. */
export function httpFailure(
  operation: string,
  response: FailedResponse,
  context: { now: () => number; secrets: readonly string[] },
): RetryableError | PermanentError {
  const detail = bodyDetail(response.body);
  const message = redact(`${operation}: ${response.status}${detail ? ` ${detail}` : ''}`, context.secrets);
  if (isRetryableStatus(response.status)) {
    return new RetryableError(message, retryAfterMs(response.headers, context.now()));
  }
  return new PermanentError(message);
}

/** 408, 425, 429 and 5xx: the same request may succeed later. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/**
 * The delay the server asked for: `Retry-After` (seconds or an HTTP date) first, else
 * `X-RateLimit-Reset` (epoch seconds, Plane). Undefined when neither says anything usable.
 */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = headers.get('x-ratelimit-reset')?.trim();
  if (reset && /^\d+(\.\d+)?$/.test(reset)) return Math.max(0, Math.ceil(Number(reset) * 1000 - now));
  return undefined;
}

/**
 * The server's explanation, whatever the vendor's shape: Gitea `{message}`, Django REST `{detail}`,
 * Plane `{error}`, serializer field errors, Gitea's merge-conflict `{StdErr}`, or plain text.
 */
export function bodyDetail(body: unknown): string {
  if (typeof body === 'string') return clip(body);
  if (Array.isArray(body))
    return clip(
      body
        .map((item) => bodyDetail(item))
        .filter(Boolean)
        .join('; '),
    );
  if (body === null || typeof body !== 'object') return '';
  const record = body as Record<string, unknown>;
  for (const key of ['message', 'detail', 'error', 'StdErr']) {
    const value = record[key];
    if (typeof value === 'string' && value.trim()) return clip(value);
  }
  const fields = Object.entries(record)
    .filter(([, value]) => Array.isArray(value) || typeof value === 'string')
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.map(String).join(', ') : String(value)}`);
  return clip(fields.join('; '));
}

/** Replaces every occurrence of each non-empty secret with `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret) out = out.split(secret).join('[redacted]');
  }
  return out;
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_DETAIL ? `${flat.slice(0, MAX_DETAIL)}…` : flat;
}
