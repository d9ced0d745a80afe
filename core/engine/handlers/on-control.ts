import type { DomainEvent } from '../../domain/events.ts';
import { STAGE_SPECS, type WorkStage } from '../../domain/stage.ts';
import { decideApproval, pendingApproval } from '../../store/approval-repo.ts';
import { actorName } from '../actor-name.ts';
import { getTask } from '../../store/task-repo.ts';
import type { EngineContext } from '../engine-context.ts';
import { noop, type EngineOutcome } from '../outcome.ts';
import { leaveMergePhase, resumeMergePhase } from '../merge-moves.ts';
import { requestDeployApproval } from '../deploy-moves.ts';
import { escalate, startStage } from '../task-moves.ts';

type RetryRequested = Extract<DomainEvent, { type: 'RetryRequested' }>;
type TaskCancelled = Extract<DomainEvent, { type: 'TaskCancelled' }>;
type JobDead = Extract<DomainEvent, { type: 'JobDead' }>;
type PullRequestOpened = Extract<DomainEvent, { type: 'PullRequestOpened' }>;

/** `/retry`: reset the rollback counter, clear the escalation, and run the stage again. */
export async function onRetryRequested(ctx: EngineContext, event: RetryRequested): Promise<EngineOutcome> {
  const task = await getTask(ctx.tx, event.taskId);
  if (!task) return { type: 'rejected', reason: `unknown task ${event.taskId}` };
  if (task.stage === 'done' || task.stage === 'cancelled') return { type: 'rejected', reason: `${task.id} is ${task.stage}` };
  if (!task.escalated && (await ctx.deps.queue.activeForTask(task.id, ctx.tx)).length > 0) return noop(`${task.id} is already being worked on`);
  const reset = { rollbacks: 0, escalated: false, escalationReason: null, lastEvent: `retry by ${event.actor}` };
  const reason = `retry requested by ${event.actor}`;
  if (task.phase === 'merging' || task.stage === 'deploy-staging' || (task.phase === 'awaiting-ci' && task.stage !== 'development')) {
    return applied(ctx, (await resumeMergePhase(ctx, { ...task, ...reset }, reason, event.actor, reset)).id);
  }
  // An escalated deploy is never resumed blindly: a new deploy pass asks the approvers again.
  if (task.stage === 'deploy' && task.phase === 'working') {
    return applied(ctx, (await requestDeployApproval(ctx, { ...task, ...reset }, reason, event.actor, reset.lastEvent, reset)).id);
  }
  if (task.phase === 'awaiting-approval') {
    return applied(ctx, (await ctx.move(task, reset, reason, event.actor)).id);
  }
  const stage: WorkStage = task.stage;
  if (!STAGE_SPECS[stage].role) return { type: 'rejected', reason: `${stage} has no agent to retry` };
  return applied(ctx, (await startStage(ctx, { ...task, ...reset }, stage, reason, event.actor, reset)).id);
}

export async function onTaskCancelled(ctx: EngineContext, event: TaskCancelled): Promise<EngineOutcome> {
  const task = await getTask(ctx.tx, event.taskId);
  if (!task) return { type: 'rejected', reason: `unknown task ${event.taskId}` };
  if (task.stage === 'done' || task.stage === 'cancelled') return noop(`${task.id} is ${task.stage}`);
  await ctx.deps.queue.cancelQueuedForTaskInTx(ctx.tx, task.id, ctx.now);
  // A BRD still waiting for a decision is closed with the cancellation (its buttons go away).
  const approval = await pendingApproval(ctx.tx, task.id, 'brd');
  if (approval && await decideApproval(ctx.tx, approval.id, 'rejected', event.actor, actorName(event.actor), event.reason, ctx.now)) {
    await ctx.outbox('approval-decided', task.id, { approvalId: approval.id });
  }
  await ctx.enqueue({ kind: 'cleanup', taskId: task.id, payload: {}, idempotencyKey: `${task.id}:cleanup` });
  const left = await leaveMergePhase(ctx, task);
  return applied(ctx, (await ctx.move(task, { ...left, stage: 'cancelled', phase: 'idle', lastEvent: `cancelled: ${event.reason}` }, event.reason, event.actor)).id);
}

/** An infrastructure job ran out of attempts: a person must look. */
export async function onJobDead(ctx: EngineContext, event: JobDead): Promise<EngineOutcome> {
  const task = await getTask(ctx.tx, event.taskId);
  if (!task) return noop(`unknown task ${event.taskId}`);
  if (task.escalated || task.stage === 'done' || task.stage === 'cancelled') return noop('nothing to escalate');
  if (event.kind === 'tracker' || event.kind === 'forge' || event.kind === 'cleanup') {
    // Side channels failing must not stop delivery; the card shows it.
    return applied(ctx, (await ctx.move(task, { lastEvent: `${event.kind} job failed: ${event.error.slice(0, 120)}` }, `${event.kind} job dead`, 'worker')).id);
  }
  return applied(ctx, (await escalate(ctx, task, `${event.kind} job failed: ${event.error}`, 'worker', `${event.kind} failed`)).id);
}

export async function onPullRequestOpened(ctx: EngineContext, event: PullRequestOpened): Promise<EngineOutcome> {
  const task = await getTask(ctx.tx, event.taskId);
  if (!task) return noop(`unknown task ${event.taskId}`);
  if (task.prNumber === event.number) return noop('PR already recorded');
  return applied(ctx, (await ctx.move(task, { prNumber: event.number, lastEvent: `PR #${event.number} opened` }, 'pull request opened', event.actor)).id);
}

function applied(ctx: EngineContext, taskId: string): EngineOutcome {
  return { type: 'applied', taskId, transitions: ctx.transitions };
}
