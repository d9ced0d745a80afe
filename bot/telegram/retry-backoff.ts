/** Bounded exponential backoff for reconnecting to Telegram, and an abortable sleep. */

/** Delays of one retry episode: base, 2·base, 4·base… capped; `reset` after a success. */
export class RetryBackoff {
  private attempt = 0;

  constructor(
    private readonly baseMs = 1000,
    private readonly capMs = 30_000,
  ) {}

  /** The delay before the next try (and counts the try). */
  next(): number {
    const delay = Math.min(this.capMs, this.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    return delay;
  }

  reset(): void {
    this.attempt = 0;
  }
}

/** What `sleep` needs of an abort signal (the global one, or the runner's and grammY's shim). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** Resolves after `ms`, or early (false) when `signal` aborts; true when the time passed. */
export function sleep(ms: number, signal: AbortSignalLike): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (passed: boolean): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(passed);
    };
    const onAbort = (): void => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal.addEventListener('abort', onAbort);
  });
}
