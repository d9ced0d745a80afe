import type { DomainEvent } from '../../domain/events.ts';
import { STAGE_SPECS, type WorkStage } from '../../domain/stage.ts';
import { need } from '../facts/event-facts.ts';
import { actorName } from '../actor-name.ts';
import type { Draft } from '../draft.ts';
import { noop, type EngineOutcome } from '../outcome.ts';
import { leaveMergePhase, resumeMergePhase } from '../merge-moves.ts';
import { requestDeployApproval } from '../deploy-moves.ts';
import { escalate, startStage } from '../task-moves.ts';

type RetryRequested = Extract<DomainEvent, { type: 'RetryRequested' }>;
type TaskCancelled = Extract<DomainEvent, { type: 'TaskCancelled' }>;
type JobDead = Extract<DomainEvent, { type: 'JobDead' }>;
type PullRequestOpened = Extract<DomainEvent, { type: 'PullRequestOpened' }>;

/** `/retry`: reset the rollback counter, clear the escalation, and run the stage again. */
export function decideRetryRequested(d: Draft, event: RetryRequested): EngineOutcome {
  const task = d.facts.task;
  if (!task) return { type: 'rejected', reason: `unknown task ${event.taskId}` };
  if (task.stage === 'done' || task.stage === 'cancelled') return { type: 'rejected', reason: `${task.id} is ${task.stage}` };
  if (!task.escalated && need(d.facts.activeJobs, 'activeJobs') > 0) return noop(`${task.id} is already being worked on`);
  const reset = { rollbacks: 0, escalated: false, escalationReason: null, lastEvent: `retry by ${event.actor}` };
  const reason = `retry requested by ${event.actor}`;
  if (task.phase === 'merging' || task.stage === 'deploy-staging' || (task.phase === 'awaiting-ci' && task.stage !== 'development')) {
    return d.applied(resumeMergePhase(d, { ...task, ...reset }, reason, event.actor, reset).id);
  }
  // An escalated deploy is never resumed blindly: a new deploy pass asks the approvers again.
  if (task.stage === 'deploy' && task.phase === 'working') {
    return d.applied(requestDeployApproval(d, { ...task, ...reset }, reason, event.actor, reset.lastEvent, reset).id);
  }
  if (task.phase === 'awaiting-approval') {
    return d.applied(d.move(task, reset, reason, event.actor).id);
  }
  const stage: WorkStage = task.stage;
  if (!STAGE_SPECS[stage].role) return { type: 'rejected', reason: `${stage} has no agent to retry` };
  return d.applied(startStage(d, { ...task, ...reset }, stage, reason, event.actor, reset).id);
}

export function decideTaskCancelled(d: Draft, event: TaskCancelled): EngineOutcome {
  const task = d.facts.task;
  if (!task) return { type: 'rejected', reason: `unknown task ${event.taskId}` };
  if (task.stage === 'done' || task.stage === 'cancelled') return noop(`${task.id} is ${task.stage}`);
  d.add({ type: 'cancel-queued-jobs', taskId: task.id });
  // A BRD still waiting for a decision is closed with the cancellation (its buttons go away).
  const approval = need(d.facts.approval, 'approval');
  if (approval) {
    d.add({ type: 'decide-approval', approvalId: approval.id, state: 'rejected', by: event.actor, byName: actorName(event.actor), reason: event.reason });
    d.outbox('approval-decided', task.id, { approvalId: approval.id });
  }
  d.enqueue({ kind: 'cleanup', taskId: task.id, payload: {}, idempotencyKey: `${task.id}:cleanup` });
  const left = leaveMergePhase(d, task);
  return d.applied(d.move(task, { ...left, stage: 'cancelled', phase: 'idle', lastEvent: `cancelled: ${event.reason}` }, event.reason, event.actor).id);
}

/** An infrastructure job ran out of attempts: a person must look. */
export function decideJobDead(d: Draft, event: JobDead): EngineOutcome {
  const task = d.facts.task;
  if (!task) return noop(`unknown task ${event.taskId}`);
  if (task.escalated || task.stage === 'done' || task.stage === 'cancelled') return noop('nothing to escalate');
  if (event.kind === 'tracker' || event.kind === 'forge' || event.kind === 'cleanup') {
    // Side channels failing must not stop delivery; the card shows it.
    return d.applied(d.move(task, { lastEvent: `${event.kind} job failed: ${event.error.slice(0, 120)}` }, `${event.kind} job dead`, 'worker').id);
  }
  return d.applied(escalate(d, task, `${event.kind} job failed: ${event.error}`, 'worker', `${event.kind} failed`).id);
}

export function decidePullRequestOpened(d: Draft, event: PullRequestOpened): EngineOutcome {
  const task = d.facts.task;
  if (!task) return noop(`unknown task ${event.taskId}`);
  if (task.prNumber === event.number) return noop('PR already recorded');
  return d.applied(d.move(task, { prNumber: event.number, lastEvent: `PR #${event.number} opened` }, 'pull request opened', event.actor).id);
}
