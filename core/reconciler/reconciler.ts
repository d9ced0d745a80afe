/**
 * The reconciler (design §9): replays transitions whose events were lost, through the same engine
 * and handlers as the events themselves. This file holds the pass and its bookkeeping; each side
 * (gate, tracker, CI) is a probe that looks at one task and says what the lost event would have
 * been. A red or waiting gate does nothing and says nothing. Every unblock is logged, counted,
 * written to the stats shown by /queue and posted once to the chat, in the transition's transaction.
 */
import { eq } from 'drizzle-orm';
import type { DomainEvent } from '../domain/events.ts';
import type { Task } from '../domain/task.ts';
import type { Engine } from '../engine/engine.ts';
import { describeError } from '../errors.ts';
import { RECONCILER_STATS_KEY, type ReconcilerStats } from '../notify/queue-view.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { ReconcilerPort, ReconcileReport } from '../ports/reconciler.ts';
import type { Store } from '../store/database.ts';
import { addOutbox } from '../store/outbox-repo.ts';
import { kv } from '../store/schema.ts';
import { candidatePage, type CandidateQuery } from './reconcile-candidates.ts';

/** What a probe found for one task. */
export type ProbeResult =
  | { readonly type: 'unblock'; readonly event: DomainEvent; readonly reason: string }
  | { readonly type: 'skip'; readonly reason: string }
  | { readonly type: 'nothing' };

/** Looks at one candidate task; may call the tracker or forge (errors mean skip). */
export type Probe = (task: Task) => Promise<ProbeResult> | ProbeResult;

export interface ReconcilerOptions {
  readonly store: Store;
  readonly engine: Engine;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly probes: readonly Probe[];
  readonly query: Omit<CandidateQuery, 'now'>;
  readonly onUnblock?: (taskId: string) => void;
}

export class Reconciler implements ReconcilerPort {
  private running: Promise<ReconcileReport> | null = null;

  constructor(private readonly options: ReconcilerOptions) {}

  /** One pass; concurrent calls share the pass in flight (a dry run never joins a real one). */
  runPass(options: { dryRun: boolean; actor: string }): Promise<ReconcileReport> {
    if (options.dryRun) return this.pass(true);
    this.running ??= this.pass(false).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(dryRun: boolean): Promise<ReconcileReport> {
    const { store, clock, logger } = this.options;
    const startedAt = clock.now();
    const unblocked: { taskId: string; reason: string }[] = [];
    const skipped: { taskId: string; reason: string }[] = [];
    let examined = 0;
    let cursor: { updatedAt: number; id: string } | null = null;
    for (;;) {
      const page = candidatePage(store, { ...this.options.query, now: startedAt }, cursor);
      if (page.length === 0) break;
      for (const task of page) {
        examined += 1;
        try {
          const found = await this.probe(task);
          if (found.type === 'skip') skipped.push({ taskId: task.id, reason: found.reason });
          if (found.type !== 'unblock') continue;
          if (dryRun || this.apply(task, found)) unblocked.push({ taskId: task.id, reason: found.reason });
        } catch (error) {
          logger.warn({ task: task.id, error: describeError(error) }, 'reconciler: task failed; pass goes on');
          skipped.push({ taskId: task.id, reason: `error: ${describeError(error).slice(0, 120)}` });
        }
      }
      const last = page[page.length - 1];
      if (!last) break;
      cursor = { updatedAt: last.updatedAt, id: last.id };
      // Yield to the event loop between pages so a long pass never starves the bot or the listener.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const durationMs = clock.now() - startedAt;
    if (!dryRun) this.recordPass(startedAt, durationMs);
    return { dryRun, startedAt, durationMs, examined, unblocked, skipped };
  }

  private async probe(task: Task): Promise<ProbeResult> {
    for (const probe of this.options.probes) {
      const result = await probe(task);
      if (result.type !== 'nothing') return result;
    }
    return { type: 'nothing' };
  }

  /** Replay through the engine; the notice and the stats commit with the transition. */
  private apply(task: Task, found: Extract<ProbeResult, { type: 'unblock' }>): boolean {
    const { store, engine, clock, logger } = this.options;
    const applied = store.write((tx) => {
      const outcome = engine.handleInTx(tx, found.event);
      if (outcome.type !== 'applied') return false;
      const now = clock.now();
      addOutbox(tx, 'notice', task.id, { text: `🔁 ${task.id}: ${found.reason} — replayed by the reconciler` }, now);
      const stats = readStats(store);
      writeStats(store, { ...stats, unblockedTotal: stats.unblockedTotal + 1, lastUnblocked: { taskId: task.id, reason: found.reason, at: now } }, now);
      return true;
    });
    if (applied) {
      logger.info({ task: task.id, reason: found.reason, event: found.event.type }, 'reconciler unblocked a task');
      this.options.onUnblock?.(task.id);
    }
    return applied;
  }

  private recordPass(startedAt: number, durationMs: number): void {
    const { store, clock } = this.options;
    store.write(() => writeStats(store, { ...readStats(store), lastPassAt: startedAt, lastPassMs: durationMs }, clock.now()));
  }
}

export function readStats(store: Store): ReconcilerStats {
  const row = store.db.select().from(kv).where(eq(kv.key, RECONCILER_STATS_KEY)).get();
  return row ? (JSON.parse(row.value) as ReconcilerStats) : { lastPassAt: null, lastPassMs: null, unblockedTotal: 0, lastUnblocked: null };
}

function writeStats(store: Store, stats: ReconcilerStats, now: number): void {
  const value = JSON.stringify(stats);
  store.db.insert(kv).values({ key: RECONCILER_STATS_KEY, value, updatedAt: now }).onConflictDoUpdate({ target: kv.key, set: { value, updatedAt: now } }).run();
}
