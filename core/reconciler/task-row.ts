/** A tasks row read by the reconciler's own queries, as the domain's Task. */
import type { Stage } from '../domain/stage.ts';
import type { Phase, Task } from '../domain/task.ts';
import type { tasks } from '../store/schema.ts';

/** The row as a Task (the columns are the Task's fields; only the unions need casting). */
export function taskFromRow(row: typeof tasks.$inferSelect): Task {
  return {
    ...row,
    source: row.source as Task['source'],
    stage: row.stage as Stage,
    phase: row.phase as Phase,
    stagingVerdict: row.stagingVerdict as Task['stagingVerdict'],
  };
}
