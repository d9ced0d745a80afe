/**
 * The one function that writes a {@link Decision} (ADR 0056), effect by effect in order, on the
 * event's transaction. Every task move is checked against the transition table (a refused move is
 * a programming error and throws), bumps the version, logs the transition — the event's key on
 * the event's first one, so a replay is recognised — and queues the card.
 *
 * A decision rests on facts read earlier in the same transaction. On SQLite transactions are
 * serialised, so nothing changes them meanwhile. Under PostgreSQL's READ COMMITTED a concurrent
 * transaction may commit in between: where a fact matters (the task's version, an approval still
 * pending, a roll-back not claimed or still running, tasks not yet behind), the write re-checks it
 * and, if it changed, throws {@link RetryableError}; the store's `transaction` runs the whole unit
 * again, which loads fresh facts and decides again.
 */
import { RetryableError } from '../errors.ts';
import type { DomainEvent } from '../domain/events.ts';
import type { JobQueue } from '../queue/job-queue.ts';
import { decideApproval, insertApproval } from '../store/approval-repo.ts';
import type { Tx } from '../store/store.ts';
import { recordDeployImage } from '../store/deploy-image-repo.ts';
import { saveDeployState } from '../store/deploy-state-repo.ts';
import { mergeWaiters, releaseMergeLease, renewMergeLease, takeMergeLease } from '../store/merge-lease.ts';
import { addOutbox } from '../store/outbox-repo.ts';
import { advanceRollback, claimRollback } from '../store/rollback-repo.ts';
import { getTask, insertTask, updateTask } from '../store/task-repo.ts';
import { appendTransition } from '../store/transition-log.ts';
import type { Decision, Effect } from './decision.ts';
import { markBehindDefault } from './handlers/on-push.ts';
import { wakeMergeWaiters } from './merge-moves.ts';
import { isAllowedMove } from './transition-table.ts';

export interface ApplyContext {
  readonly queue: JobQueue;
  readonly event: DomainEvent;
  readonly now: number;
}

export async function applyDecision(tx: Tx, decision: Decision, ctx: ApplyContext): Promise<void> {
  let keyUsed = false;
  const takeKey = (): string | null => {
    if (keyUsed) return null;
    keyUsed = true;
    return ctx.event.key;
  };
  for (const effect of decision.effects) await applyEffect(tx, effect, ctx, takeKey);
}

async function applyEffect(tx: Tx, effect: Effect, ctx: ApplyContext, takeKey: () => string | null): Promise<void> {
  const { now } = ctx;
  switch (effect.type) {
    case 'create-task': {
      const { task } = effect;
      if (await getTask(tx, task.id)) throw new RetryableError(`task ${task.id} was created meanwhile`);
      await insertTask(tx, task);
      await appendTransition(tx, {
        taskId: task.id,
        fromStage: null,
        fromPhase: null,
        toStage: task.stage,
        toPhase: task.phase,
        reason: 'task requested',
        actor: effect.actor,
        eventKey: takeKey(),
        at: now,
      });
      await addOutbox(tx, 'card', task.id, {}, now);
      return;
    }
    case 'move': {
      const { task, patch } = effect;
      const toStage = patch.stage ?? task.stage;
      const toPhase = patch.phase ?? task.phase;
      if (!isAllowedMove(task.stage, toStage)) throw new Error(`transition table forbids ${task.stage} → ${toStage} for ${task.id}`);
      const stored = await getTask(tx, task.id);
      if (stored?.version !== task.version)
        throw new RetryableError(`task ${task.id} changed while deciding (version ${task.version}, now ${stored?.version ?? 'gone'})`);
      await updateTask(tx, task, patch, now);
      await appendTransition(tx, {
        taskId: task.id,
        fromStage: task.stage,
        fromPhase: task.phase,
        toStage,
        toPhase,
        reason: effect.reason,
        actor: effect.actor,
        eventKey: takeKey(),
        at: now,
      });
      await addOutbox(tx, 'card', task.id, {}, now);
      return;
    }
    case 'enqueue':
      await ctx.queue.enqueueInTx(tx, effect.job, now);
      return;
    case 'cancel-queued-jobs':
      await ctx.queue.cancelQueuedForTaskInTx(tx, effect.taskId, now);
      return;
    case 'outbox':
      await addOutbox(tx, effect.kind, effect.taskId, effect.payload, now);
      return;
    case 'insert-approval':
      await insertApproval(tx, { ...effect.approval, state: 'pending', createdAt: now });
      return;
    case 'decide-approval':
      if (!(await decideApproval(tx, effect.approvalId, effect.state, effect.by, effect.byName, effect.reason, now)))
        throw new RetryableError(`approval ${effect.approvalId} was decided meanwhile`);
      return;
    case 'take-merge-lease':
      await takeMergeLease(tx, effect.task, now, effect.ttlMs);
      return;
    case 'renew-merge-lease':
      await renewMergeLease(tx, effect.task, now, effect.ttlMs);
      return;
    case 'release-merge-lease': {
      const { task } = effect;
      if (!(await releaseMergeLease(tx, task))) return;
      const waiting = (await mergeWaiters(tx, task.projectId)).filter((t) => t.id !== task.id).map((t) => t.id);
      await wakeMergeWaiters(tx, waiting, now);
      return;
    }
    case 'save-deploy-state':
      await saveDeployState(tx, effect.state, now);
      return;
    case 'claim-rollback':
      if (!(await claimRollback(tx, { ...effect.claim, now })))
        throw new RetryableError(`the roll-back of ${effect.claim.taskId} was claimed meanwhile`);
      return;
    case 'end-rollback':
      if (!(await advanceRollback(tx, effect.rollbackId, effect.from, effect.to, effect.outcome)))
        throw new RetryableError(`roll-back ${effect.rollbackId} left ${effect.from} meanwhile`);
      return;
    case 'record-deploy-image':
      await recordDeployImage(tx, effect.record);
      return;
    case 'mark-behind-default':
      if ((await markBehindDefault(tx, effect.projectId, effect.taskIds, now)) !== effect.taskIds.length)
        throw new RetryableError(`open tasks of ${effect.projectId} changed while deciding`);
      return;
  }
}
