/**
 * What the composition root reports about itself: transitions counted from the engine's handled
 * events, and the database check behind `/healthz`.
 */
import type { Metrics } from '../adapters/http/metrics.ts';
import type { Engine } from '../core/engine/engine.ts';
import { describeError } from '../core/errors.ts';
import { escalatedOpenTasks, latestTransitionId, oldestPendingOutboxAt, stageChangesAfter, stageEnteredAt } from '../core/store/metrics-queries.ts';
import type { Store } from '../core/store/store.ts';
import type { AppStore } from './open-store.ts';
import { getTask } from '../core/store/task-repo.ts';

/** Count applied transitions in `conveyor_transitions_total`, labelled with the stage the task is in now. */
export function countTransitions(engine: Engine, store: Store, metrics: Metrics): void {
  const stageOf = async (taskId: string | undefined): Promise<string> => {
    if (!taskId) return 'none';
    try {
      return (await getTask(store.db, taskId))?.stage ?? 'unknown';
    } catch {
      return 'unknown';
    }
  };
  engine.onHandled((_event, outcome) => {
    if (outcome.type !== 'applied' && outcome.type !== 'created') return;
    const count = outcome.type === 'created' ? 1 : outcome.transitions;
    if (count === 0) return;
    // The listener runs after the commit; the task row says where it went.
    void stageOf(outcome.taskId).then((stage) => metrics.transitions.inc({ stage }, count));
  });
}

/**
 * A trivial round trip: on SQLite the write connection answers (the file is open and not locked
 * beyond the busy timeout), on PostgreSQL the server answers through the pool.
 */
export async function databaseReachable(store: AppStore): Promise<boolean | string> {
  try {
    if (store.dialect === 'sqlite') return store.sqlite.prepare('SELECT 1 AS ok').get() !== undefined;
    await store.ping();
    return true;
  } catch (error) {
    return describeError(error).slice(0, 200);
  }
}

/**
 * Observe `conveyor_stage_duration_seconds` when a task leaves a stage: from the transition log,
 * the stage-changing transitions written since the last look and the one that entered the stage
 * each left. The log is the source (not memory), so a stage entered before a restart is measured
 * too. Reads run one after another (a look waits for the previous one).
 */
export async function observeStageDurations(engine: Engine, store: Store, metrics: Metrics): Promise<void> {
  let seen = await latestTransitionId(store.db);
  let looking: Promise<void> = Promise.resolve();
  const look = async (): Promise<void> => {
    for (const change of await stageChangesAfter(store.db, seen)) {
      seen = Math.max(seen, change.id);
      const start = await stageEnteredAt(store.db, change.taskId, change.fromStage, change.id);
      if (start !== null) metrics.stageDuration.observe({ stage: change.fromStage }, Math.max(0, change.at - start) / 1000);
    }
  };
  engine.onHandled((_event, outcome) => {
    if (outcome.type !== 'applied') return;
    // Metrics never fail the engine's caller; the next handled event catches up.
    looking = looking.then(look).catch(() => undefined);
  });
}

/** The alerting gauges' sources: the oldest undelivered chat message, escalated tasks (read at scrape). */
export function alertSources(store: Store, now: () => number): { oldestOutboxAgeMs: () => Promise<number | null>; escalatedTasks: () => Promise<number> } {
  return {
    oldestOutboxAgeMs: async () => {
      const at = await oldestPendingOutboxAt(store.db);
      return at === null ? null : Math.max(0, now() - at);
    },
    escalatedTasks: async () => await escalatedOpenTasks(store.db),
  };
}
