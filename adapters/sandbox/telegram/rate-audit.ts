/**
 * Checks a request log against flood limits after the fact: did any applied call exceed them?
 * Uses the same windows as the limiter, so a sandbox run audited with the limits it ran under
 * yields no violations; a client that bypasses the sandbox's answers would.
 */
import { windowsFor } from './rate-limiter.ts';
import { RATE_LIMITED_METHODS } from './sandbox-types.ts';
import type { RateLimits, RequestLogEntry } from './sandbox-types.ts';

/** An applied call that found its window already full. */
export interface RateViolation {
  readonly seq: number;
  readonly chatId: number;
  readonly limit: 'chat' | 'group' | 'global';
  /** Applied calls in the window, this one included. */
  readonly count: number;
  readonly max: number;
}

/** The applied rate-limited calls in `log` that exceeded `limits`; empty when the log is clean. */
export function findRateViolations(log: readonly RequestLogEntry[], limits: RateLimits): RateViolation[] {
  const applied = log.filter(
    (entry) => entry.status === 200 && RATE_LIMITED_METHODS.has(entry.method) && entry.chatId !== undefined,
  );
  const seen = new Map<string, number[]>();
  const violations: RateViolation[] = [];
  for (const entry of applied) {
    const chatId = entry.chatId!;
    for (const window of windowsFor(chatId, limits)) {
      const times = (seen.get(window.key) ?? []).filter((at) => at > entry.at - window.windowMs);
      times.push(entry.at);
      seen.set(window.key, times);
      if (times.length > window.max) {
        violations.push({
          seq: entry.seq,
          chatId,
          limit: window.limit,
          count: times.length,
          max: window.max,
        });
      }
    }
  }
  return violations;
}
