/** The metrics reads on the portable drizzle subset (see portable-db.ts). */
import { and, count, desc, eq, gt, isNotNull, isNull, lt, max, min, ne, notInArray, or } from 'drizzle-orm';
import type { MetricsQueries, StageChange } from '../../core/store/metrics-queries.ts';
import { first, type PortableDb, type Tables } from './portable-db.ts';

export function sqlMetricsQueries(db: PortableDb, { outbox, tasks, transitions }: Tables): MetricsQueries {
  return {
    async oldestPendingOutboxAt() {
      return first(await db.select({ at: min(outbox.createdAt) }).from(outbox).where(eq(outbox.state, 'pending')))?.at ?? null;
    },
    async escalatedOpenTasks() {
      const where = and(eq(tasks.escalated, true), notInArray(tasks.stage, ['done', 'cancelled']));
      return first(await db.select({ n: count() }).from(tasks).where(where))?.n ?? 0;
    },
    async latestTransitionId() {
      return first(await db.select({ id: max(transitions.id) }).from(transitions))?.id ?? 0;
    },
    async stageChangesAfter(afterId) {
      const rows = await db
        .select({ id: transitions.id, taskId: transitions.taskId, fromStage: transitions.fromStage, at: transitions.at })
        .from(transitions)
        .where(and(gt(transitions.id, afterId), isNotNull(transitions.fromStage), ne(transitions.fromStage, transitions.toStage)))
        .orderBy(transitions.id);
      return rows.flatMap((r): StageChange[] => (r.fromStage === null ? [] : [{ ...r, fromStage: r.fromStage }]));
    },
    async stageEnteredAt(taskId, stage, beforeId) {
      const row = first(
        await db
          .select({ at: transitions.at })
          .from(transitions)
          .where(
            and(
              eq(transitions.taskId, taskId),
              lt(transitions.id, beforeId),
              eq(transitions.toStage, stage),
              or(isNull(transitions.fromStage), ne(transitions.fromStage, transitions.toStage)),
            ),
          )
          .orderBy(desc(transitions.id))
          .limit(1),
      );
      return row?.at ?? null;
    },
  };
}
