/** Tasks on the portable drizzle subset (see portable-db.ts). */
import { and, asc, eq, isNotNull, notInArray, sql } from 'drizzle-orm';
import type { Phase, Task } from '../../core/domain/task.ts';
import type { Stage } from '../../core/domain/stage.ts';
import type { TaskReads, TaskWrites } from '../../core/store/task-repo.ts';
import { first, type PortableDb, type Tables } from './portable-db.ts';

type TaskRecord = Tables['tasks']['$inferSelect'];

/** A row as the domain's task (the text columns narrowed to their unions). */
export function toTask(row: TaskRecord): Task {
  return {
    ...row,
    source: row.source as Task['source'],
    stage: row.stage as Stage,
    phase: row.phase as Phase,
    stagingVerdict: row.stagingVerdict as Task['stagingVerdict'],
  };
}

export function sqlTaskReads(db: PortableDb, { tasks }: Tables): TaskReads {
  return {
    async get(id) {
      const row = first(await db.select().from(tasks).where(eq(tasks.id, id)).limit(1));
      return row ? toTask(row) : null;
    },
    async findByExternal(projectId, externalId) {
      const row = first(
        await db
          .select()
          .from(tasks)
          .where(and(eq(tasks.projectId, projectId), eq(tasks.externalId, externalId)))
          .limit(1),
      );
      return row ? toTask(row) : null;
    },
    async maxNumber(projectId) {
      const row = first(
        await db
          .select({
            n: sql<number | null>`MAX(CAST(SUBSTR(${tasks.id}, LENGTH(${tasks.projectId}) + 2) AS INTEGER))`.mapWith(Number),
          })
          .from(tasks)
          .where(eq(tasks.projectId, projectId)),
      );
      return row?.n ?? 0;
    },
    async activeIds(projectId) {
      const rows = await db
        .select({ id: tasks.id })
        .from(tasks)
        .where(and(eq(tasks.projectId, projectId), notInArray(tasks.stage, ['done', 'cancelled'])));
      return rows.map((r) => r.id);
    },
    async mergeQueued(projectId) {
      const rows = await db
        .select({ id: tasks.id })
        .from(tasks)
        .where(and(eq(tasks.projectId, projectId), isNotNull(tasks.mergeQueuedAt), eq(tasks.escalated, false)))
        .orderBy(asc(tasks.mergeQueuedAt), asc(tasks.id));
      return rows.map((r) => r.id);
    },
    async idsIn(projectId, stage, phase) {
      const rows = await db
        .select({ id: tasks.id })
        .from(tasks)
        .where(and(eq(tasks.projectId, projectId), eq(tasks.stage, stage), eq(tasks.phase, phase), eq(tasks.escalated, false)));
      return rows.map((r) => r.id);
    },
  };
}

export function sqlTaskWrites(db: PortableDb, { tasks }: Tables): TaskWrites {
  return {
    async insert(task) {
      await db.insert(tasks).values(task);
    },
    async update(id, set) {
      await db.update(tasks).set(set).where(eq(tasks.id, id));
    },
  };
}
