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
