/**
 * GitHub's rate limits as retryable failures. GitHub answers both its primary limit
 * (`x-ratelimit-remaining: 0`, wait until `x-ratelimit-reset`) and its secondary limits
 * (`retry-after`, or at least a minute when absent) with 403 or 429; a 403 without those is a
 * permission problem and stays permanent. Everything else goes through the shared policy.
 */
import { RetryableError, type PermanentError } from '../../core/errors.ts';
import { retryAfterMs } from '../http-client/http-failure.ts';
import type { HttpClient, HttpResponse } from '../http-client/http-client.ts';
import { githubMessage } from './github-wire.ts';

/** GitHub's advice when a secondary limit names no wait: at least one minute. */
const SECONDARY_DEFAULT_MS = 60_000;

/** True when a 403/429 answer is one of GitHub's rate limits. */
export function isRateLimited(response: HttpResponse): boolean {
  if (response.status !== 403 && response.status !== 429) return false;
  if (response.headers.get('retry-after') || response.headers.get('x-ratelimit-remaining') === '0') return true;
  return /rate limit/i.test(githubMessage(response.body));
}

/** The typed error for an answer the caller did not expect, rate limits retryable with GitHub's wait. */
export function githubFailure(http: HttpClient, operation: string, response: HttpResponse, now: () => number): RetryableError | PermanentError {
  if (!isRateLimited(response)) return http.failure(operation, response);
  const wait = retryAfterMs(response.headers, now()) ?? SECONDARY_DEFAULT_MS;
  return new RetryableError(`${operation}: ${response.status} GitHub rate limit (${githubMessage(response.body) || 'rate limited'}); retry in ${Math.ceil(wait / 1000)} s`, wait);
}
