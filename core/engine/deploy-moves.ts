/**
 * Moves of the production `deploy` stage (design §10, ADR 0032): entering it starts a new deploy
 * pass (the next attempt, every marker cleared) and asks the deploy approvers in the chat; an
 * approval enqueues the deploy job for that attempt. The task keeps its project's merge lease the
 * whole time: nothing else merges between the validated image and its deploy.
 */
import { beginDeployPass, clearAfterFailure, recordApprovalRequested } from '../deploy/deploy-state.ts';
import type { Task } from '../domain/task.ts';
import type { TaskPatch } from '../store/task-repo.ts';
import type { Draft } from './draft.ts';

/** A person may take a while to press ✅ Deploy: the lease lives this long without renewal meanwhile. */
export const DEPLOY_APPROVAL_LEASE_MS = 7 * 24 * 60 * 60_000;

/** Enter `deploy`: a new deploy pass and a production approval request (round = attempt). */
export function requestDeployApproval(d: Draft, task: Task, reason: string, actor: string, lastEvent: string, extra: TaskPatch = {}): Task {
  const pass = beginDeployPass(d.deployState(), task.id, task.stagingRevision ?? task.headSha ?? '');
  const approvalId = d.newId();
  d.add({ type: 'insert-approval', approval: { id: approvalId, taskId: task.id, gate: 'deploy', round: pass.attempt, summary: '' } });
  const requested = recordApprovalRequested(pass, pass.attempt, approvalId);
  d.saveDeployState(requested.type === 'ok' ? requested.state : pass);
  d.add({ type: 'take-merge-lease', task, ttlMs: DEPLOY_APPROVAL_LEASE_MS });
  d.outbox('approval-request', task.id, { approvalId });
  return d.move(
    task,
    { ...extra, stage: 'deploy', phase: 'awaiting-approval', mergeQueuedAt: task.mergeQueuedAt ?? d.now, lastEvent },
    `${reason}; production approval requested (deploy attempt ${pass.attempt})`,
    actor,
  );
}

/** Run the approved deploy attempt: one deploy job. */
export function startDeployJob(d: Draft, task: Task, attempt: number, reason: string, actor: string, lastEvent: string): Task {
  d.add({ type: 'take-merge-lease', task });
  d.enqueue({
    kind: 'deploy',
    taskId: task.id,
    payload: { attempt },
    idempotencyKey: `${task.id}:deploy:${attempt}`,
    maxAttempts: 3,
  });
  return d.move(task, { phase: 'working', lastEvent }, reason, actor);
}

/** A failed or rejected deploy drops every marker of its attempt (ORCH-036: a re-deploy starts clean). */
export function clearDeployMarkers(d: Draft): void {
  const state = d.deployState();
  if (state) d.saveDeployState(clearAfterFailure(state));
}
