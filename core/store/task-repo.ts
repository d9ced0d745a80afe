/** Reading and writing task rows. Every update bumps `version` and `updatedAt`. */
import type { Phase, Task } from '../domain/task.ts';
import type { Stage } from '../domain/stage.ts';
import type { Reader, Tx } from './store.ts';

export type TaskPatch = Partial<Omit<Task, 'id' | 'projectId' | 'createdAt' | 'version' | 'updatedAt'>>;

export async function getTask(reader: Reader, id: string): Promise<Task | null> {
  return await reader.read.tasks.get(id);
}

export async function findTaskByExternal(reader: Reader, projectId: string, externalId: string): Promise<Task | null> {
  return await reader.read.tasks.findByExternal(projectId, externalId);
}

/** The next free task number of a project (max + 1). */
export async function nextTaskNumber(reader: Reader, projectId: string): Promise<number> {
  return (await reader.read.tasks.maxNumber(projectId)) + 1;
}

export async function insertTask(tx: Tx, task: Task): Promise<void> {
  await tx.write.tasks.insert(task);
}

/** Apply `patch` and return the new task. */
export async function updateTask(tx: Tx, task: Task, patch: TaskPatch, now: number): Promise<Task> {
  const next: Task = { ...task, ...patch, updatedAt: now, version: task.version + 1 };
  await tx.write.tasks.update(task.id, { ...patch, updatedAt: now, version: next.version });
  return next;
}

/** Ids of a project's tasks that are neither done nor cancelled. */
export async function activeTaskIds(reader: Reader, projectId: string): Promise<Set<string>> {
  return new Set(await reader.read.tasks.activeIds(projectId));
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
