/**
 * The moves every handler composes: start a stage's agent, advance past a green gate, roll back
 * on red (capped, then escalate), escalate, finish.
 */
import { nextStage, STAGE_SPECS, type WorkStage } from '../domain/stage.ts';
import type { Task } from '../domain/task.ts';
import type { TaskPatch } from '../store/task-repo.ts';
import type { EngineContext } from './engine-context.ts';
import { requestDeployApproval } from './deploy-moves.ts';
import { leaveMergePhase, startMerge, startStaging } from './merge-moves.ts';
import { STAGE_RULES } from './transition-table.ts';

/** Enter (or re-run) `stage` and enqueue its agent's next attempt. */
export async function startStage(
  ctx: EngineContext,
  task: Task,
  stage: WorkStage,
  reason: string,
  actor: string,
  extra: TaskPatch & { lastEvent: string },
): Promise<Task> {
  const role = STAGE_SPECS[stage].role;
  if (!role) throw new Error(`stage ${stage} has no agent`);
  const attempt = (task.attempts[role] ?? 0) + 1;
  await ctx.enqueue({
    kind: 'agent',
    taskId: task.id,
    payload: { role, attempt, stage },
    idempotencyKey: `${task.id}:agent:${role}:${attempt}`,
  });
  if (stage === 'development' && task.stage === 'analysis') await trackerMove(ctx, task, 'started');
  return await ctx.move(task, { ...extra, stage, phase: 'working', attempts: { ...task.attempts, [role]: attempt } }, reason, actor);
}

/**
 * Leave the current stage on green: the next enabled stage, or the merge after the last one.
 * `deploy-staging` and the merge step are the merge phase: entering it takes the merge lease.
 */
export async function advance(ctx: EngineContext, task: Task, reason: string, actor: string, lastEvent: string): Promise<Task> {
  const project = ctx.project(task);
  const stage = task.stage as WorkStage;
  const next = nextStage(project.stages, stage);
  if (next === 'deploy-staging') return await startStaging(ctx, task, reason, actor, { lastEvent });
  if (next === 'deploy') return await requestDeployApproval(ctx, task, reason, actor, lastEvent);
  if (next) return await startStage(ctx, task, next, reason, actor, { lastEvent });
  return await startMerge(ctx, task, `${reason}; merging`, actor, { lastEvent });
}

/**
 * A red gate. In development and analysis the stage re-runs; later stages roll back to
 * development with the must-fix text. Both count against ORCH_MAX_DEVELOPER_RETRIES: the red gate
 * that would exceed it escalates instead.
 */
export async function onRed(ctx: EngineContext, task: Task, reason: string, mustFix: string | undefined, actor: string, lastEvent: string): Promise<Task> {
  const stage = task.stage as WorkStage;
  const rule = STAGE_RULES[stage];
  if (task.rollbacks >= ctx.deps.maxDeveloperRetries) {
    return await escalate(ctx, task, `${reason} (${task.rollbacks + 1}×, cap ${ctx.deps.maxDeveloperRetries})`, actor, lastEvent);
  }
  const target: WorkStage = rule?.onRed === 'rerun-stage' ? stage : 'development';
  return await startStage(ctx, task, target, `red: ${reason}`, actor, {
    ...await leaveMergePhase(ctx, task),
    lastEvent,
    rollbacks: task.rollbacks + 1,
    ...(target === 'development' ? { mustFix: mustFix ?? reason } : {}),
  });
}

/** Park the task for a person: no more agent runs, one notifying message, the card shows why. */
export async function escalate(ctx: EngineContext, task: Task, reason: string, actor: string, lastEvent: string): Promise<Task> {
  await ctx.deps.queue.cancelQueuedForTaskInTx(ctx.tx, task.id, ctx.now);
  await ctx.outbox('escalation', task.id, { reason });
  return await ctx.move(task, { ...await leaveMergePhase(ctx, task), escalated: true, escalationReason: reason, lastEvent }, `escalated: ${reason}`, actor);
}

/** Delivered: done, worktree cleanup, tracker completed. */
export async function finish(ctx: EngineContext, task: Task, sha: string, actor: string): Promise<Task> {
  await ctx.enqueue({ kind: 'cleanup', taskId: task.id, payload: {}, idempotencyKey: `${task.id}:cleanup` });
  await trackerMove(ctx, task, 'completed');
  return await ctx.move(task, { ...await leaveMergePhase(ctx, task), stage: 'done', phase: 'idle', headSha: sha, lastEvent: `merged ${sha.slice(0, 7)}` }, 'merged', actor);
}

/** Tell the tracker (for tasks that came from it). */
export async function trackerMove(ctx: EngineContext, task: Task, group: 'started' | 'completed'): Promise<void> {
  if (!ctx.deps.trackerEnabled || !task.externalId) return;
  await ctx.enqueue({
    kind: 'tracker',
    taskId: task.id,
    payload: { action: 'move', group },
    idempotencyKey: `${task.id}:tracker:move:${group}:${task.rollbacks}`,
    maxAttempts: 8,
  });
}

/** Post a tracker comment (idempotent by its external id). */
export async function trackerComment(ctx: EngineContext, task: Task, externalId: string, html: string): Promise<void> {
  if (!ctx.deps.trackerEnabled || !task.externalId) return;
  await ctx.enqueue({
    kind: 'tracker',
    taskId: task.id,
    payload: { action: 'comment', externalId, html },
    idempotencyKey: `${task.id}:tracker:comment:${externalId}`,
    maxAttempts: 8,
  });
}
