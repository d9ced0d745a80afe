/**
 * Task lookups beyond one row (the store port, ADR 0053): what the inbound task finder, the
 * reconciler, `/queue` and the board ask of the tasks table. Open means neither done nor cancelled.
 */
import type { Stage } from '../domain/stage.ts';
import type { Task } from '../domain/task.ts';

/** One row of a reconciler scan page (core/reconciler/reconcile-candidates.ts). */
export interface CandidateRow {
  readonly id: string;
  readonly updatedAt: number;
  readonly blocked: boolean;
  /** A queued or running job exists for the task. */
  readonly busy: boolean;
}

export interface TaskQueries {
  /** Tasks by id, in no particular order (missing ids are left out). */
  byIds(ids: readonly string[]): Promise<Task[]>;
  /** Open, non-escalated tasks per stage. */
  stageCounts(): Promise<{ stage: string; n: number }[]>;
  /** Open escalated tasks. */
  escalatedOpen(): Promise<{ taskId: string; reason: string | null }[]>;
  /** Non-escalated tasks whose BRD awaits approval, oldest first. */
  awaitingApproval(): Promise<{ taskId: string; projectId: string }[]>;
  /** Ids of a project's open tasks not marked behind its default branch. */
  openNotBehind(projectId: string): Promise<string[]>;
  /** Projects with a non-escalated merge-queued task. */
  mergeQueuedProjects(): Promise<string[]>;
  /** Ids of the tasks of these projects whose recorded head is `sha`. */
  idsAtHead(projectIds: readonly string[], sha: string): Promise<string[]>;
  /** Ids of the non-escalated tasks of these projects waiting for CI in development. */
  idsAwaitingCi(projectIds: readonly string[]): Promise<string[]>;
  /** Up to `limit` open tasks of these projects whose head is `sha`. */
  openAtHead(projectIds: readonly string[], sha: string, limit: number): Promise<Task[]>;
  /** Up to `limit` tasks of these projects in development (escalated included). */
  inDevelopment(projectIds: readonly string[], limit: number): Promise<Task[]>;
  /** A project's tasks in these stages, by stage entry time then id. */
  inStages(projectId: string, stages: readonly Stage[]): Promise<Task[]>;
  /** A project's non-escalated done tasks, newest first. */
  recentlyDone(projectId: string, limit: number): Promise<Task[]>;
  /**
   * The next `limit` non-escalated tasks of `stage` updated at or before `cutoff`, after
   * (`afterAt`, `afterId`) in (updatedAt, id) order.
   */
  candidateScan(stage: Stage, cutoff: number, afterAt: number, afterId: string, limit: number): Promise<CandidateRow[]>;
}

/** Set-based task changes. */
export interface TaskBulkWrites {
  /** Mark these tasks of a project (each still open and not behind) behind its default branch; how many changed. */
  markBehindDefault(projectId: string, taskIds: readonly string[], now: number): Promise<number>;
}
