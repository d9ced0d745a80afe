import type { DomainEvent } from '../../domain/events.ts';
import { escapeHtml } from '../../escape-html.ts';
import { actorName } from '../actor-name.ts';
import type { Task } from '../../domain/task.ts';
import { decideApproval, getApproval, pendingApproval, type ApprovalRow } from '../../store/approval-repo.ts';
import { getTask } from '../../store/task-repo.ts';
import type { EngineContext } from '../engine-context.ts';
import { noop, type EngineOutcome } from '../outcome.ts';
import { startStage, trackerComment } from '../task-moves.ts';
import { onDeployDecided } from './on-deploy-approval.ts';

type ApprovalDecided = Extract<DomainEvent, { type: 'ApprovalDecided' }>;

/**
 * A person decided on a BRD. Decided once: a second decision answers who decided first.
 * The bot checks approvers before it sends this event; the engine checks again (defence in depth).
 */
export async function onApprovalDecided(ctx: EngineContext, event: ApprovalDecided): Promise<EngineOutcome> {
  const approval = await getApproval(ctx.tx, event.approvalId);
  if (!approval || approval.taskId !== event.taskId) return { type: 'rejected', reason: 'unknown approval' };
  const task = await getTask(ctx.tx, approval.taskId);
  if (!task) return { type: 'rejected', reason: 'unknown task' };
  if (approval.gate === 'deploy') return await onDeployDecided(ctx, task, approval, event);
  if (!isApprover(ctx, task, event.actor)) return { type: 'rejected', reason: `${event.actor} may not decide for ${task.projectId}` };
  return await decide(ctx, task, approval, event.decision, event.actor, actorName(event.actor), event.reason ?? null);
}

/** Apply a decision (from the chat, or from the tracker's Approved/Rejected state). */
export async function decide(
  ctx: EngineContext,
  task: Task,
  approval: ApprovalRow,
  decision: 'approve' | 'reject',
  actor: string,
  name: string,
  reason: string | null,
): Promise<EngineOutcome> {
  if (approval.state !== 'pending') {
    return { type: 'already-decided', by: approval.decidedByName ?? approval.decidedBy ?? '?', at: approval.decidedAt ?? 0, state: approval.state };
  }
  if (task.stage !== 'analysis' || task.phase !== 'awaiting-approval') return noop(`${task.id} is not awaiting approval`);
  const state = decision === 'approve' ? 'approved' : 'rejected';
  if (!await decideApproval(ctx.tx, approval.id, state, actor, name, reason, ctx.now)) return noop('decided concurrently');
  await ctx.outbox('approval-decided', task.id, { approvalId: approval.id });
  await trackerComment(ctx, task, `conveyor-brd-${approval.id}`, `<p>BRD ${state} by ${escapeHtml(name)}${reason ? `: ${escapeHtml(reason)}` : ''}</p>`);
  const next =
    decision === 'approve'
      ? await startStage(ctx, task, 'development', `BRD approved by ${name}`, actor, { lastEvent: `BRD approved by ${name}`, notes: null })
      : await startStage(ctx, task, 'analysis', `BRD rejected by ${name}`, actor, {
          lastEvent: `BRD rejected by ${name}`,
          notes: reason ?? 'rejected without a reason',
        });
  return { type: 'applied', taskId: next.id, transitions: ctx.transitions };
}

/** The pending BRD approval of a task, for tracker-driven decisions. */
export async function pendingBrdApproval(ctx: EngineContext, taskId: string): Promise<ApprovalRow | null> {
  return await pendingApproval(ctx.tx, taskId, 'brd');
}

function isApprover(ctx: EngineContext, task: Task, actor: string): boolean {
  const match = /^telegram:(\d+)/.exec(actor);
  if (!match) return actor === 'tracker' || actor.startsWith('system');
  return ctx.project(task).approvers.includes(Number(match[1]));
}
