/**
 * Moves of the merge phase (design §10, ADR 0023): entering it takes the project's merge lease
 * (or queues the task behind its holder), staging and the merge step are jobs that hold it, and
 * every way out (done, rollback, cancel, escalation) releases it in the same transaction and wakes
 * the next waiter. Deciders record these as effects; {@link wakeMergeWaiters} is the applier's write.
 */
import type { Task } from '../domain/task.ts';
import { makeJobsDue } from '../store/job-repo.ts';
import type { Tx } from '../store/store.ts';
import type { TaskPatch } from '../store/task-repo.ts';
import type { Draft } from './draft.ts';

/** Job kinds that work inside the merge phase (they wait for the lease). */
const MERGE_PHASE_KINDS = ['merge', 'staging'];

/** Make the queued merge-phase jobs of `taskIds` due `now` (the lease was released). */
export async function wakeMergeWaiters(tx: Tx, taskIds: readonly string[], now: number): Promise<void> {
  await makeJobsDue(tx, MERGE_PHASE_KINDS, taskIds, now);
}

/** Take the lease if free (the job waits for it otherwise) and keep the task's place in the queue. */
function joinMergeQueue(d: Draft, task: Task): TaskPatch {
  d.add({ type: 'take-merge-lease', task });
  return { mergeQueuedAt: task.mergeQueuedAt ?? d.now };
}

/** Join the merge queue and enqueue the one job of this merge-phase step for the current head. */
function startMergePhaseJob(d: Draft, task: Task, kind: 'staging' | 'merge', maxAttempts: number, reason: string, actor: string, patch: TaskPatch & { lastEvent: string }): Task {
  const queued = joinMergeQueue(d, task);
  d.enqueue({ kind, taskId: task.id, payload: { headSha: task.headSha }, idempotencyKey: `${task.id}:${kind}:${task.version}`, maxAttempts });
  return d.move(task, { ...patch, ...queued }, reason, actor);
}

/** Run (or re-run) the staging stage: one staging job for the current head. */
export function startStaging(d: Draft, task: Task, reason: string, actor: string, extra: TaskPatch & { lastEvent: string }): Task {
  return startMergePhaseJob(d, task, 'staging', 3, reason, actor, { ...extra, stage: 'deploy-staging', phase: 'working' });
}

/** The merge step after the last stage: one merge job. */
export function startMerge(d: Draft, task: Task, reason: string, actor: string, extra: TaskPatch & { lastEvent: string }): Task {
  return startMergePhaseJob(d, task, 'merge', 5, reason, actor, { ...extra, phase: 'merging' });
}

/** Carry on where the merge phase stands: staging in `deploy-staging`, else the merge step. */
export function resumeMergePhase(d: Draft, task: Task, reason: string, actor: string, extra: TaskPatch & { lastEvent: string }): Task {
  return task.stage === 'deploy-staging' ? startStaging(d, task, reason, actor, extra) : startMerge(d, task, reason, actor, extra);
}

/**
 * Leaving the merge phase: release the lease if `task` holds it (waking the waiters). Returns the
 * patch that takes the task out of the queue.
 */
export function leaveMergePhase(d: Draft, task: Task): TaskPatch {
  if (task.mergeQueuedAt === null) return {};
  d.add({ type: 'release-merge-lease', task });
  return { mergeQueuedAt: null };
}
