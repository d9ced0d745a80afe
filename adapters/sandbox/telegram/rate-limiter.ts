/**
 * Telegram's flood limits as sliding windows on the sandbox clock: per chat per second, per group
 * chat per minute and overall per second. Only calls that were applied take a slot.
 */
import { PermanentError } from '../../../core/errors.ts';
import type { RateLimits } from './sandbox-types.ts';

/** Whether a call may go ahead now, or how many whole seconds until a slot frees. */
export type RateDecision =
  | { readonly type: 'allowed' }
  | { readonly type: 'limited'; readonly retryAfter: number; readonly limit: 'chat' | 'group' | 'global' };

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** The window a call to `chatId` is counted in, for the limiter and for audits alike. */
export interface LimitWindow {
  readonly limit: 'chat' | 'group' | 'global';
  readonly key: string;
  readonly windowMs: number;
  readonly max: number;
}

/** The windows a call to `chatId` counts against under `limits`. */
export function windowsFor(chatId: number, limits: RateLimits): LimitWindow[] {
  const windows: LimitWindow[] = [
    { limit: 'chat', key: `chat:${chatId}`, windowMs: SECOND, max: limits.perChatPerSecond },
    { limit: 'global', key: 'global', windowMs: SECOND, max: limits.globalPerSecond },
  ];
  if (chatId < 0) {
    windows.push({ limit: 'group', key: `group:${chatId}`, windowMs: MINUTE, max: limits.perGroupPerMinute });
  }
  return windows;
}

/** Sliding-window flood control; a slot counts while `at > now - window`. */
export class RateLimiter {
  private current: RateLimits;
  private readonly accepted = new Map<string, number[]>();

  constructor(limits: RateLimits) {
    this.current = validLimits(limits);
  }

  limits(): RateLimits {
    return this.current;
  }

  /** Replaces some limits; each must be a positive integer. */
  setLimits(change: Partial<RateLimits>): RateLimits {
    this.current = validLimits({ ...this.current, ...change });
    return this.current;
  }

  /** Takes a slot for a call to `chatId` at `now`, or says how long to wait (and takes nothing). */
  tryAcquire(chatId: number, now: number): RateDecision {
    const windows = windowsFor(chatId, this.current);
    let worst: RateDecision = { type: 'allowed' };
    for (const window of windows) {
      const times = this.prune(window, now);
      if (times.length < window.max) continue;
      const freesAt = times[times.length - window.max]! + window.windowMs;
      const retryAfter = Math.max(1, Math.ceil((freesAt - now) / SECOND));
      if (worst.type === 'allowed' || retryAfter > worst.retryAfter) {
        worst = { type: 'limited', retryAfter, limit: window.limit };
      }
    }
    if (worst.type === 'allowed') {
      for (const window of windows) this.accepted.get(window.key)!.push(now);
    }
    return worst;
  }

  private prune(window: LimitWindow, now: number): number[] {
    const times = (this.accepted.get(window.key) ?? []).filter((at) => at > now - window.windowMs);
    this.accepted.set(window.key, times);
    return times;
  }
}

function validLimits(limits: RateLimits): RateLimits {
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || (value as number) < 1) {
      throw new PermanentError(
        `setting rate limits: ${name} must be a positive integer, got ${String(value)}`,
      );
    }
  }
  return Object.freeze({ ...limits });
}
