/**
 * Plane's per-API-key throttle (api/rate_limit.py, a DRF SimpleRateThrottle, default 60/minute): a
 * sliding window of request times. Allowed requests learn the remaining budget and the reset epoch
 * second (`X-RateLimit-Remaining`, `X-RateLimit-Reset`); refused ones learn DRF's wait in seconds
 * (`Retry-After`).
 */

/** What the throttle decided for one request. */
export type ThrottleDecision =
  | { readonly type: 'allowed'; readonly remaining: number; readonly resetEpochSeconds: number }
  | { readonly type: 'throttled'; readonly waitSeconds: number };

/** A sliding-window limiter keyed by API key. */
export class PlaneRateLimit {
  private readonly history = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Counts one request for `key` if the window has room. */
  take(key: string): ThrottleDecision {
    const now = this.now();
    const recent = (this.history.get(key) ?? []).filter((at) => at > now - this.windowMs);
    if (recent.length >= this.limit) {
      this.history.set(key, recent);
      // DRF: remaining window of the oldest request, spread over the requests that would fit (one).
      const oldest = recent[0] ?? now;
      return { type: 'throttled', waitSeconds: Math.ceil((this.windowMs - (now - oldest)) / 1000) };
    }
    recent.push(now);
    this.history.set(key, recent);
    return {
      type: 'allowed',
      remaining: Math.max(0, this.limit - recent.length),
      resetEpochSeconds: Math.floor((now + this.windowMs) / 1000),
    };
  }
}
