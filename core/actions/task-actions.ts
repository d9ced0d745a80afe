/**
 * What a person may do to a task, with one implementation for both shells (the bot's commands and
 * buttons, the dashboard's controls): decide an approval, retry, cancel. Each checks the person's
 * right the same way, then hands the event to the engine (which checks again). Scoping to a chat
 * is the bot's own business and happens before these are called.
 */
import type { ProjectConfig } from '../config/projects.ts';
import { deployDecisionRight } from '../deploy/deploy-approvers.ts';
import type { Task } from '../domain/task.ts';
import type { Engine } from '../engine/engine.ts';
import { requesterIdOf } from '../engine/handlers/on-deploy-approval.ts';
import type { EngineOutcome } from '../engine/outcome.ts';
import { getApproval, type ApprovalRow } from '../store/approval-repo.ts';
import type { Store } from '../store/store.ts';
import { getTask } from '../store/task-repo.ts';

export interface TaskActionDeps {
  readonly store: Store;
  readonly engine: Engine;
  readonly project: (id: string) => ProjectConfig | undefined;
}

/** The person acting: Telegram id and the engine's actor string (`telegram:<id>:<name>`). */
export interface Actor {
  readonly userId: number;
  readonly actor: string;
}

/** Why a person may not act, or what the engine said. */
export type ActionResult =
  | { readonly type: 'unknown' }
  | { readonly type: 'not-approver'; readonly projectId: string }
  | { readonly type: 'not-deploy-approver'; readonly projectId: string }
  /** Four-eyes: the person requested the task. */
  | { readonly type: 'requester'; readonly taskId: string }
  | { readonly type: 'already-decided'; readonly approval: ApprovalRow }
  | { readonly type: 'outcome'; readonly taskId: string; readonly outcome: EngineOutcome };

export type Right = Extract<ActionResult, { type: 'not-approver' | 'not-deploy-approver' | 'requester' }> | { readonly type: 'allowed' };

/** May `userId` decide `approval` of `task`? BRD: the project's approvers; deploy: deploy approvers, four-eyes. */
export function approvalRight(project: ProjectConfig, task: Task, approval: ApprovalRow, userId: number): Right {
  if (approval.gate === 'deploy') {
    const right = project.deploy ? deployDecisionRight(project.deploy, userId, requesterIdOf(task, project)) : ({ type: 'not-approver' } as const);
    if (right.type === 'allowed') return right;
    return right.type === 'requester' ? { type: 'requester', taskId: task.id } : { type: 'not-deploy-approver', projectId: project.id };
  }
  return mayAct(project, userId) ? { type: 'allowed' } : { type: 'not-approver', projectId: project.id };
}

/** Retry and cancel: the project's approvers (as /retry and /cancel). */
export function mayAct(project: ProjectConfig, userId: number): boolean {
  return project.approvers.includes(userId);
}

/** The approval, its task and project; null when any is unknown. */
export async function approvalSubject(deps: TaskActionDeps, approvalId: string): Promise<{ approval: ApprovalRow; task: Task; project: ProjectConfig } | null> {
  const approval = await getApproval(deps.store.db, approvalId);
  const task = approval ? await getTask(deps.store.db, approval.taskId) : null;
  const project = task ? deps.project(task.projectId) : undefined;
  return approval && task && project ? { approval, task, project } : null;
}

/** Approve or reject an approval; decided once (a second decision answers who decided). */
export async function decideApproval(deps: TaskActionDeps, approvalId: string, decision: 'approve' | 'reject', who: Actor, reason?: string): Promise<ActionResult> {
  const subject = await approvalSubject(deps, approvalId);
  if (!subject) return { type: 'unknown' };
  const { approval, task, project } = subject;
  const right = approvalRight(project, task, approval, who.userId);
  if (right.type !== 'allowed') return right;
  if (approval.state !== 'pending') return { type: 'already-decided', approval };
  const outcome = await deps.engine.handle({
    type: 'ApprovalDecided',
    key: `approval:${approval.id}`,
    taskId: task.id,
    approvalId: approval.id,
    decision,
    ...(reason !== undefined ? { reason } : {}),
    actor: who.actor,
  });
  return { type: 'outcome', taskId: task.id, outcome };
}

/** Run an escalated task again (`key` makes a redelivered request a no-op). */
export async function retryTask(deps: TaskActionDeps, taskId: string, who: Actor, key: string): Promise<ActionResult> {
  const target = await actionTarget(deps, taskId, who);
  if (target.type !== 'allowed') return target;
  return { type: 'outcome', taskId, outcome: await deps.engine.handle({ type: 'RetryRequested', key, taskId, actor: who.actor }) };
}

/** Stop a task for good. */
export async function cancelTask(deps: TaskActionDeps, taskId: string, who: Actor, key: string, reason: string): Promise<ActionResult> {
  const target = await actionTarget(deps, taskId, who);
  if (target.type !== 'allowed') return target;
  return { type: 'outcome', taskId, outcome: await deps.engine.handle({ type: 'TaskCancelled', key, taskId, reason, actor: who.actor }) };
}

async function actionTarget(deps: TaskActionDeps, taskId: string, who: Actor): Promise<ActionResult | { type: 'allowed' }> {
  const task = await getTask(deps.store.db, taskId);
  const project = task ? deps.project(task.projectId) : undefined;
  if (!task || !project) return { type: 'unknown' };
  return mayAct(project, who.userId) ? { type: 'allowed' } : { type: 'not-approver', projectId: project.id };
}
