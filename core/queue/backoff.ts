/** Exponential backoff for infrastructure failures: base · 2^(attempt-1), capped. */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 5_000, capMs: 10 * 60_000 };

/** Delay before the next try after `attempts` failed tries (1-based). */
export function backoffDelay(policy: BackoffPolicy, attempts: number): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  return Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
}

/** How a failed try asks to be treated: not before `retryAfterMs`, or never again (`permanent`). */
export interface FailOptions {
  readonly retryAfterMs?: number;
  readonly permanent?: boolean;
}

/** What a failed try leads to: dead once permanent or out of attempts, else queued again after the backoff (or the asked delay, if longer). */
export function failureFate(
  policy: BackoffPolicy,
  job: { readonly attempts: number; readonly maxAttempts: number },
  now: number,
  options: FailOptions,
): { type: 'dead' } | { type: 'retry'; availableAt: number } {
  if (options.permanent || job.attempts >= job.maxAttempts) return { type: 'dead' };
  return { type: 'retry', availableAt: now + Math.max(options.retryAfterMs ?? 0, backoffDelay(policy, job.attempts)) };
}
