/**
 * What a decider knows besides its event (ADR 0056): read from the store inside the event's unit
 * of work before deciding ({@link loadFacts}), or written by hand in a unit test. Only the fields
 * an event's decider reads are loaded; a decider that finds one missing throws (a loader bug).
 */
import type { RollbackOffer } from '../../deploy/rollback-offer.ts';
import type { DeployState } from '../../deploy/deploy-state.ts';
import type { Task } from '../../domain/task.ts';
import type { ApprovalRow } from '../../store/approval-repo.ts';
import type { CiStatusRow } from '../../store/ci-status-repo.ts';
import type { RollbackRecord } from '../../store/rollback-repo.ts';

export interface EventFacts {
  /** The time of the decision (the engine's clock, read once). */
  readonly now: number;
  /** The event's task; null when unknown (and for events that name no task). */
  readonly task: Task | null;
  /**
   * ApprovalDecided: the approval it names. TrackerStateChanged (approved/rejected) and
   * TaskCancelled: the task's pending BRD approval.
   */
  readonly approval?: ApprovalRow | null;
  /** The task's current deploy pass (events that may enter, approve or end a deploy). */
  readonly deployState?: DeployState | null;
  /** Stored forge CI statuses of commit `ciSha` (events that may judge CI out of order). */
  readonly ci?: { readonly sha: string; readonly statuses: readonly CiStatusRow[] };
  /** RetryRequested: how many jobs of the task are queued or running. */
  readonly activeJobs?: number;
  /** RollbackFinished: the roll-back it names. */
  readonly rollback?: RollbackRecord | null;
  /** RollbackRequested: whether the card offers a roll-back (ADR 0034). */
  readonly rollbackOffer?: RollbackOffer;
  /** TaskRequested: the project's task for the same tracker issue, if any. */
  readonly sameExternal?: Task | null;
  /** TaskRequested: the new task's number and the task that already holds its id, if any. */
  readonly number?: number;
  readonly clash?: Task | null;
  /** DefaultBranchMoved: the project's open tasks not yet marked behind. */
  readonly notBehind?: readonly string[];
}

/** A fact the decider needs; its absence is a loader bug. */
export function need<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`the facts lack ${name}`);
  return value;
}
