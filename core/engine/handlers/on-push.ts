import type { DomainEvent } from '../../domain/events.ts';
import { getTask } from '../../store/task-repo.ts';
import type { EngineContext } from '../engine-context.ts';
import { noop, type EngineOutcome } from '../outcome.ts';
import { evaluateCi } from './on-ci-status.ts';

type BranchPushed = Extract<DomainEvent, { type: 'BranchPushed' }>;
type DefaultBranchMoved = Extract<DomainEvent, { type: 'DefaultBranchMoved' }>;

/** The forge saw a push to `task/<ID>`: record the head; CI verdicts already stored for it count. */
export async function onBranchPushed(ctx: EngineContext, event: BranchPushed): Promise<EngineOutcome> {
  const task = await getTask(ctx.tx, event.taskId);
  if (!task) return noop(`unknown task ${event.taskId}`);
  if (task.stage === 'done' || task.stage === 'cancelled') return noop(`${task.id} is ${task.stage}`);
  if (task.headSha === event.sha) return noop('head already known');
  const next = await ctx.move(task, { headSha: event.sha, lastEvent: `pushed ${event.sha.slice(0, 7)}` }, 'branch pushed', event.actor);
  if (next.phase === 'awaiting-ci') await evaluateCi(ctx, next);
  return { type: 'applied', taskId: task.id, transitions: ctx.transitions };
}

/** The default branch moved: open tasks are now behind it (the merge will rebase). */
export async function onDefaultBranchMoved(ctx: EngineContext, event: DefaultBranchMoved): Promise<EngineOutcome> {
  const changed = await ctx.tx.write.taskBulk.markBehindDefault(event.projectId, ctx.now);
  return changed > 0 ? { type: 'applied', taskId: '', transitions: 0 } : noop('no open task');
}
