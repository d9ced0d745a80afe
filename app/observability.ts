/**
 * What the composition root reports about itself: transitions counted from the engine's handled
 * events, and the database check behind `/healthz`.
 */
import type { Metrics } from '../adapters/http/metrics.ts';
import type { Engine } from '../core/engine/engine.ts';
import { describeError } from '../core/errors.ts';
import type { Store } from '../core/store/database.ts';
import { getTask } from '../core/store/task-repo.ts';

/** Count applied transitions in `conveyor_transitions_total`, labelled with the stage the task is in now. */
export function countTransitions(engine: Engine, store: Store, metrics: Metrics): void {
  engine.onHandled((_event, outcome) => {
    if (outcome.type !== 'applied' && outcome.type !== 'created') return;
    const count = outcome.type === 'created' ? 1 : outcome.transitions;
    if (count === 0) return;
    // A handled event is a hint (its transaction may have rolled back); the task row says where it went.
    const stage = outcome.taskId ? (getTask(store.db, outcome.taskId)?.stage ?? 'unknown') : 'none';
    metrics.transitions.inc({ stage }, count);
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
