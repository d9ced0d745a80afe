/**
 * The one-tap roll-back in the engine (design §10, ADR 0034). Confirmed: the roll-back is claimed
 * once (an `approvals` row of gate `rollback`) and its job enqueued in the same transaction, and the
 * transition log names who asked; a second confirm changes nothing and says who was first. Finished:
 * the image history gets a `rolled-back` row only when production is back on the earlier image and
 * healthy; every outcome is logged, shown on the card, posted once in the chat (notifying) and
 * commented on the tracker. The task stays done.
 */
import { mayRollBack } from '../../deploy/deploy-approvers.ts';
import { rollbackOffer } from '../../deploy/rollback-offer.ts';
import type { DomainEvent } from '../../domain/events.ts';
import { escapeHtml } from '../../escape-html.ts';
import { recordDeployImage } from '../../store/deploy-image-repo.ts';
import { advanceRollback, claimRollback, rollbackById, rollbackOf } from '../../store/rollback-repo.ts';
import { getTask } from '../../store/task-repo.ts';
import { actorName } from '../actor-name.ts';
import type { EngineContext } from '../engine-context.ts';
import { noop, type EngineOutcome } from '../outcome.ts';
import { trackerComment } from '../task-moves.ts';

type RollbackRequested = Extract<DomainEvent, { type: 'RollbackRequested' }>;
type RollbackFinished = Extract<DomainEvent, { type: 'RollbackFinished' }>;

export async function onRollbackRequested(ctx: EngineContext, event: RollbackRequested): Promise<EngineOutcome> {
  const task = await getTask(ctx.tx, event.taskId);
  if (!task) return noop(`unknown task ${event.taskId}`);
  const deploy = ctx.project(task).deploy;
  const user = /^telegram:(\d+)/.exec(event.actor);
  if (!deploy || !user || !mayRollBack(deploy, Number(user[1])))
    return { type: 'rejected', reason: `${event.actor} may not roll back ${task.projectId}` };
  if (deploy.self)
    return { type: 'rejected', reason: `${task.projectId} deploys Conveyor itself: roll back with its hook by hand (ADR 0034)` };
  const earlier = await rollbackOf(ctx.tx, task.id);
  if (earlier) return { type: 'already-decided', by: earlier.byName, at: earlier.at, state: earlier.state };
  const offer = await rollbackOffer(ctx.tx, deploy, task);
  if (offer.type === 'ran') return { type: 'already-decided', by: offer.rollback.byName, at: offer.rollback.at, state: offer.rollback.state };
  if (offer.type === 'none') return { type: 'rejected', reason: offer.reason };
  const name = actorName(event.actor);
  if (!await claimRollback(ctx.tx, { id: event.rollbackId, taskId: task.id, by: event.actor, byName: name, targetRef: offer.target.ref, now: ctx.now }))
    return noop(`the roll-back of ${task.id} was claimed meanwhile`);
  await ctx.enqueue({
    kind: 'rollback',
    taskId: task.id,
    payload: { rollbackId: event.rollbackId },
    idempotencyKey: `${task.id}:rollback`,
    maxAttempts: 3,
  });
  const moved = await ctx.move(
    task,
    { lastEvent: `roll-back to ${offer.target.ref} requested by ${name}` },
    `roll-back of production from ${offer.current.ref} to ${offer.target.ref} confirmed by ${name}`,
    event.actor,
  );
  return { type: 'applied', taskId: moved.id, transitions: ctx.transitions };
}

export async function onRollbackFinished(ctx: EngineContext, event: RollbackFinished): Promise<EngineOutcome> {
  const task = await getTask(ctx.tx, event.taskId);
  const rollback = await rollbackById(ctx.tx, event.rollbackId);
  if (!task || !rollback) return noop(`unknown roll-back ${event.rollbackId} of ${event.taskId}`);
  const f = event.facts;
  const reason = f.reason ?? '';
  const outcome = f.outcome === 'rolled-back' ? f.targetRef : reason;
  // From `requested` too: a roll-back that failed before its hook started (no checkout) ends here as well.
  const ended = await advanceRollback(ctx.tx, rollback.id, 'hook-started', f.outcome, outcome) || await advanceRollback(ctx.tx, rollback.id, 'requested', f.outcome, outcome);
  if (!ended)
    return noop(`the roll-back of ${task.id} has ended already (${rollback.state})`);
  if (f.outcome === 'rolled-back')
    await recordDeployImage(ctx.tx, {
      projectId: task.projectId,
      imageId: f.imageId,
      ref: f.targetRef,
      sha: f.sha,
      taskId: task.id,
      deployedAt: ctx.now,
      outcome: 'rolled-back',
    });
  const who = rollback.byName;
  const text = outcomeText(task.id, who, f);
  await ctx.outbox('notice', task.id, { text, notify: true });
  await trackerComment(ctx, task, `conveyor-rollback-${f.outcome}`, `<p>${escapeHtml(text)}</p>`);
  const moved = await ctx.move(task, { lastEvent: lastEventOf(f) }, `roll-back ${f.outcome}: ${f.outcome === 'rolled-back' ? `production runs ${f.targetRef}` : reason}`, 'rollback');
  return { type: 'applied', taskId: moved.id, transitions: ctx.transitions };
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
