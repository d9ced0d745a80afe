/** Bounded exponential backoff for reconnecting to Telegram, and an abortable sleep. */
import type { TelegramConnection } from './telegram-connection.ts';

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

/** Resolves after `ms` (true), or early (false) as soon as one of `signals` aborts. */
export function sleep(ms: number, ...signals: AbortSignalLike[]): Promise<boolean> {
  if (signals.some((signal) => signal.aborted)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (passed: boolean): void => {
      clearTimeout(timer);
      for (const signal of signals) signal.removeEventListener('abort', onAbort);
      resolve(passed);
    };
    const onAbort = (): void => done(false);
    const timer = setTimeout(() => done(true), ms);
    for (const signal of signals) signal.addEventListener('abort', onAbort);
  });
}

/** Aborts when the connection to Telegram comes back (call `off` when done waiting). */
export function whenUp(connection: TelegramConnection): { readonly signal: AbortSignal; off(): void } {
  const controller = new AbortController();
  const off = connection.onUp(() => controller.abort());
  return { signal: controller.signal, off: () => void off() };
}
