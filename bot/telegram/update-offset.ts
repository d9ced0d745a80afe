/**
 * The polling offset (issue 12). Telegram forgets every update below the offset of a getUpdates
 * call, so polling asks from the first update not yet *handled* (not the first not yet fetched):
 * an update whose handling a SIGKILL interrupted is still on Telegram for the next leader. The
 * offset is also kept in the store, with the updates above it that were handled already, and a
 * new leader starts from it: what its predecessor handled but had not confirmed to Telegram is not
 * handled twice. Updates being handled come
 * back in later answers and are dropped here, not dispatched again. The result is at least once
 * across a crash mid-update (button presses and approvals are idempotent by key) and exactly once
 * otherwise.
 */

import type { AbortSignalLike } from './retry-backoff.ts';

/**
 * Where polling resumes: the first update not handled, and the updates above it that were handled
 * already (Telegram cannot be told "all but this one", so they come back and must be skipped).
 */
export interface ResumePoint {
  readonly offset: number;
  readonly done: readonly number[];
}

/** Where the resume point is kept. */
export interface UpdateOffsetStore {
  /** The stored point, or `{ offset: 0, done: [] }` when none was stored yet. */
  load(): Promise<ResumePoint>;
  save(point: ResumePoint): Promise<void>;
}

/**
 * Which fetched updates are still being handled. The runner handles a batch concurrently (one
 * chat after another), so the offset to keep is the lowest update still in flight, or one past
 * the last fetched when none is.
 */
export class HandledUpdates {
  private readonly inFlight = new Set<number>();
  /** Handled updates above the offset (a lower one is still in flight). */
  private readonly done = new Set<number>();
  private next = 0;
  private waiters: (() => void)[] = [];

  /** Start from a stored point. */
  resumeFrom(point: ResumePoint): void {
    this.next = Math.max(this.next, point.offset);
    for (const id of point.done) if (id >= point.offset) this.done.add(id);
  }

  /** Updates handed to the handlers. */
  fetched(ids: readonly number[]): void {
    for (const id of ids) {
      this.inFlight.add(id);
      this.next = Math.max(this.next, id + 1);
    }
  }

  /** An update's handling ended (successfully or with an error the bot's handler reported). */
  handled(id: number): void {
    if (this.inFlight.delete(id)) this.done.add(id);
    const offset = this.offset();
    // Handled ids below the offset are Telegram's to forget now; nothing below it is new again.
    this.next = Math.max(this.next, offset);
    for (const done of this.done) if (done < offset) this.done.delete(done);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** True for an update neither handled nor being handled (an answer repeats those). */
  isNew(id: number): boolean {
    return id >= this.offset() && !this.inFlight.has(id) && !this.done.has(id);
  }

  /** Resolves at the next `handled`, after `maxMs`, or when `signal` aborts, whichever is first. */
  async nextHandled(signal: AbortSignalLike, maxMs: number): Promise<void> {
    if (signal.aborted) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, maxMs);
      this.waiters.push(done);
      signal.addEventListener('abort', done);
    });
  }

  /** The first update not known to be handled: what polling asks from. */
  offset(): number {
    let lowest = this.next;
    for (const id of this.inFlight) lowest = Math.min(lowest, id);
    // Handled ids at the bottom (resumed from a stored point) are not waited for.
    while (this.done.has(lowest) && !this.inFlight.has(lowest)) lowest += 1;
    return lowest;
  }

  /** What a successor resumes from. */
  point(): ResumePoint {
    const offset = this.offset();
    return { offset, done: [...this.done].filter((id) => id >= offset).sort((a, b) => a - b) };
  }
}

/**
 * Writes the offset whenever it moves, one write at a time (a newer offset waiting behind a slow
 * write replaces an older one that has not started). A failed write is reported and retried with
 * the next move: the worst case is handling some updates again after a failover.
 */
export class OffsetKeeper {
  private saved: string | null = null;
  private pending: ResumePoint | null = null;
  private writing: Promise<void> | null = null;

  constructor(
    private readonly store: UpdateOffsetStore,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Ask for `point` to be stored (no-op when it is what was stored last). */
  keep(point: ResumePoint): void {
    if (JSON.stringify(point) === this.saved) return;
    this.pending = point;
    this.writing ??= this.drain();
  }

  /** Resolves when every asked-for offset has been written (or failed). */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending !== null) {
        const point = this.pending;
        this.pending = null;
        try {
          await this.store.save(point);
          this.saved = JSON.stringify(point);
        } catch (error) {
          this.onError(error);
        }
      }
    } finally {
      this.writing = null;
    }
  }
}
