import type { DomainEvent } from '../../domain/events.ts';
import type { Draft } from '../draft.ts';
import { need } from '../facts/event-facts.ts';
import { noop, type EngineOutcome } from '../outcome.ts';
import { decideBrd } from './on-approval.ts';

type TrackerStateChanged = Extract<DomainEvent, { type: 'TrackerStateChanged' }>;

/** The tracker moved an issue: approve/reject a pending BRD, or block/unblock the task. */
export function decideTrackerStateChanged(d: Draft, event: TrackerStateChanged): EngineOutcome {
  const task = d.facts.task;
  if (!task) return noop(`unknown task ${event.taskId}`);
  switch (event.group) {
    case 'approved':
    case 'rejected': {
      const approval = need(d.facts.approval, 'approval');
      if (!approval) return noop(`${task.id} has no pending approval`);
      return decideBrd(d, task, approval, event.group === 'approved' ? 'approve' : 'reject', 'tracker', event.actor, event.group === 'rejected' ? 'rejected in the tracker' : null);
    }
    case 'blocked':
      if (task.blocked) return noop('already blocked');
      d.move(task, { blocked: true, lastEvent: 'blocked in the tracker' }, 'blocked in the tracker', event.actor);
      return d.applied(task.id);
    case 'unblocked':
      if (!task.blocked) return noop('not blocked');
      d.move(task, { blocked: false, lastEvent: 'unblocked in the tracker' }, 'unblocked in the tracker', event.actor);
      return d.applied(task.id);
    default:
      return noop(`tracker state ${event.group} needs nothing`);
  }
}
