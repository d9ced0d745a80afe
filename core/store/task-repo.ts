/** Reading and writing task rows. Every update bumps `version` and `updatedAt`. */
import { and, eq, notInArray, sql } from 'drizzle-orm';
import type { Phase, Task } from '../domain/task.ts';
import type { Stage } from '../domain/stage.ts';
import { readerDb, type Reader, type Tx } from './database.ts';
import { tasks } from './schema.ts';

export type TaskPatch = Partial<Omit<Task, 'id' | 'projectId' | 'createdAt' | 'version' | 'updatedAt'>>;

function toTask(row: typeof tasks.$inferSelect): Task {
  return {
    ...row,
    source: row.source as Task['source'],
    stage: row.stage as Stage,
    phase: row.phase as Phase,
    stagingVerdict: row.stagingVerdict as Task['stagingVerdict'],
  };
}

export async function getTask(reader: Reader, id: string): Promise<Task | null> {
  const db = readerDb(reader);
  const row = db.select().from(tasks).where(eq(tasks.id, id)).get();
  return row ? toTask(row) : null;
}

export async function findTaskByExternal(
  reader: Reader,
  projectId: string,
  externalId: string,
): Promise<Task | null> {
  const db = readerDb(reader);
  const row = db
    .select()
    .from(tasks)
    .where(and(eq(tasks.projectId, projectId), eq(tasks.externalId, externalId)))
    .get();
  return row ? toTask(row) : null;
}

/** The next free task number of a project (max + 1). */
export async function nextTaskNumber(reader: Reader, projectId: string): Promise<number> {
  const db = readerDb(reader);
  const row = db
    .select({
      n: sql<number | null>`MAX(CAST(SUBSTR(${tasks.id}, LENGTH(${tasks.projectId}) + 2) AS INTEGER))`,
    })
    .from(tasks)
    .where(eq(tasks.projectId, projectId))
    .get();
  return (row?.n ?? 0) + 1;
}

export async function insertTask(tx: Tx, task: Task): Promise<void> {
  tx.db.insert(tasks).values(task).run();
}

/** Apply `patch` and return the new task. */
export async function updateTask(tx: Tx, task: Task, patch: TaskPatch, now: number): Promise<Task> {
  const next: Task = { ...task, ...patch, updatedAt: now, version: task.version + 1 };
  tx.db
    .update(tasks)
    .set({ ...patch, updatedAt: now, version: next.version })
    .where(eq(tasks.id, task.id))
    .run();
  return next;
}

/** Ids of a project's tasks that are neither done nor cancelled. */
export async function activeTaskIds(reader: Reader, projectId: string): Promise<Set<string>> {
  const db = readerDb(reader);
  const rows = db
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.projectId, projectId), notInArray(tasks.stage, ['done', 'cancelled'])))
    .all();
  return new Set(rows.map((r) => r.id));
}

/** Task reads of the store port. */
export interface TaskReads {
  get(id: string): Promise<Task | null>;
  findByExternal(projectId: string, externalId: string): Promise<Task | null>;
  /** The highest task number of a project (the number after `<project>-`), or 0. */
  maxNumber(projectId: string): Promise<number>;
  /** Ids of a project's tasks that are neither done nor cancelled. */
  activeIds(projectId: string): Promise<string[]>;
  /** Ids of a project's merge waiters candidates: merge-queued, not escalated, first come first. */
  mergeQueued(projectId: string): Promise<string[]>;
  /** Ids of a project's non-escalated tasks in `stage`, phase `phase`. */
  idsIn(projectId: string, stage: Stage, phase: Phase): Promise<string[]>;
}

/** Task writes of the store port. */
export interface TaskWrites {
  insert(task: Task): Promise<void>;
  /** Set the given columns of task `id` (the caller bumps `version` and `updatedAt`). */
  update(id: string, set: TaskPatch & { readonly updatedAt: number; readonly version: number }): Promise<void>;
}
