/**
 * The tasks a reconciler pass reads: not finished, not escalated (and not blocked, when that guard
 * is on), unchanged for at least their stage's grace, with no queued or running job. One indexed
 * query per page (tasks_stage: stage, escalated, updated_at), oldest first.
 */
import { and, asc, eq, gt, lte, notExists, notInArray, or, sql } from 'drizzle-orm';
import type { Task } from '../domain/task.ts';
import type { Store } from '../store/database.ts';
import { jobs, tasks } from '../store/schema.ts';
import { getTask } from '../store/task-repo.ts';

export interface CandidateQuery {
  readonly now: number;
  /** Grace in ms per stage (stages not listed use `defaultGraceMs`). */
  readonly graceMs: Readonly<Record<string, number>>;
  readonly defaultGraceMs: number;
  readonly skipBlocked: boolean;
  readonly pageSize: number;
}

/** One page of candidates after `cursor` (updatedAt, id); empty when done. */
export function candidatePage(store: Store, q: CandidateQuery, cursor: { updatedAt: number; id: string } | null): Task[] {
  const stages = ['analysis', 'development', 'review', 'testing', 'deploy-staging', 'deploy'];
  const stageCutoff = or(...stages.map((s) => and(eq(tasks.stage, s), lte(tasks.updatedAt, q.now - (q.graceMs[s] ?? q.defaultGraceMs)))));
  const rows = store.db
    .select({ id: tasks.id })
    .from(tasks)
    .where(
      and(
        notInArray(tasks.stage, ['done', 'cancelled']),
        eq(tasks.escalated, false),
        q.skipBlocked ? eq(tasks.blocked, false) : undefined,
        stageCutoff,
        cursor ? or(gt(tasks.updatedAt, cursor.updatedAt), and(eq(tasks.updatedAt, cursor.updatedAt), gt(tasks.id, cursor.id))) : undefined,
        notExists(
          store.db
            .select({ one: sql`1` })
            .from(jobs)
            .where(and(eq(jobs.taskId, tasks.id), sql`${jobs.state} IN ('queued', 'running')`)),
        ),
      ),
    )
    .orderBy(asc(tasks.updatedAt), asc(tasks.id))
    .limit(q.pageSize)
    .all();
  return rows.map((r) => getTask(store.db, r.id)).filter((t): t is Task => t !== null);
}
