import type { DomainEvent } from '../../domain/events.ts';
import { getTask } from '../../store/task-repo.ts';
import type { EngineContext } from '../engine-context.ts';
import { noop, type EngineOutcome } from '../outcome.ts';
import { decide, pendingBrdApproval } from './on-approval.ts';

type TrackerStateChanged = Extract<DomainEvent, { type: 'TrackerStateChanged' }>;

/** The tracker moved an issue: approve/reject a pending BRD, or block/unblock the task. */
export async function onTrackerStateChanged(ctx: EngineContext, event: TrackerStateChanged): Promise<EngineOutcome> {
  const task = await getTask(ctx.tx, event.taskId);
  if (!task) return noop(`unknown task ${event.taskId}`);
  switch (event.group) {
    case 'approved':
    case 'rejected': {
      const approval = await pendingBrdApproval(ctx, task.id);
      if (!approval) return noop(`${task.id} has no pending approval`);
      return await decide(ctx, task, approval, event.group === 'approved' ? 'approve' : 'reject', 'tracker', event.actor, event.group === 'rejected' ? 'rejected in the tracker' : null);
    }
    case 'blocked':
      if (task.blocked) return noop('already blocked');
      await ctx.move(task, { blocked: true, lastEvent: 'blocked in the tracker' }, 'blocked in the tracker', event.actor);
      return { type: 'applied', taskId: task.id, transitions: ctx.transitions };
    case 'unblocked':
      if (!task.blocked) return noop('not blocked');
      await ctx.move(task, { blocked: false, lastEvent: 'unblocked in the tracker' }, 'unblocked in the tracker', event.actor);
      return { type: 'applied', taskId: task.id, transitions: ctx.transitions };
    default:
      return noop(`tracker state ${event.group} needs nothing`);
  }
}
