/**
 * One deadline for a whole run, plus the caller's abort signal: every step asks how much time is
 * left, and every engine call is raced against the end so a hung call cannot hang the run.
 */
import type { Clock } from '../ports/clock.ts';

/** Why a run stopped early. */
export class BudgetExceeded extends Error {
  override readonly name = 'BudgetExceeded';
}

/** A deadline and an abort signal; `signal` fires at the deadline or when the caller aborts. */
export class RunBudget {
  readonly signal: AbortSignal;
  private readonly deadline: number;
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly onAbort = (): void => this.controller.abort(new BudgetExceeded('cancelled'));

  constructor(
    private readonly clock: Clock,
    private readonly totalMs: number,
    private readonly parent?: AbortSignal,
  ) {
    this.deadline = clock.now() + totalMs;
    this.signal = this.controller.signal;
    this.timer = setTimeout(() => this.controller.abort(new BudgetExceeded(this.timeoutReason())), totalMs);
    if (parent?.aborted) this.onAbort();
    else parent?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Milliseconds left (never negative). */
  remainingMs(): number {
    return Math.max(0, this.deadline - this.clock.now());
  }

  /** Throws BudgetExceeded when cancelled or out of time. */
  check(): void {
    if (this.signal.aborted) throw this.signal.reason instanceof Error ? this.signal.reason : new BudgetExceeded('cancelled');
    if (this.remainingMs() <= 0) throw new BudgetExceeded(this.timeoutReason());
  }

  /** `promise`, or BudgetExceeded as soon as the budget ends (the loser's rejection is swallowed). */
  async race<T>(promise: Promise<T>): Promise<T> {
    this.check();
    promise.catch(() => undefined);
    let stop: (() => void) | undefined;
    const ended = new Promise<never>((_, reject) => {
      stop = () => reject(this.signal.reason instanceof Error ? this.signal.reason : new BudgetExceeded('cancelled'));
      this.signal.addEventListener('abort', stop, { once: true });
    });
    try {
      return await Promise.race([promise, ended]);
    } finally {
      if (stop) this.signal.removeEventListener('abort', stop);
    }
  }

  /** Release the timer and the parent listener. */
  dispose(): void {
    clearTimeout(this.timer);
    this.parent?.removeEventListener('abort', this.onAbort);
  }

  private timeoutReason(): string {
    return `staging did not finish within ${Math.round(this.totalMs / 1000)} s (staging.timeoutS)`;
  }
}
