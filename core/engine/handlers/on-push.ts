import type { DomainEvent } from '../../domain/events.ts';
import type { Reader, Tx } from '../../store/store.ts';
import type { Draft } from '../draft.ts';
import { need } from '../facts/event-facts.ts';
import { noop, type EngineOutcome } from '../outcome.ts';
import { evaluateCi } from './on-ci-status.ts';

type BranchPushed = Extract<DomainEvent, { type: 'BranchPushed' }>;
type DefaultBranchMoved = Extract<DomainEvent, { type: 'DefaultBranchMoved' }>;

/** The forge saw a push to `task/<ID>`: record the head; CI verdicts already stored for it count. */
export function decideBranchPushed(d: Draft, event: BranchPushed): EngineOutcome {
  const task = d.facts.task;
  if (!task) return noop(`unknown task ${event.taskId}`);
  if (task.stage === 'done' || task.stage === 'cancelled') return noop(`${task.id} is ${task.stage}`);
  if (task.headSha === event.sha) return noop('head already known');
  const next = d.move(task, { headSha: event.sha, lastEvent: `pushed ${event.sha.slice(0, 7)}` }, 'branch pushed', event.actor);
  if (next.phase === 'awaiting-ci') evaluateCi(d, next);
  return d.applied(task.id);
}

/** The default branch moved: open tasks are now behind it (the merge will rebase). */
export function decideDefaultBranchMoved(d: Draft, event: DefaultBranchMoved): EngineOutcome {
  const taskIds = need(d.facts.notBehind, 'notBehind');
  if (taskIds.length === 0) return noop('no open task');
  d.add({ type: 'mark-behind-default', projectId: event.projectId, taskIds });
  return { type: 'applied', taskId: '', transitions: 0 };
}

/** The project's open tasks not yet marked behind its default branch (a fact). */
export async function openTasksNotBehind(reader: Reader, projectId: string): Promise<string[]> {
  return await reader.read.taskQueries.openNotBehind(projectId);
}

/** Mark these tasks behind (each still open and not behind); returns how many changed. */
export async function markBehindDefault(tx: Tx, projectId: string, taskIds: readonly string[], now: number): Promise<number> {
  if (taskIds.length === 0) return 0;
  return await tx.write.taskBulk.markBehindDefault(projectId, taskIds, now);
}
