/**
 * The merge phase (design §10, ADR 0023): from entering `deploy-staging` (or the merge step after
 * the last stage) until done, rollback, cancel or escalation. The project's merge lease belongs to
 * exactly one task in it.
 */
import type { Task } from './task.ts';

/** The store name of a project's merge lease. */
export function mergeLeaseName(projectId: string): string {
  return `merge:${projectId}`;
}

/** Is `task` in its project's merge phase (and so entitled to hold or wait for the merge lease)? */
export function inMergePhase(task: Task): boolean {
  if (task.escalated || task.stage === 'done' || task.stage === 'cancelled') return false;
  if (task.stage === 'deploy-staging' || task.stage === 'deploy') return true;
  return task.phase === 'merging' || (task.phase === 'awaiting-ci' && task.stage !== 'development');
}
