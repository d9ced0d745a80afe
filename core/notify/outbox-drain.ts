/**
 * Drains the outbox through the notifier. A row is marked done only after the notifier resolved
 * (the message was accepted), so a crash re-delivers instead of losing. Card rows are coalesced:
 * only the newest pending row of a task is delivered and it settles the older ones.
 *
 * Each task is a lane: its rows go out in order, one at a time, and a lane stops at its first
 * failure. Different tasks' lanes run concurrently (bounded), so one chat waiting for Telegram's
 * rate limit does not hold up every other task. A task whose earlier row waits for a retry holds
 * its later rows back, except card rows (a card always shows the current state).
 *
 * When the notifier's service is unreachable (UnavailableError: network, 5xx, refused token) the
 * drain pauses as a whole instead of failing each row: the row keeps its error and stays pending
 * (the try is not counted, so an outage never kills a message), and one probe goes out after 1 s,
 * 2 s, 4 s… at most `outageCapMs`; `resume` (the bot reconnected) probes at once.
 *
 * Stopping ends every delivery still waiting for a rate-limit slot (the notifier's `signal`): such a
 * row stays pending exactly as it was, for the next leader or start. A send under way finishes. At
 * shutdown `flush` delivers what is due for a bounded time only (ADR 0057).
 */
