import type { DomainEvent } from '../../domain/events.ts';
import type { Task } from '../../domain/task.ts';
import { ciGate } from '../../gates/ci-gate.ts';
import { ciVerdict } from '../../gates/ci-verdict.ts';
import { statusesFor } from '../../store/ci-status-repo.ts';
import { getTask } from '../../store/task-repo.ts';
import type { EngineContext } from '../engine-context.ts';
import { noop, type EngineOutcome } from '../outcome.ts';
import { inMergePhase } from '../../domain/merge-phase.ts';
import { resumeMergePhase } from '../merge-moves.ts';
import { advance, onRed } from '../task-moves.ts';

type CiStatusReported = Extract<DomainEvent, { type: 'CiStatusReported' }>;

/** A CI verdict for a commit: only the task's current head in awaiting-ci counts. */
export async function onCiStatusReported(ctx: EngineContext, event: CiStatusReported): Promise<EngineOutcome> {
  const task = await getTask(ctx.tx, event.taskId);
  if (!task) return noop(`unknown task ${event.taskId}`);
  // Development's CI, or a rebased head re-tested in the merge phase (ADR 0023).
  if (task.phase !== 'awaiting-ci' || task.escalated || (task.stage !== 'development' && !inMergePhase(task))) {
    return noop(`${task.id} is not waiting for CI (${task.stage}/${task.phase})`);
  }
  if (task.headSha !== event.sha) return noop(`CI for ${event.sha.slice(0, 7)} is not ${task.id}'s head`);
  return await judge(ctx, task, event.state, event.detail, event.actor);
}

/** Judge the stored (forge) statuses of the task's head, if any arrived already. */
export async function evaluateCi(ctx: EngineContext, task: Task): Promise<EngineOutcome> {
  if (!task.headSha) return noop('no head');
  const project = ctx.project(task);
  const statuses = await statusesFor(ctx.tx, project.repo, task.headSha);
  if (statuses.length === 0) return noop('no CI status yet');
  const verdict = ciVerdict(statuses, project.requiredChecks);
  return await judge(ctx, task, verdict.state, verdict.detail, 'forge');
}

async function judge(ctx: EngineContext, task: Task, state: 'success' | 'failure' | 'pending', detail: string, actor: string): Promise<EngineOutcome> {
  const gate = ciGate(state, detail);
  const sha = (task.headSha ?? '').slice(0, 7);
  if (gate.type === 'wait') return noop(`CI pending on ${sha}`);
  const retest = task.stage !== 'development';
  const next =
    gate.type === 'green'
      ? retest
        ? await resumeMergePhase(ctx, task, `CI green on the rebased head ${sha}`, actor, { lastEvent: `CI green on ${sha}` })
        : await advance(ctx, task, 'CI green', actor, `CI green on ${sha}`)
      : await onRed(ctx, task, `CI failed on ${sha}${retest ? ' after the rebase' : ''}`, gate.mustFix ?? detail, actor, `CI red on ${sha}`);
  return { type: 'applied', taskId: next.id, transitions: ctx.transitions };
}
