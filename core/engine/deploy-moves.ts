/**
 * Moves of the production `deploy` stage (design §10, ADR 0032): entering it starts a new deploy
 * pass (the next attempt, every marker cleared) and asks the deploy approvers in the chat; an
 * approval enqueues the deploy job for that attempt. The task keeps its project's merge lease the
 * whole time: nothing else merges between the validated image and its deploy.
 */
import { beginDeployPass, clearAfterFailure, recordApprovalRequested } from '../deploy/deploy-state.ts';
import type { Task } from '../domain/task.ts';
import { insertApproval } from '../store/approval-repo.ts';
import type { TaskPatch } from '../store/task-repo.ts';
import { loadDeployState, saveDeployState } from '../store/deploy-state-repo.ts';
import { takeMergeLease } from '../store/merge-lease.ts';
import type { EngineContext } from './engine-context.ts';

/** A person may take a while to press ✅ Deploy: the lease lives this long without renewal meanwhile. */
export const DEPLOY_APPROVAL_LEASE_MS = 7 * 24 * 60 * 60_000;

/** Enter `deploy`: a new deploy pass and a production approval request (round = attempt). */
export async function requestDeployApproval(ctx: EngineContext, task: Task, reason: string, actor: string, lastEvent: string, extra: TaskPatch = {}): Promise<Task> {
  const pass = beginDeployPass(await loadDeployState(ctx.tx, task.id), task.id, task.stagingRevision ?? task.headSha ?? '');
  const approvalId = ctx.deps.newId();
  await insertApproval(ctx.tx, { id: approvalId, taskId: task.id, gate: 'deploy', round: pass.attempt, state: 'pending', summary: '', createdAt: ctx.now });
  const requested = recordApprovalRequested(pass, pass.attempt, approvalId);
  await saveDeployState(ctx.tx, requested.type === 'ok' ? requested.state : pass, ctx.now);
  await takeMergeLease(ctx.tx, task, ctx.now, DEPLOY_APPROVAL_LEASE_MS);
  await ctx.outbox('approval-request', task.id, { approvalId });
  return await ctx.move(
    task,
    { ...extra, stage: 'deploy', phase: 'awaiting-approval', mergeQueuedAt: task.mergeQueuedAt ?? ctx.now, lastEvent },
    `${reason}; production approval requested (deploy attempt ${pass.attempt})`,
    actor,
  );
}

/** Run the approved deploy attempt: one deploy job. */
export async function startDeployJob(ctx: EngineContext, task: Task, attempt: number, reason: string, actor: string, lastEvent: string): Promise<Task> {
  await takeMergeLease(ctx.tx, task, ctx.now);
  await ctx.enqueue({
    kind: 'deploy',
    taskId: task.id,
    payload: { attempt },
    idempotencyKey: `${task.id}:deploy:${attempt}`,
    maxAttempts: 3,
  });
  return await ctx.move(task, { phase: 'working', lastEvent }, reason, actor);
}

/** A failed or rejected deploy drops every marker of its attempt (ORCH-036: a re-deploy starts clean). */
export async function clearDeployMarkers(ctx: EngineContext, taskId: string): Promise<void> {
  const state = await loadDeployState(ctx.tx, taskId);
  if (state) await saveDeployState(ctx.tx, clearAfterFailure(state), ctx.now);
}
