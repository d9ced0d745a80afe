/**
 * The inbox processor: drains verified webhook deliveries into the engine. Each row is mapped to a
 * fact, anything the outside world must be asked is asked first, and then ONE transaction records
 * the engine's events and marks the row processed, so a delivery takes effect exactly once. A
 * failure rolls that back, records the error on the row and retries it with backoff; nothing is
 * dropped. Event keys come from the delivery (`inbox:<source>:<deliveryId>`), so a replay is a no-op.
 */
import type { ProjectConfig } from '../config/projects.ts';
import type { Engine } from '../engine/engine.ts';
import { describeError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Store } from '../store/store.ts';
import { claimPending, markFailed, markProcessed, type InboxRow } from '../store/inbox-repo.ts';
import type { DeliveryResult, EffectContext } from './delivery-effects.ts';
import { applyForgeFact, checkFallbackHead } from './gitea-effects.ts';
import type { InboundFact, TrackerFact } from './inbound-fact.ts';
import type { InboundLookups } from './inbound-lookups.ts';
import { checkTrackerFact } from './tracker-check.ts';
import { applyTrackerFact } from './tracker-effects.ts';
import { mapStoredDelivery, type DeliveryMappers } from './stored-delivery.ts';

/** What the processor works with. */
export interface InboxProcessorDeps {
  readonly store: Store;
  readonly engine: Engine;
  readonly projects: ReadonlyMap<string, ProjectConfig>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly lookups?: InboundLookups;
  /** Payload mappers the adapters register by source (`gitea`, `github`, `plane`): core speaks no vendor payload. */
  readonly mappers?: DeliveryMappers;
  /** Told what each delivery came to, after its transaction committed (the demo's log, diagnostics). */
  readonly onProcessed?: (row: InboxRow, result: DeliveryResult) => void;
}

/** How one pass went. */
export interface InboxPass {
  readonly processed: number;
  readonly failed: number;
}

const BATCH = 100;
const NO_CHECK = { type: 'none' } as const;

/** Drains the inbox: `start` polls (and `wake` hurries it), `processOnce` runs one pass. */
export class InboxProcessor {
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<InboxPass> | null = null;
  private again = false;
  private stopped = true;
  /** Set by `stop`: a pass in flight finishes its current row and ends. */
  private halted = false;
  private lastPassAt: number | null = null;

  constructor(
    private readonly deps: InboxProcessorDeps,
    private readonly pollMs = 1000,
  ) {}

  start(): void {
    this.stopped = false;
    this.halted = false;
    this.schedule(0);
  }

  /** A delivery was just stored: process soon. */
  wake(): void {
    if (!this.stopped) this.schedule(0);
  }

  /** Stop polling and wait for the pass in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.halted = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.current?.catch(() => undefined);
  }

  /** True while started and passing at least every few poll intervals (health). */
  alive(now: number): boolean {
    return (
      !this.stopped && this.lastPassAt !== null && now - this.lastPassAt <= Math.max(5 * this.pollMs, 30_000)
    );
  }

  /** Process every due row now; concurrent calls share the pass in flight. */
  processOnce(): Promise<InboxPass> {
    if (this.current) {
      this.again = true;
      return this.current;
    }
    this.current = this.pass().finally(() => {
      this.current = null;
    });
    return this.current;
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.processOnce()
        .catch((error: unknown) =>
          this.deps.logger.error({ error: describeError(error) }, 'inbox pass failed'),
        )
        .finally(() => {
          if (this.stopped || this.timer) return;
          const next = this.again ? 0 : this.pollMs;
          this.again = false;
          this.schedule(next);
        });
    }, ms);
    this.timer.unref();
  }

  private async pass(): Promise<InboxPass> {
    const rows = await claimPending(this.deps.store, this.deps.clock.now(), BATCH);
    let processed = 0;
    let failed = 0;
    for (const row of rows) {
      if (this.halted) break;
      if (await this.processRow(row)) processed += 1;
      else failed += 1;
    }
    this.lastPassAt = this.deps.clock.now();
    return { processed, failed };
  }

  /** One delivery; true when it is processed, false when it failed and waits for a retry. */
  private async processRow(row: InboxRow): Promise<boolean> {
    const log = this.deps.logger.child({
      inbox: row.id,
      source: row.source,
      deliveryId: row.deliveryId,
      event: row.event,
    });
    let result: DeliveryResult;
    try {
      result = await this.apply(row, log);
    } catch (error) {
      const text = describeError(error);
      const retry = await markFailed(this.deps.store, row.id, text, this.deps.clock.now());
      log.warn(
        { error: text, attempts: retry?.attempts, retryAt: retry?.availableAt },
        'processing a webhook delivery failed; will retry',
      );
      return false;
    }
    logResult(log, result);
    try {
      this.deps.onProcessed?.(row, result);
    } catch (error) {
      log.warn({ error: describeError(error) }, 'onProcessed listener failed');
    }
    return true;
  }

  /** Ask what must be asked, then decide and mark the row in one transaction. */
  private async apply(row: InboxRow, log: Logger): Promise<DeliveryResult> {
    const { store, engine, projects, clock } = this.deps;
    const lookups = this.deps.lookups ?? {};
    const onLookupError = (error: unknown) =>
      log.warn({ error: describeError(error) }, 'lookup failed; deciding without it');
    const fact = mapStoredDelivery(row, this.deps.mappers);
    const headCheck =
      fact.type === 'status'
        ? await checkFallbackHead(store.db, projects, fact, lookups, onLookupError)
        : NO_CHECK;
    const trackerCheck = isTrackerFact(fact)
      ? await checkTrackerFact(fact, projects, lookups, onLookupError)
      : NO_CHECK;
    const actorName = 'actor' in fact && fact.actor ? fact.actor.name : null;
    return await store.transaction(async (tx): Promise<DeliveryResult> => {
      const now = clock.now();
      // Taken first, in the same transaction as the engine's writes: processed exactly when the
      // effects are committed, and by one process only when several read the row at once.
      if (!(await markProcessed(tx, row.id, now))) return { type: 'ignored', reason: 'processed by another process' };
      const ctx: EffectContext = {
        tx,
        engine,
        projects,
        now,
        key: `inbox:${row.source}:${row.deliveryId}`,
        actor: actorName ? `${row.source}:${actorName}` : row.source,
      };
      const result: DeliveryResult =
        fact.type === 'ignored'
          ? { type: 'ignored', reason: fact.reason }
          : isTrackerFact(fact)
            ? await applyTrackerFact(ctx, fact, trackerCheck)
            : await applyForgeFact(ctx, fact, headCheck);
      return result;
    });
  }
}

function isTrackerFact(fact: InboundFact): fact is TrackerFact {
  return fact.type.startsWith('tracker-');
}

function logResult(log: Logger, result: DeliveryResult): void {
  if (result.type === 'handled') {
    const events = result.events.map((e) => ({ event: e.event, task: e.taskId, outcome: e.outcome.type }));
    log.info({ events }, 'webhook delivery processed');
  } else if (result.type === 'unresolved') {
    log.info({ reason: result.reason }, 'webhook delivery not resolved to a task; nothing changed');
  } else {
    log.debug({ reason: result.reason }, 'webhook delivery ignored');
  }
}
