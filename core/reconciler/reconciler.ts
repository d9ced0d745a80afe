/**
 * The reconciler (design §9): replays transitions whose events were lost, through the same engine
 * and handlers as the events themselves. This file holds the pass and its bookkeeping; each side
 * (tracker, gate, CI) is a probe that looks at one task and says what the lost event would have
 * been (see probe.ts). A red or waiting gate does nothing and says nothing. Every unblock is logged,
 * counted, written to the stats shown by /queue and posted once to the chat, in the transition's
 * transaction.
 */
import type { Task } from '../domain/task.ts';
import type { Engine } from '../engine/engine.ts';
import { describeError } from '../errors.ts';
import { RECONCILER_STATS_KEY, type ReconcilerStats } from '../notify/queue-view.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { ReconcilerPort, ReconcileReport } from '../ports/reconciler.ts';
import type { Reader, Store, Tx } from '../store/store.ts';
import { addOutbox } from '../store/outbox-repo.ts';
import { kvGet, kvPut } from '../store/kv-repo.ts';
import { NOTHING, sessionOf, type Probe, type ProbeResult, type ProbeSession } from './probe.ts';
import { candidatePage, type CandidateCursor, type CandidateQuery } from './reconcile-candidates.ts';

export type { Discovery, PassProbe, Probe, ProbeResult, ProbeSession, TaskProbe } from './probe.ts';

/** What a reconciler is built from. */
export interface ReconcilerOptions {
  readonly store: Store;
  readonly engine: Engine;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Asked in order for every candidate; the first answer other than `nothing` wins. */
  readonly probes: readonly Probe[];
  readonly query: Omit<CandidateQuery, 'now'>;
  /** Called once per applied unblock, after its transaction committed (the metrics counter). */
  readonly onUnblock?: (taskId: string) => void;
}

type Unblock = Extract<ProbeResult, { type: 'unblock' }>;

const YIELD_EVERY = 50;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Tally {
  examined: number;
  readonly unblocked: { taskId: string; reason: string }[];
  readonly skipped: { taskId: string; reason: string }[];
}

/** Runs passes: candidates page by page through the probes, then the probes' discoveries. */
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
    const sessions = this.options.probes.map((probe) => sessionOf(probe, { dryRun, now: startedAt }));
    const tally: Tally = { examined: 0, unblocked: [], skipped: [] };
    let cursor: CandidateCursor | null = null;
    do {
      const page = await candidatePage(store, { ...this.options.query, now: startedAt }, cursor);
      for (const [index, task] of page.tasks.entries()) {
        tally.examined += 1;
        await this.settle(task.id, () => firstFinding(sessions, task), dryRun, tally);
        // Probes that answer from the store never yield on their own; a page's worth must not block.
        if (index % YIELD_EVERY === YIELD_EVERY - 1) await yieldToLoop();
      }
      cursor = page.next;
      // Yield to the event loop between pages so a long pass never starves the bot or the listener.
      await yieldToLoop();
    } while (cursor);
    for (const session of sessions) {
      if (!session.discover) continue;
      try {
        for (const found of await session.discover()) await this.settle(found.taskId, () => found.result, dryRun, tally);
      } catch (error) {
        logger.warn({ error: describeError(error) }, 'reconciler: discovery failed; pass goes on');
        tally.skipped.push({ taskId: '-', reason: `discovery error: ${describeError(error).slice(0, 120)}` });
      }
    }
    const durationMs = clock.now() - startedAt;
    if (!dryRun) await this.recordPass(startedAt, durationMs);
    return { dryRun, startedAt, durationMs, examined: tally.examined, unblocked: tally.unblocked, skipped: tally.skipped };
  }

  /** Ask, then replay (or, dry, report); an error here is logged and the pass goes on. */
  private async settle(taskId: string, find: () => Promise<ProbeResult> | ProbeResult, dryRun: boolean, tally: Tally): Promise<void> {
    try {
      const found = await find();
      if (found.type === 'skip') tally.skipped.push({ taskId, reason: found.reason });
      if (found.type !== 'unblock') return;
      if (dryRun) return void tally.unblocked.push({ taskId, reason: found.reason });
      const applied = await this.apply(taskId, found);
      if (applied.type === 'applied') tally.unblocked.push({ taskId: applied.taskId, reason: found.reason });
      else if (applied.refusal) tally.skipped.push({ taskId, reason: `engine refused: ${applied.refusal}` });
    } catch (error) {
      this.options.logger.warn({ task: taskId, error: describeError(error) }, 'reconciler: task failed; pass goes on');
      tally.skipped.push({ taskId, reason: `error: ${describeError(error).slice(0, 120)}` });
    }
  }

  /** Replay through the engine; the notice and the stats commit with the transition. */
  private async apply(taskId: string, found: Unblock): Promise<{ type: 'applied'; taskId: string } | { type: 'none'; refusal: string | null }> {
    const { store, engine, clock, logger } = this.options;
    const result = await store.transaction(async (tx) => {
      let applied: string | null = null;
      let refusal: string | null = null;
      for (const event of found.events) {
        const outcome = await engine.handleInTx(tx, event);
        if (outcome.type === 'applied' || outcome.type === 'created') applied ??= outcome.taskId || taskId;
        if (outcome.type === 'rejected') refusal = outcome.reason;
      }
      if (!applied) return { type: 'none' as const, refusal };
      const now = clock.now();
      await addOutbox(tx, 'notice', applied, { text: `🔁 ${applied}: ${found.reason} — replayed by the reconciler` }, now);
      const stats = await statsIn(tx);
      await writeStats(tx, { ...stats, unblockedTotal: stats.unblockedTotal + 1, lastUnblocked: { taskId: applied, reason: found.reason, at: now } }, now);
      return { type: 'applied' as const, taskId: applied };
    });
    if (result.type === 'applied') {
      logger.info({ task: result.taskId, reason: found.reason, events: found.events.map((e) => e.type) }, 'reconciler unblocked a task');
      this.options.onUnblock?.(result.taskId);
    }
    return result;
  }

  private async recordPass(startedAt: number, durationMs: number): Promise<void> {
    const { store, clock } = this.options;
    await store.transaction(async (tx) => await writeStats(tx, { ...(await statsIn(tx)), lastPassAt: startedAt, lastPassMs: durationMs }, clock.now()));
  }
}

async function firstFinding(sessions: readonly ProbeSession[], task: Task): Promise<ProbeResult> {
  for (const session of sessions) {
    const result = await session.check(task);
    if (result.type !== 'nothing') return result;
  }
  return NOTHING;
}

/** The figures `/queue` shows (persisted, so they survive a restart). */
export async function readStats(store: Store): Promise<ReconcilerStats> {
  return await statsIn(store.db);
}

async function statsIn(reader: Reader): Promise<ReconcilerStats> {
  const value = await kvGet(reader, RECONCILER_STATS_KEY);
  return value !== null ? (JSON.parse(value) as ReconcilerStats) : { lastPassAt: null, lastPassMs: null, unblockedTotal: 0, lastUnblocked: null };
}

async function writeStats(tx: Tx, stats: ReconcilerStats, now: number): Promise<void> {
  await kvPut(tx, RECONCILER_STATS_KEY, JSON.stringify(stats), now);
}
