/**
 * A decision on a production approval (design §10, ADR 0032). Only the project's deploy approvers
 * decide, and with four-eyes never the task's requester; the bot refuses them with an alert before
 * sending the event, and the engine checks again. Decided once. Approve → the deploy job of that
 * attempt; reject → back to development with the reason (the lease is released).
 */
import { deployDecisionRight, type DeployDecisionRight } from '../../deploy/deploy-approvers.ts';
import { recordApproved } from '../../deploy/deploy-state.ts';
import type { DomainEvent } from '../../domain/events.ts';
import type { ProjectConfig } from '../../config/projects.ts';
import type { Task } from '../../domain/task.ts';
import { escapeHtml } from '../../escape-html.ts';
import type { ApprovalRow } from '../../store/approval-repo.ts';
import { actorName } from '../actor-name.ts';
import { clearDeployMarkers, startDeployJob } from '../deploy-moves.ts';
import type { Draft } from '../draft.ts';
import { noop, type EngineOutcome } from '../outcome.ts';
import { onRed, trackerComment } from '../task-moves.ts';

type ApprovalDecided = Extract<DomainEvent, { type: 'ApprovalDecided' }>;

/** May `actor` (`telegram:<id>:…`) decide `task`'s deploy? Anyone not a Telegram user may not. */
export function deployRightOf(project: ProjectConfig, task: Task, actor: string): DeployDecisionRight {
  const deploy = project.deploy;
  const match = /^telegram:(\d+)/.exec(actor);
  if (!deploy || !match) return { type: 'not-approver' };
  return deployDecisionRight(deploy, Number(match[1]), requesterIdOf(task, project));
}

/**
 * The Telegram id of the task's requester, or null when unknown (ADR 0035): the /new sender, or
 * the tracker issue's creator through the project's `plane.people` map.
 */
export function requesterIdOf(task: Pick<Task, 'requestedBy'>, project: Pick<ProjectConfig, 'plane'>): number | null {
  const telegram = /^telegram:(\d+)$/.exec(task.requestedBy ?? '');
  if (telegram) return Number(telegram[1]);
  const plane = /^plane:(.+)$/.exec(task.requestedBy ?? '');
  const people = project.plane?.people;
  return plane?.[1] && people && Object.hasOwn(people, plane[1]) ? (people[plane[1]] ?? null) : null;
}

export function decideDeployDecided(d: Draft, task: Task, approval: ApprovalRow, event: ApprovalDecided): EngineOutcome {
  const right = deployRightOf(d.project(task), task, event.actor);
  if (right.type !== 'allowed')
    return { type: 'rejected', reason: right.type === 'requester' ? `${event.actor} requested ${task.id}: four-eyes` : `${event.actor} may not deploy ${task.projectId}` };
  if (approval.state !== 'pending')
    return { type: 'already-decided', by: approval.decidedByName ?? approval.decidedBy ?? '?', at: approval.decidedAt ?? 0, state: approval.state };
  if (task.stage !== 'deploy' || task.phase !== 'awaiting-approval' || task.escalated) return noop(`${task.id} is not awaiting a deploy approval`);
  const name = actorName(event.actor);
  const reason = event.reason ?? null;
  const state = event.decision === 'approve' ? 'approved' : 'rejected';
  d.add({ type: 'decide-approval', approvalId: approval.id, state, by: event.actor, byName: name, reason });
  d.outbox('approval-decided', task.id, { approvalId: approval.id });
  trackerComment(d, task, `conveyor-deploy-${approval.id}`, `<p>Production deploy ${state} by ${escapeHtml(name)}${reason ? `: ${escapeHtml(reason)}` : ''}</p>`);
  if (event.decision === 'approve') {
    const current = d.deployState();
    const marked = current ? recordApproved(current, approval.round, approval.id, event.actor) : null;
    if (!marked || marked.type !== 'ok') return noop(`deploy approval ${approval.id} belongs to an earlier deploy pass`);
    d.saveDeployState(marked.state);
    const lastEvent = `deploy approved by ${name}`;
    return d.applied(startDeployJob(d, task, approval.round, lastEvent, event.actor, lastEvent).id);
  }
  clearDeployMarkers(d);
  const why = reason ?? 'rejected without a reason';
  const next = onRed(d, task, `deploy rejected by ${name}`, `Production deploy rejected by ${name}: ${why}`, event.actor, `deploy rejected by ${name}`);
  return d.applied(next.id);
}