import { describeError, PermanentError, RetryableError, UnavailableError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { NotifierPort } from '../ports/notifier.ts';
import type { Store } from '../store/store.ts';
import { backoffDelay } from '../queue/backoff.ts';
import {
  markOutboxDead,
  markOutboxDone,
  markOutboxRetry,
  noteOutboxError,
  pendingOutbox,
  toOutboxMessage,
  unmarkOutboxSending,
  type OutboxRow,
} from '../store/outbox-repo.ts';
import { OUTAGE_CAP_MS, OutagePause } from './outage-pause.ts';
import { recordSendAttempt } from './send-attempt.ts';

const MAX_ATTEMPTS = 12;
const BATCH = 500;
/** Lanes delivered at once; the notifier's pacer is what really bounds the sending rate. */
export const DEFAULT_LANES = 8;

/** halted: the drain stopped while the delivery waited to send; nothing was sent or recorded. */
type Delivery = 'delivered' | 'failed' | 'dropped' | 'unavailable' | 'halted';

export class OutboxDrain {
  private timer: NodeJS.Timeout | null = null;
  private draining: Promise<number> | null = null;
  private again = false;
  /** Polling (between start and stop). */
  private running = false;
  /**
   * Aborted by stop() (or flush's time limit): a pass in progress ends after its current rows, and
   * deliveries waiting for a slot end (NotifierPort's `signal`).
   */
  private halting = new AbortController();
  private readonly outage: OutagePause;

  constructor(
    private readonly deps: {
      store: Store;
      notifier: NotifierPort;
      clock: Clock;
      logger: Logger;
      /** Told each delivery's lag: from the row's commit to the message being accepted. */
      onDelivered?: (kind: string, lagMs: number) => void;
    },
    private readonly pollMs = 500,
    private readonly lanes = DEFAULT_LANES,
    outageCapMs = OUTAGE_CAP_MS,
  ) {
    this.outage = new OutagePause(outageCapMs);
  }

  start(): void {
    this.running = true;
    if (this.halting.signal.aborted) this.halting = new AbortController();
    this.schedule(0);
  }

  /** Drain soon (an event just wrote to the outbox). */
  wake(): void {
    if (this.running) this.schedule(0);
  }

  /** The service answers again (e.g. the bot reconnected): probe now instead of at the next step. */
  resume(): void {
    this.outage.resume();
    this.wake();
  }

  /** Since when deliveries are paused because the service is unreachable; null when not. */
  pausedSince(): number | null {
    return this.outage.since();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.halt();
    if (this.timer) clearTimeout(this.timer);
    await this.draining;
  }

  /**
   * At shutdown: deliver what is due, for at most `budgetMs`, then halt as `stop` does. What still
   * waits for Telegram's rate limit by then stays pending for the next leader or start (a group's
   * budget of 20 a minute would otherwise hold a stop for minutes). Resolves with the number delivered.
   */
  async flush(budgetMs: number): Promise<number> {
    this.running = false; // no pass is scheduled after this one
    if (this.timer) clearTimeout(this.timer);
    const timer = setTimeout(() => {
      this.deps.logger.info({ budgetMs }, 'outbox flush at stop reached its time limit: messages still pending go out after the next start');
      this.halt();
    }, budgetMs);
    try {
      return await this.drainOnce();
    } finally {
      clearTimeout(timer);
    }
  }

  private halt(): void {
    this.halting.abort();
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
        .catch((error: unknown) =>
          this.deps.logger.error({ error: describeError(error) }, 'outbox pass failed'),
        )
        .finally(() => {
          if (!this.running) return;
          const next = this.again ? 0 : this.pollMs;
          this.again = false;
          this.schedule(next);
        });
    }, ms);
    this.timer.unref?.();
  }

  private async pass(): Promise<number> {
    if (this.outage.waiting(this.deps.clock.now())) return 0;
    const queue = [...(await this.lanesDue()).values()];
    const signal = this.halting.signal;
    let delivered = 0;
    const worker = async (): Promise<void> => {
      for (let lane = queue.shift(); lane; lane = queue.shift()) {
        for (const row of lane) {
          if (signal.aborted || this.outage.waiting(this.deps.clock.now())) return;
          const outcome = await this.deliver(row, signal);
          if (outcome === 'delivered') delivered += 1;
          if (outcome !== 'delivered' && outcome !== 'dropped') break; // the rest of this task waits
        }
      }
    };
    // While probing an outage, one message at a time: no burst of doomed requests.
    const width = this.outage.active() ? 1 : Math.min(this.lanes, queue.length);
    await Promise.all(Array.from({ length: width }, worker));
    return delivered;
  }

  private async unavailable(row: OutboxRow, text: string): Promise<Delivery> {
    const { store, clock, logger } = this.deps;
    await store.transaction(async (tx) => await noteOutboxError(tx, row.id, text));
    const { began, pauseMs } = this.outage.failed(clock.now());
    if (began) logger.warn({ outbox: row.id, kind: row.kind, error: text }, 'notifier unreachable: outbox paused, messages kept pending');
    else logger.debug({ outbox: row.id, error: text, pauseMs }, 'notifier still unreachable');
    return 'unavailable';
  }

  private recovered(): void {
    const lasted = this.outage.ended(this.deps.clock.now());
    if (lasted !== null) this.deps.logger.info({ pausedMs: lasted }, 'notifier reachable again: outbox resumed');
  }

  /** Due rows grouped by task in id order, cards coalesced, rows behind a waiting retry held back. */
  private async lanesDue(): Promise<Map<string, OutboxRow[]>> {
    const { store, clock } = this.deps;
    const now = clock.now();
    const rows = await pendingOutbox(store.db, now, BATCH);
    const latestCard = new Map<string, number>();
    for (const row of rows) if (row.kind === 'card' && row.taskId) latestCard.set(row.taskId, row.id);
    const retrying = new Map((await store.db.read.outbox.firstWaiting(now)).map((r) => [r.taskId ?? '', r.first]));
    const lanes = new Map<string, OutboxRow[]>();
    const held = new Set<string>();
    for (const row of rows) {
      const key = row.taskId ?? `row:${row.id}`;
      if (row.kind === 'card' && row.taskId && latestCard.get(row.taskId) !== row.id) continue;
      if (row.kind !== 'card' && row.taskId && row.id > (retrying.get(row.taskId) ?? Infinity)) held.add(key);
      if (held.has(key) && row.kind !== 'card') continue;
      lanes.set(key, [...(lanes.get(key) ?? []), row]);
    }
    return lanes;
  }

  private async deliver(row: OutboxRow, signal: AbortSignal): Promise<Delivery> {
    const { store, notifier, clock, logger } = this.deps;
    const message = toOutboxMessage(row);
    if (!message) {
      await store.transaction(async (tx) => await markOutboxDead(tx, row.id, `unknown outbox kind ${row.kind}`, clock.now()));
      return 'dropped';
    }
    await recordSendAttempt({ store, clock, logger }, row);
    try {
      await notifier.deliver(message, signal);
      const doneAt = clock.now();
      await store.transaction(async (tx) => await markOutboxDone(tx, row, doneAt));
      this.deps.onDelivered?.(row.kind, doneAt - row.createdAt);
      this.recovered();
      return 'delivered';
    } catch (error) {
      // Stopped while waiting for a slot: nothing went out, so the row stays as it was (no try counted).
      if (signal.aborted && isAbortError(error)) {
        await store.transaction(async (tx) => await unmarkOutboxSending(tx, row.id));
        return 'halted';
      }
      const text = describeError(error);
      if (error instanceof UnavailableError) return await this.unavailable(row, text);
      this.recovered(); // the service answered, if only to refuse this message
      const now = clock.now();
      if (error instanceof PermanentError || row.attempts + 1 >= MAX_ATTEMPTS) {
        await store.transaction(async (tx) => await markOutboxDead(tx, row.id, text, now));
        logger.error({ outbox: row.id, kind: row.kind, error: text }, 'outbox message given up');
        return 'dropped';
      }
      const delay =
        error instanceof RetryableError && error.retryAfterMs !== undefined
          ? error.retryAfterMs
          : backoffDelay({ baseMs: 1000, capMs: 60_000 }, row.attempts + 1);
      await store.transaction(async (tx) => await markOutboxRetry(tx, row.id, text, now + delay));
      logger.warn(
        { outbox: row.id, kind: row.kind, error: text, delay },
        'outbox delivery failed; will retry',
      );
      return 'failed';
    }
  }
}

/** The platform's error for an operation ended by an AbortSignal. */
function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
