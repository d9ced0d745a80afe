import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from '../../core/queue/backoff.ts';

describe('backoffDelay', () => {
  it('doubles from the base per failed attempt and stops at the cap', () => {
    const policy = { baseMs: 20, capMs: 100 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n))).toEqual([20, 40, 80, 100, 100]);
  });

  it('treats attempt 0 as the first and never overflows on huge attempt counts', () => {
    expect(backoffDelay(DEFAULT_BACKOFF, 0)).toBe(DEFAULT_BACKOFF.baseMs);
    expect(backoffDelay(DEFAULT_BACKOFF, 10_000)).toBe(DEFAULT_BACKOFF.capMs);
    expect(backoffDelay({ baseMs: 1, capMs: Number.MAX_SAFE_INTEGER }, 10_000)).toBe(2 ** 30);
  });
});
