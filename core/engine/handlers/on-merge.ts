import type { DomainEvent } from '../../domain/events.ts';
import { inMergePhase } from '../../domain/merge-phase.ts';
import type { Draft } from '../draft.ts';
import { noop, type EngineOutcome } from '../outcome.ts';
import { finish, onRed } from '../task-moves.ts';

type Merged = Extract<DomainEvent, { type: 'Merged' }>;
type MergeFailed = Extract<DomainEvent, { type: 'MergeFailed' }>;

/** The branch reached the default branch (merge job, or the forge's PR merged webhook). */
export function decideMerged(d: Draft, event: Merged): EngineOutcome {
  const task = d.facts.task;
  if (!task) return noop(`unknown task ${event.taskId}`);
  if (task.stage === 'done') return noop('already done');
  if (task.phase !== 'merging') return noop(`${task.id} is not merging (${task.stage}/${task.phase})`);
  return d.applied(finish(d, task, event.sha, event.actor).id);
}

/** The merge could not happen (conflict, re-test red): back to development with the reason. */
export function decideMergeFailed(d: Draft, event: MergeFailed): EngineOutcome {
  const task = d.facts.task;
  if (!task) return noop(`unknown task ${event.taskId}`);
  // The merge step, or the catch-up before staging (both in the merge phase).
  if (!inMergePhase(task) || task.phase === 'awaiting-ci') return noop(`${task.id} is not merging`);
  return d.applied(onRed(d, task, 'merge failed', event.reason, event.actor, 'merge failed').id);
}
