/** Task lookups on the portable drizzle subset (see portable-db.ts). */
import { and, asc, count, desc, eq, inArray, isNotNull, lte, notInArray, sql } from 'drizzle-orm';
import type { TaskBulkWrites, TaskQueries } from '../../core/store/task-queries.ts';
import { type PortableDb, type Tables } from './portable-db.ts';
import { toTask } from './task-repo.ts';

const CLOSED = ['done', 'cancelled'];
/** Ids per `IN (...)` list: well under every driver's parameter limit. */
const CHUNK = 500;

export function sqlTaskQueries(db: PortableDb, { tasks }: Tables): TaskQueries {
  return {
    async byIds(ids) {
      const found = [];
      for (let i = 0; i < ids.length; i += CHUNK)
        found.push(...(await db.select().from(tasks).where(inArray(tasks.id, ids.slice(i, i + CHUNK)))));
      return found.map(toTask);
    },
    async stageCounts() {
      return await db
        .select({ stage: tasks.stage, n: count() })
        .from(tasks)
        .where(and(notInArray(tasks.stage, CLOSED), eq(tasks.escalated, false)))
        .groupBy(tasks.stage);
    },
    async escalatedOpen() {
      return await db
        .select({ taskId: tasks.id, reason: tasks.escalationReason })
        .from(tasks)
        .where(and(eq(tasks.escalated, true), notInArray(tasks.stage, CLOSED)));
    },
    async awaitingApproval() {
      return await db
        .select({ taskId: tasks.id, projectId: tasks.projectId })
        .from(tasks)
        .where(and(eq(tasks.stage, 'analysis'), eq(tasks.phase, 'awaiting-approval'), eq(tasks.escalated, false)))
        .orderBy(tasks.createdAt);
    },
    async openNotBehind(projectId) {
      const rows = await db
        .select({ id: tasks.id })
        .from(tasks)
        .where(and(eq(tasks.projectId, projectId), eq(tasks.behindDefault, false), notInArray(tasks.stage, CLOSED)));
      return rows.map((r) => r.id);
    },
    async mergeQueuedProjects() {
      const rows = await db
        .selectDistinct({ projectId: tasks.projectId })
        .from(tasks)
        .where(and(isNotNull(tasks.mergeQueuedAt), eq(tasks.escalated, false)));
      return rows.map((r) => r.projectId);
    },
    async idsAtHead(projectIds, sha) {
      if (projectIds.length === 0) return [];
      const rows = await db
        .select({ id: tasks.id })
        .from(tasks)
        .where(and(inArray(tasks.projectId, [...projectIds]), eq(tasks.headSha, sha)));
      return rows.map((r) => r.id);
    },
    async idsAwaitingCi(projectIds) {
      if (projectIds.length === 0) return [];
      const rows = await db
        .select({ id: tasks.id })
        .from(tasks)
        .where(
          and(
            inArray(tasks.projectId, [...projectIds]),
            eq(tasks.stage, 'development'),
            eq(tasks.phase, 'awaiting-ci'),
            eq(tasks.escalated, false),
          ),
        );
      return rows.map((r) => r.id);
    },
    async openAtHead(projectIds, sha, limit) {
      if (projectIds.length === 0) return [];
      const rows = await db
        .select()
        .from(tasks)
        .where(and(inArray(tasks.projectId, [...projectIds]), eq(tasks.headSha, sha), notInArray(tasks.stage, CLOSED)))
        .limit(limit);
      return rows.map(toTask);
    },
    async inDevelopment(projectIds, limit) {
      if (projectIds.length === 0) return [];
      const rows = await db
        .select()
        .from(tasks)
        .where(and(inArray(tasks.projectId, [...projectIds]), eq(tasks.stage, 'development')))
        .limit(limit);
      return rows.map(toTask);
    },
    async inStages(projectId, stages) {
      if (stages.length === 0) return [];
      const rows = await db
        .select()
        .from(tasks)
        .where(and(inArray(tasks.stage, [...stages]), eq(tasks.projectId, projectId)))
        .orderBy(tasks.stageEnteredAt, tasks.id);
      return rows.map(toTask);
    },
    async recentlyDone(projectId, limit) {
      const rows = await db
        .select()
        .from(tasks)
        .where(and(eq(tasks.stage, 'done'), eq(tasks.escalated, false), eq(tasks.projectId, projectId)))
        .orderBy(desc(tasks.updatedAt))
        .limit(limit);
      return rows.map(toTask);
    },
    async candidateScan(stage, cutoff, afterAt, afterId, limit) {
      const rows = await db
        .select({
          id: tasks.id,
          updatedAt: tasks.updatedAt,
          blocked: tasks.blocked,
          // Spelled out: drizzle would leave the outer column unqualified inside the subquery.
          busy: sql<unknown>`EXISTS (SELECT 1 FROM jobs WHERE jobs.task_id = tasks.id AND jobs.state IN ('queued', 'running'))`,
        })
        .from(tasks)
        .where(
          and(
            eq(tasks.stage, stage),
            eq(tasks.escalated, false),
            lte(tasks.updatedAt, cutoff),
            sql`(${tasks.updatedAt}, ${tasks.id}) > (${afterAt}, ${afterId})`,
          ),
        )
        .orderBy(asc(tasks.updatedAt), asc(tasks.id))
        .limit(limit);
      // SQLite answers EXISTS with 0/1, PostgreSQL with a boolean.
      return rows.map((row) => ({ ...row, busy: row.busy === true || row.busy === 1 }));
    },
  };
}

export function sqlTaskBulkWrites(db: PortableDb, { tasks }: Tables): TaskBulkWrites {
  return {
    async markBehindDefault(projectId, taskIds, now) {
      let changed = 0;
      for (let i = 0; i < taskIds.length; i += CHUNK) {
        const rows = await db
          .update(tasks)
          .set({ behindDefault: true, updatedAt: now })
          .where(
            and(
              eq(tasks.projectId, projectId),
              eq(tasks.behindDefault, false),
              notInArray(tasks.stage, CLOSED),
              inArray(tasks.id, taskIds.slice(i, i + CHUNK)),
            ),
          )
          .returning({ id: tasks.id });
        changed += rows.length;
      }
      return changed;
    },
  };
}
