/**
 * Drains the outbox through the notifier. A row is marked done only after the notifier resolved
 * (the message was accepted), so a crash re-delivers instead of losing. Card rows are coalesced:
 * only the newest pending row of a task is delivered and it settles the older ones.
 */
import { describeError, PermanentError, RetryableError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { NotifierPort } from '../ports/notifier.ts';
import type { Store } from '../store/database.ts';
import { backoffDelay } from '../queue/backoff.ts';
import { markOutboxDead, markOutboxDone, markOutboxRetry, pendingOutbox, toOutboxMessage, type OutboxRow } from '../store/outbox-repo.ts';

const MAX_ATTEMPTS = 12;

export class OutboxDrain {
  private timer: NodeJS.Timeout | null = null;
  private draining: Promise<number> | null = null;
  private again = false;
  private stopped = true;

  constructor(
    private readonly deps: { store: Store; notifier: NotifierPort; clock: Clock; logger: Logger },
    private readonly pollMs = 500,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Drain soon (an event just wrote to the outbox). */
  wake(): void {
    if (!this.stopped) this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.draining;
  }

  /** Deliver everything due now; resolves with the number delivered. Concurrent calls share one pass. */
  drainOnce(): Promise<number> {
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = this.pass().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.drainOnce()
        .catch((error: unknown) => this.deps.logger.error({ error: describeError(error) }, 'outbox pass failed'))
        .finally(() => {
          if (this.stopped) return;
          const next = this.again ? 0 : this.pollMs;
          this.again = false;
          this.schedule(next);
        });
    }, ms);
    this.timer.unref?.();
  }

  private async pass(): Promise<number> {
    const { store, clock } = this.deps;
    const rows = pendingOutbox(store.db, clock.now(), 500);
    const latestCard = new Map<string, number>();
    for (const row of rows) if (row.kind === 'card' && row.taskId) latestCard.set(row.taskId, row.id);
    let delivered = 0;
    for (const row of rows) {
      if (this.stopped) break;
      if (row.kind === 'card' && row.taskId && latestCard.get(row.taskId) !== row.id) continue;
      if (await this.deliver(row)) delivered += 1;
    }
    return delivered;
  }

  private async deliver(row: OutboxRow): Promise<boolean> {
    const { store, notifier, clock, logger } = this.deps;
    const message = toOutboxMessage(row);
    if (!message) {
      store.write((tx) => markOutboxDead(tx, row.id, `unknown outbox kind ${row.kind}`, clock.now()));
      return false;
    }
    try {
      await notifier.deliver(message);
      store.write((tx) => markOutboxDone(tx, row, clock.now()));
      return true;
    } catch (error) {
      const text = describeError(error);
      const now = clock.now();
      if (error instanceof PermanentError || row.attempts + 1 >= MAX_ATTEMPTS) {
        store.write((tx) => markOutboxDead(tx, row.id, text, now));
        logger.error({ outbox: row.id, kind: row.kind, error: text }, 'outbox message given up');
      } else {
        const delay = error instanceof RetryableError && error.retryAfterMs !== undefined ? error.retryAfterMs : backoffDelay({ baseMs: 1000, capMs: 60_000 }, row.attempts + 1);
        store.write((tx) => markOutboxRetry(tx, row.id, text, now + delay));
        logger.warn({ outbox: row.id, kind: row.kind, error: text, delay }, 'outbox delivery failed; will retry');
      }
      return false;
    }
  }
}
