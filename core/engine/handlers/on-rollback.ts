/**
 * The one-tap roll-back in the engine (design §10, ADR 0034). Confirmed: the roll-back is claimed
 * once (an `approvals` row of gate `rollback`) and its job enqueued in the same transaction, and the
 * transition log names who asked; a second confirm changes nothing and says who was first. Finished:
 * the image history gets a `rolled-back` row only when production is back on the earlier image and
 * healthy; every outcome is logged, shown on the card, posted once in the chat (notifying) and
 * commented on the tracker. The task stays done.
 */
import { mayRollBack } from '../../deploy/deploy-approvers.ts';
import type { DomainEvent } from '../../domain/events.ts';
import { escapeHtml } from '../../escape-html.ts';
import { actorName } from '../actor-name.ts';
import type { Draft } from '../draft.ts';
import { need } from '../facts/event-facts.ts';
import { noop, type EngineOutcome } from '../outcome.ts';
import { trackerComment } from '../task-moves.ts';

type RollbackRequested = Extract<DomainEvent, { type: 'RollbackRequested' }>;
type RollbackFinished = Extract<DomainEvent, { type: 'RollbackFinished' }>;

export function decideRollbackRequested(d: Draft, event: RollbackRequested): EngineOutcome {
  const task = d.facts.task;
  if (!task) return noop(`unknown task ${event.taskId}`);
  const deploy = d.project(task).deploy;
  const user = /^telegram:(\d+)/.exec(event.actor);
  if (!deploy || !user || !mayRollBack(deploy, Number(user[1])))
    return { type: 'rejected', reason: `${event.actor} may not roll back ${task.projectId}` };
  if (deploy.self)
    return { type: 'rejected', reason: `${task.projectId} deploys Conveyor itself: roll back with its hook by hand (ADR 0034)` };
  // The offer names an earlier roll-back first (decided once).
  const offer = need(d.facts.rollbackOffer, 'rollbackOffer');
  if (offer.type === 'ran') return { type: 'already-decided', by: offer.rollback.byName, at: offer.rollback.at, state: offer.rollback.state };
  if (offer.type === 'none') return { type: 'rejected', reason: offer.reason };
  const name = actorName(event.actor);
  d.add({ type: 'claim-rollback', claim: { id: event.rollbackId, taskId: task.id, by: event.actor, byName: name, targetRef: offer.target.ref } });
  d.enqueue({
    kind: 'rollback',
    taskId: task.id,
    payload: { rollbackId: event.rollbackId },
    idempotencyKey: `${task.id}:rollback`,
    maxAttempts: 3,
  });
  const moved = d.move(
    task,
    { lastEvent: `roll-back to ${offer.target.ref} requested by ${name}` },
    `roll-back of production from ${offer.current.ref} to ${offer.target.ref} confirmed by ${name}`,
    event.actor,
  );
  return d.applied(moved.id);
}

export function decideRollbackFinished(d: Draft, event: RollbackFinished): EngineOutcome {
  const task = d.facts.task;
  const rollback = need(d.facts.rollback, 'rollback');
  if (!task || !rollback) return noop(`unknown roll-back ${event.rollbackId} of ${event.taskId}`);
  const f = event.facts;
  const reason = f.reason ?? '';
  const outcome = f.outcome === 'rolled-back' ? f.targetRef : reason;
  // From `requested` too: a roll-back that failed before its hook started (no checkout) ends here as well.
  if (rollback.state !== 'hook-started' && rollback.state !== 'requested')
    return noop(`the roll-back of ${task.id} has ended already (${rollback.state})`);
  d.add({ type: 'end-rollback', rollbackId: rollback.id, from: rollback.state, to: f.outcome, outcome });
  if (f.outcome === 'rolled-back')
    d.add({ type: 'record-deploy-image', record: {
      projectId: task.projectId,
      imageId: f.imageId,
      ref: f.targetRef,
      sha: f.sha,
      taskId: task.id,
      deployedAt: d.now,
      outcome: 'rolled-back',
    } });
  const who = rollback.byName;
  const text = outcomeText(task.id, who, f);
  d.outbox('notice', task.id, { text, notify: true });
  trackerComment(d, task, `conveyor-rollback-${f.outcome}`, `<p>${escapeHtml(text)}</p>`);
  const moved = d.move(task, { lastEvent: lastEventOf(f) }, `roll-back ${f.outcome}: ${f.outcome === 'rolled-back' ? `production runs ${f.targetRef}` : reason}`, 'rollback');
  return d.applied(moved.id);
}

function outcomeText(taskId: string, who: string, f: RollbackFinished['facts']): string {
  switch (f.outcome) {
    case 'rolled-back':
      return `↩️ Rolled back ${taskId} (asked by ${who}): production runs ${f.targetRef} again and is healthy.`;
    case 'failed':
      return `⚠️ Roll-back of ${taskId} (asked by ${who}) failed: ${f.reason ?? 'the hook failed'}.`;
    case 'unknown':
      return `🆘 Roll-back of ${taskId} (asked by ${who}) left production in an unknown state: ${f.reason ?? 'unknown'}. A person must check production now.`;
  }
}

function lastEventOf(f: RollbackFinished['facts']): string {
  switch (f.outcome) {
    case 'rolled-back':
      return `rolled back to ${f.targetRef}`;
    case 'failed':
      return 'roll-back failed; production unchanged';
    case 'unknown':
      return 'roll-back: production state unknown';
  }
}
