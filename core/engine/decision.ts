/**
 * What a decider returns (ADR 0056): the effects of one event, in the order they are written, and
 * the outcome the caller hears. Effects are data: {@link applyDecision} is the one function that
 * writes them, inside the event's unit of work. Deciders never touch the store.
 */
import type { DeployState } from '../deploy/deploy-state.ts';
import type { Task } from '../domain/task.ts';
import type { OutboxKind } from '../notify/outbox-message.ts';
import type { NewJob } from '../queue/job.ts';
import type { DeployImageRecord } from '../store/deploy-image-repo.ts';
import type { RollbackState } from '../store/rollback-repo.ts';
import type { TaskPatch } from '../store/task-repo.ts';
import type { EngineOutcome } from './outcome.ts';

export type Effect =
  /** Insert a new task, log its first transition (`null` → analysis) and queue its card. */
  | { readonly type: 'create-task'; readonly task: Task; readonly actor: string }
  /**
   * Change `task` (as the decider saw it) by `patch` (timestamps included): the applier checks the
   * transition table and the task's version, bumps the version, logs the transition (the event's
   * key on the event's first one) and queues the card.
   */
  | { readonly type: 'move'; readonly task: Task; readonly patch: TaskPatch; readonly reason: string; readonly actor: string }
  | { readonly type: 'enqueue'; readonly job: NewJob }
  /** Cancel the task's queued jobs (escalation, cancellation). */
  | { readonly type: 'cancel-queued-jobs'; readonly taskId: string }
  | { readonly type: 'outbox'; readonly kind: Exclude<OutboxKind, 'card'>; readonly taskId: string; readonly payload: Record<string, unknown> }
  | {
      readonly type: 'insert-approval';
      readonly approval: { readonly id: string; readonly taskId: string; readonly gate: 'brd' | 'deploy'; readonly round: number; readonly summary: string };
    }
  /** Decide a pending approval; it must still be pending when written. */
  | {
      readonly type: 'decide-approval';
      readonly approvalId: string;
      readonly state: 'approved' | 'rejected';
      readonly by: string;
      readonly byName: string;
      readonly reason: string | null;
    }
  /** Take (or renew) the project's merge lease for `task`; a live holder in the merge phase keeps it. */
  | { readonly type: 'take-merge-lease'; readonly task: Task; readonly ttlMs?: number }
  | { readonly type: 'renew-merge-lease'; readonly task: Task; readonly ttlMs: number }
  /** Give the lease up if `task` holds it, and make the waiters' merge-phase jobs due now. */
  | { readonly type: 'release-merge-lease'; readonly task: Task }
  | { readonly type: 'save-deploy-state'; readonly state: DeployState }
  /** Claim the task's one roll-back; nobody may have claimed it meanwhile. */
  | {
      readonly type: 'claim-rollback';
      readonly claim: { readonly id: string; readonly taskId: string; readonly by: string; readonly byName: string; readonly targetRef: string };
    }
  /** End a roll-back that is still in `from`. */
  | { readonly type: 'end-rollback'; readonly rollbackId: string; readonly from: RollbackState; readonly to: RollbackState; readonly outcome: string }
  | { readonly type: 'record-deploy-image'; readonly record: DeployImageRecord }
  /** Mark these open tasks of the project behind the default branch (each still open and not behind). */
  | { readonly type: 'mark-behind-default'; readonly projectId: string; readonly taskIds: readonly string[] };

export interface Decision {
  readonly effects: readonly Effect[];
  readonly outcome: EngineOutcome;
}
