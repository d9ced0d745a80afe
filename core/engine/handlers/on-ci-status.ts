import type { DomainEvent } from '../../domain/events.ts';
import type { Task } from '../../domain/task.ts';
import { ciGate } from '../../gates/ci-gate.ts';
import { ciVerdict } from '../../gates/ci-verdict.ts';
import type { Draft } from '../draft.ts';
import { need } from '../facts/event-facts.ts';
import { noop, type EngineOutcome } from '../outcome.ts';
import { inMergePhase } from '../../domain/merge-phase.ts';
import { resumeMergePhase } from '../merge-moves.ts';
import { advance, onRed } from '../task-moves.ts';

type CiStatusReported = Extract<DomainEvent, { type: 'CiStatusReported' }>;

/** A CI verdict for a commit: only the task's current head in awaiting-ci counts. */
export function decideCiStatusReported(d: Draft, event: CiStatusReported): EngineOutcome {
  const task = d.facts.task;
  if (!task) return noop(`unknown task ${event.taskId}`);
  // Development's CI, or a rebased head re-tested in the merge phase (ADR 0023).
  if (task.phase !== 'awaiting-ci' || task.escalated || (task.stage !== 'development' && !inMergePhase(task))) {
    return noop(`${task.id} is not waiting for CI (${task.stage}/${task.phase})`);
  }
  if (task.headSha !== event.sha) return noop(`CI for ${event.sha.slice(0, 7)} is not ${task.id}'s head`);
  return judge(d, task, event.state, event.detail, event.actor);
}

/** Judge the stored (forge) statuses of the task's head (loaded into the facts), if any arrived already. */
export function evaluateCi(d: Draft, task: Task): EngineOutcome {
  if (!task.headSha) return noop('no head');
  const project = d.project(task);
  const ci = need(d.facts.ci, 'ci');
  if (ci.sha !== task.headSha) throw new Error(`the facts hold CI of ${ci.sha}, not of ${task.id}'s head ${task.headSha}`);
  if (ci.statuses.length === 0) return noop('no CI status yet');
  const verdict = ciVerdict(ci.statuses, project.requiredChecks);
  return judge(d, task, verdict.state, verdict.detail, 'forge');
}

function judge(d: Draft, task: Task, state: 'success' | 'failure' | 'pending', detail: string, actor: string): EngineOutcome {
  const gate = ciGate(state, detail);
  const sha = (task.headSha ?? '').slice(0, 7);
  if (gate.type === 'wait') return noop(`CI pending on ${sha}`);
  const retest = task.stage !== 'development';
  const next =
    gate.type === 'green'
      ? retest
        ? resumeMergePhase(d, task, `CI green on the rebased head ${sha}`, actor, { lastEvent: `CI green on ${sha}` })
        : advance(d, task, 'CI green', actor, `CI green on ${sha}`)
      : onRed(d, task, `CI failed on ${sha}${retest ? ' after the rebase' : ''}`, gate.mustFix ?? detail, actor, `CI red on ${sha}`);
  return d.applied(next.id);
}
