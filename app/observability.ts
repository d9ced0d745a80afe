/**
 * What the composition root reports about itself: transitions counted from the engine's handled
 * events, and the database check behind `/healthz`.
 */
import type { Metrics } from '../adapters/http/metrics.ts';
import type { Engine } from '../core/engine/engine.ts';
import { describeError } from '../core/errors.ts';
import type { SqliteStore as Store } from '../adapters/store-sqlite/sqlite-store.ts';
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

/** A trivial query: the file is open, readable and not locked beyond the busy timeout. */
export function databaseReachable(store: Store): boolean | string {
  try {
    return store.sqlite.prepare('SELECT 1 AS ok').get() !== undefined;
  } catch (error) {
    return describeError(error).slice(0, 200);
  }
}

/**
 * Observe `conveyor_stage_duration_seconds` when a task leaves a stage: from the transition log,
 * the stage-changing transition just written and the one that entered the stage it left. The log
 * is the source (not memory), so a stage entered before a restart is measured too.
 */
export function observeStageDurations(engine: Engine, store: Store, metrics: Metrics): void {
  const latestId = store.sqlite.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM transitions').get() as { id: number };
  let seen = latestId.id;
  const changes = store.sqlite.prepare(
    `SELECT id, task_id AS taskId, from_stage AS fromStage, at FROM transitions
     WHERE id > ? AND from_stage IS NOT NULL AND from_stage != to_stage ORDER BY id`,
  );
  const entered = store.sqlite.prepare(
    `SELECT at FROM transitions WHERE task_id = ? AND id < ? AND to_stage = ? AND (from_stage IS NULL OR from_stage != to_stage) ORDER BY id DESC LIMIT 1`,
  );
  engine.onHandled((_event, outcome) => {
    if (outcome.type !== 'applied') return;
    try {
      for (const row of changes.all(seen) as { id: number; taskId: string; fromStage: string; at: number }[]) {
        seen = row.id;
        const start = entered.get(row.taskId, row.id, row.fromStage) as { at: number } | undefined;
        if (start) metrics.stageDuration.observe({ stage: row.fromStage }, Math.max(0, row.at - start.at) / 1000);
      }
    } catch {
      // Metrics never fail the engine's caller; the next handled event catches up.
    }
  });
}

/** The alerting gauges' sources: the oldest undelivered chat message, escalated tasks. */
export function alertSources(store: Store, now: () => number): { oldestOutboxAgeMs: () => number | null; escalatedTasks: () => number } {
  const oldest = store.sqlite.prepare(`SELECT MIN(created_at) AS at FROM outbox WHERE state = 'pending'`);
  const escalated = store.sqlite.prepare(`SELECT COUNT(*) AS n FROM tasks WHERE escalated = 1 AND stage NOT IN ('done', 'cancelled')`);
  return {
    oldestOutboxAgeMs: () => {
      const row = oldest.get() as { at: number | null };
      return row.at === null ? null : Math.max(0, now() - row.at);
    },
    escalatedTasks: () => (escalated.get() as { n: number }).n,
  };
}
