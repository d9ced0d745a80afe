/**
 * The moves every decider composes: start a stage's agent, advance past a green gate, roll back
 * on red (capped, then escalate), escalate, finish. Each records effects on the draft and returns
 * the task as they leave it.
 */
import { nextStage, STAGE_SPECS, type WorkStage } from '../domain/stage.ts';
import type { Task } from '../domain/task.ts';
import type { TaskPatch } from '../store/task-repo.ts';
import type { Draft } from './draft.ts';
import { requestDeployApproval } from './deploy-moves.ts';
import { leaveMergePhase, startMerge, startStaging } from './merge-moves.ts';
import { STAGE_RULES } from './transition-table.ts';

/** Enter (or re-run) `stage` and enqueue its agent's next attempt. */
export function startStage(
  d: Draft,
  task: Task,
  stage: WorkStage,
  reason: string,
  actor: string,
  extra: TaskPatch & { lastEvent: string },
): Task {
  const role = STAGE_SPECS[stage].role;
  if (!role) throw new Error(`stage ${stage} has no agent`);
  const attempt = (task.attempts[role] ?? 0) + 1;
  d.enqueue({
    kind: 'agent',
    taskId: task.id,
    payload: { role, attempt, stage },
    idempotencyKey: `${task.id}:agent:${role}:${attempt}`,
  });
  if (stage === 'development' && task.stage === 'analysis') trackerMove(d, task, 'started');
  return d.move(task, { ...extra, stage, phase: 'working', attempts: { ...task.attempts, [role]: attempt } }, reason, actor);
}

/**
 * Leave the current stage on green: the next enabled stage, or the merge after the last one.
 * `deploy-staging` and the merge step are the merge phase: entering it takes the merge lease.
 */
export function advance(d: Draft, task: Task, reason: string, actor: string, lastEvent: string): Task {
  const project = d.project(task);
  const stage = task.stage as WorkStage;
  const next = nextStage(project.stages, stage);
  if (next === 'deploy-staging') return startStaging(d, task, reason, actor, { lastEvent });
  if (next === 'deploy') return requestDeployApproval(d, task, reason, actor, lastEvent);
  if (next) return startStage(d, task, next, reason, actor, { lastEvent });
  return startMerge(d, task, `${reason}; merging`, actor, { lastEvent });
}

/**
 * A red gate. In development and analysis the stage re-runs; later stages roll back to
 * development with the must-fix text. Both count against ORCH_MAX_DEVELOPER_RETRIES: the red gate
 * that would exceed it escalates instead.
 */
export function onRed(d: Draft, task: Task, reason: string, mustFix: string | undefined, actor: string, lastEvent: string): Task {
  const stage = task.stage as WorkStage;
  const rule = STAGE_RULES[stage];
  if (task.rollbacks >= d.rules.maxDeveloperRetries) {
    return escalate(d, task, `${reason} (${task.rollbacks + 1}×, cap ${d.rules.maxDeveloperRetries})`, actor, lastEvent);
  }
  const target: WorkStage = rule?.onRed === 'rerun-stage' ? stage : 'development';
  return startStage(d, task, target, `red: ${reason}`, actor, {
    ...leaveMergePhase(d, task),
    lastEvent,
    rollbacks: task.rollbacks + 1,
    ...(target === 'development' ? { mustFix: mustFix ?? reason } : {}),
  });
}

/** Park the task for a person: no more agent runs, one notifying message, the card shows why. */
export function escalate(d: Draft, task: Task, reason: string, actor: string, lastEvent: string): Task {
  d.add({ type: 'cancel-queued-jobs', taskId: task.id });
  d.outbox('escalation', task.id, { reason });
  return d.move(task, { ...leaveMergePhase(d, task), escalated: true, escalationReason: reason, lastEvent }, `escalated: ${reason}`, actor);
}

/** Delivered: done, worktree cleanup, tracker completed. */
export function finish(d: Draft, task: Task, sha: string, actor: string): Task {
  d.enqueue({ kind: 'cleanup', taskId: task.id, payload: {}, idempotencyKey: `${task.id}:cleanup` });
  trackerMove(d, task, 'completed');
  return d.move(task, { ...leaveMergePhase(d, task), stage: 'done', phase: 'idle', headSha: sha, lastEvent: `merged ${sha.slice(0, 7)}` }, 'merged', actor);
}

/** Tell the tracker (for tasks that came from it). */
export function trackerMove(d: Draft, task: Task, group: 'started' | 'completed'): void {
  if (!d.rules.trackerEnabled || !task.externalId) return;
  d.enqueue({
    kind: 'tracker',
    taskId: task.id,
    payload: { action: 'move', group },
    idempotencyKey: `${task.id}:tracker:move:${group}:${task.rollbacks}`,
    maxAttempts: 8,
  });
}

/** Post a tracker comment (idempotent by its external id). */
export function trackerComment(d: Draft, task: Task, externalId: string, html: string): void {
  if (!d.rules.trackerEnabled || !task.externalId) return;
  d.enqueue({
    kind: 'tracker',
    taskId: task.id,
    payload: { action: 'comment', externalId, html },
    idempotencyKey: `${task.id}:tracker:comment:${externalId}`,
    maxAttempts: 8,
  });
}
