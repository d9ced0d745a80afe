/**
 * The sandbox's notion of now: a base clock plus however far tests have moved it forward, so a test
 * can age a message by 49 hours or free a rate-limit slot without waiting.
 */
import { PermanentError } from '../../../core/errors.ts';

/** A clock that tests can move forward. */
export class SandboxClock {
  private offsetMs = 0;

  constructor(private readonly base: () => number = Date.now) {}

  /** Epoch milliseconds on the sandbox clock. */
  now(): number {
    return this.base() + this.offsetMs;
  }

  /** Moves the clock forward by `ms` (never back) and returns the new time. */
  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0)
      throw new PermanentError(`advancing the sandbox clock: it only moves forward, got ${ms} ms`);
    this.offsetMs += ms;
    return this.now();
  }
}
