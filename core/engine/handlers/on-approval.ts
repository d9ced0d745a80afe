import type { DomainEvent } from '../../domain/events.ts';
import { escapeHtml } from '../../escape-html.ts';
import { actorName } from '../actor-name.ts';
import type { Task } from '../../domain/task.ts';
import type { ApprovalRow } from '../../store/approval-repo.ts';
import type { Draft } from '../draft.ts';
import { need } from '../facts/event-facts.ts';
import { noop, type EngineOutcome } from '../outcome.ts';
import { startStage, trackerComment } from '../task-moves.ts';
import { decideDeployDecided } from './on-deploy-approval.ts';

type ApprovalDecided = Extract<DomainEvent, { type: 'ApprovalDecided' }>;

/**
 * A person decided on a BRD. Decided once: a second decision answers who decided first.
 * The bot checks approvers before it sends this event; the engine checks again (defence in depth).
 */
export function decideApprovalDecided(d: Draft, event: ApprovalDecided): EngineOutcome {
  const approval = need(d.facts.approval, 'approval');
  if (!approval || approval.taskId !== event.taskId) return { type: 'rejected', reason: 'unknown approval' };
  const task = d.facts.task;
  if (!task) return { type: 'rejected', reason: 'unknown task' };
  if (approval.gate === 'deploy') return decideDeployDecided(d, task, approval, event);
  if (!isApprover(d, task, event.actor)) return { type: 'rejected', reason: `${event.actor} may not decide for ${task.projectId}` };
  return decideBrd(d, task, approval, event.decision, event.actor, actorName(event.actor), event.reason ?? null);
}

/** Apply a decision on a BRD (from the chat, or from the tracker's Approved/Rejected state). */
export function decideBrd(
  d: Draft,
  task: Task,
  approval: ApprovalRow,
  decision: 'approve' | 'reject',
  actor: string,
  name: string,
  reason: string | null,
): EngineOutcome {
  if (approval.state !== 'pending') {
    return { type: 'already-decided', by: approval.decidedByName ?? approval.decidedBy ?? '?', at: approval.decidedAt ?? 0, state: approval.state };
  }
  if (task.stage !== 'analysis' || task.phase !== 'awaiting-approval') return noop(`${task.id} is not awaiting approval`);
  const state = decision === 'approve' ? 'approved' : 'rejected';
  d.add({ type: 'decide-approval', approvalId: approval.id, state, by: actor, byName: name, reason });
  d.outbox('approval-decided', task.id, { approvalId: approval.id });
  trackerComment(d, task, `conveyor-brd-${approval.id}`, `<p>BRD ${state} by ${escapeHtml(name)}${reason ? `: ${escapeHtml(reason)}` : ''}</p>`);
  const next =
    decision === 'approve'
      ? startStage(d, task, 'development', `BRD approved by ${name}`, actor, { lastEvent: `BRD approved by ${name}`, notes: null })
      : startStage(d, task, 'analysis', `BRD rejected by ${name}`, actor, {
          lastEvent: `BRD rejected by ${name}`,
          notes: reason ?? 'rejected without a reason',
        });
  return d.applied(next.id);
}

function isApprover(d: Draft, task: Task, actor: string): boolean {
  const match = /^telegram:(\d+)/.exec(actor);
  if (!match) return actor === 'tracker' || actor.startsWith('system');
  return d.project(task).approvers.includes(Number(match[1]));
}
