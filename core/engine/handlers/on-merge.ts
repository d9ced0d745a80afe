import type { DomainEvent } from '../../domain/events.ts';
import { inMergePhase } from '../../domain/merge-phase.ts';
import { getTask } from '../../store/task-repo.ts';
import type { EngineContext } from '../engine-context.ts';
import { noop, type EngineOutcome } from '../outcome.ts';
import { finish, onRed } from '../task-moves.ts';

type Merged = Extract<DomainEvent, { type: 'Merged' }>;
type MergeFailed = Extract<DomainEvent, { type: 'MergeFailed' }>;

/** The branch reached the default branch (merge job, or the forge's PR merged webhook). */
export async function onMerged(ctx: EngineContext, event: Merged): Promise<EngineOutcome> {
  const task = await getTask(ctx.tx, event.taskId);
  if (!task) return noop(`unknown task ${event.taskId}`);
  if (task.stage === 'done') return noop('already done');
  if (task.phase !== 'merging') return noop(`${task.id} is not merging (${task.stage}/${task.phase})`);
  return { type: 'applied', taskId: (await finish(ctx, task, event.sha, event.actor)).id, transitions: ctx.transitions };
}

/** The merge could not happen (conflict, re-test red): back to development with the reason. */
export async function onMergeFailed(ctx: EngineContext, event: MergeFailed): Promise<EngineOutcome> {
  const task = await getTask(ctx.tx, event.taskId);
  if (!task) return noop(`unknown task ${event.taskId}`);
  // The merge step, or the catch-up before staging (both in the merge phase).
  if (!inMergePhase(task) || task.phase === 'awaiting-ci') return noop(`${task.id} is not merging`);
  return { type: 'applied', taskId: (await onRed(ctx, task, 'merge failed', event.reason, event.actor, 'merge failed')).id, transitions: ctx.transitions };
}
