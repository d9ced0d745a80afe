/**
 * Moves of the merge phase (design §10, ADR 0023): entering it takes the project's merge lease
 * (or queues the task behind its holder), staging and the merge step are jobs that hold it, and
 * every way out (done, rollback, cancel, escalation) releases it in the same transaction and wakes
 * the next waiter.
 */
import type { Task } from '../domain/task.ts';
import { mergeWaiters, releaseMergeLease, takeMergeLease } from '../store/merge-lease.ts';
import { makeJobsDue } from '../store/job-repo.ts';
import type { TaskPatch } from '../store/task-repo.ts';
import type { EngineContext } from './engine-context.ts';

/** Job kinds that work inside the merge phase (they wait for the lease). */
const MERGE_PHASE_KINDS = ['merge', 'staging'];

/** Take the lease if free (the job waits for it otherwise) and keep the task's place in the queue. */
async function joinMergeQueue(ctx: EngineContext, task: Task): Promise<TaskPatch> {
  await takeMergeLease(ctx.tx, task, ctx.now);
  return { mergeQueuedAt: task.mergeQueuedAt ?? ctx.now };
}

/** Join the merge queue and enqueue the one job of this merge-phase step for the current head. */
async function startMergePhaseJob(ctx: EngineContext, task: Task, kind: 'staging' | 'merge', maxAttempts: number, reason: string, actor: string, patch: TaskPatch & { lastEvent: string }): Promise<Task> {
  const queued = await joinMergeQueue(ctx, task);
  await ctx.enqueue({ kind, taskId: task.id, payload: { headSha: task.headSha }, idempotencyKey: `${task.id}:${kind}:${task.version}`, maxAttempts });
  return await ctx.move(task, { ...patch, ...queued }, reason, actor);
}

/** Run (or re-run) the staging stage: one staging job for the current head. */
export async function startStaging(ctx: EngineContext, task: Task, reason: string, actor: string, extra: TaskPatch & { lastEvent: string }): Promise<Task> {
  return await startMergePhaseJob(ctx, task, 'staging', 3, reason, actor, { ...extra, stage: 'deploy-staging', phase: 'working' });
}

/** The merge step after the last stage: one merge job. */
export async function startMerge(ctx: EngineContext, task: Task, reason: string, actor: string, extra: TaskPatch & { lastEvent: string }): Promise<Task> {
  return await startMergePhaseJob(ctx, task, 'merge', 5, reason, actor, { ...extra, phase: 'merging' });
}

/** Carry on where the merge phase stands: staging in `deploy-staging`, else the merge step. */
export async function resumeMergePhase(
  ctx: EngineContext,
  task: Task,
  reason: string,
  actor: string,
  extra: TaskPatch & { lastEvent: string },
): Promise<Task> {
  return task.stage === 'deploy-staging'
    ? await startStaging(ctx, task, reason, actor, extra)
    : await startMerge(ctx, task, reason, actor, extra);
}

/**
 * Leaving the merge phase: release the lease if `task` holds it and make the waiters' jobs due
 * now. Returns the patch that takes the task out of the queue.
 */
export async function leaveMergePhase(ctx: EngineContext, task: Task): Promise<TaskPatch> {
  if (task.mergeQueuedAt === null) return {};
  if (await releaseMergeLease(ctx.tx, task)) {
    const waiting = (await mergeWaiters(ctx.tx, task.projectId))
      .filter((t) => t.id !== task.id)
      .map((t) => t.id);
    await makeJobsDue(ctx.tx, MERGE_PHASE_KINDS, waiting, ctx.now);
  }
  return { mergeQueuedAt: null };
}
