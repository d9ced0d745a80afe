/**
 * The stage engine: every domain event is handled in one immediate transaction that writes the
 * task row, the transition log, the jobs and the outbox rows together. Replaying an event whose
 * key already produced a transition changes nothing. See core/ARCHITECTURE.md for the invariants.
 */
import { randomBytes } from 'node:crypto';
import type { DomainEvent } from '../domain/events.ts';
import type { Clock } from '../ports/clock.ts';
import type { Store, Tx } from '../store/store.ts';
import { hasEventKey } from '../store/transition-log.ts';
import { EngineContext, type EngineDeps } from './engine-context.ts';
import { onAgentRunFinished } from './handlers/on-agent-finished.ts';
import { onApprovalDecided } from './handlers/on-approval.ts';
import { onDeployFinished } from './handlers/on-deploy.ts';
import { onRollbackFinished, onRollbackRequested } from './handlers/on-rollback.ts';
import { onCiStatusReported } from './handlers/on-ci-status.ts';
import { onJobDead, onPullRequestOpened, onRetryRequested, onTaskCancelled } from './handlers/on-control.ts';
import { onMerged, onMergeFailed } from './handlers/on-merge.ts';
import { onMergeBlocked, onMergeRetestRequested, onStagingFinished, onStagingStale } from './handlers/on-merge-phase.ts';
import { onBranchPushed, onDefaultBranchMoved } from './handlers/on-push.ts';
import { onTaskRequested } from './handlers/on-task-requested.ts';
import { onTrackerStateChanged } from './handlers/on-tracker-state.ts';
import type { EngineOutcome } from './outcome.ts';

export type { EngineDeps } from './engine-context.ts';

/** A short unguessable id (approval ids travel in callback data). */
export function randomId(): string {
  return randomBytes(9).toString('base64url');
}

export class Engine {
  private readonly listeners = new Set<(event: DomainEvent, outcome: EngineOutcome) => void>();

  constructor(
    private readonly store: Store,
    private readonly deps: EngineDeps,
    private readonly clock: Clock,
  ) {}

  /** Handle one event in its own transaction. */
  async handle(event: DomainEvent): Promise<EngineOutcome> {
    return await this.store.transaction(async (tx) => await this.handleInTx(tx, event));
  }

  /** Handle inside the caller's transaction (a worker completing its job atomically with the event). */
  async handleInTx(tx: Tx, event: DomainEvent): Promise<EngineOutcome> {
    if (await hasEventKey(tx, event.key)) return { type: 'duplicate' };
    const ctx = new EngineContext(tx, this.clock.now(), this.deps, event);
    const outcome = await dispatch(ctx, event);
    this.deps.logger.debug({ event: event.type, key: event.key, outcome: outcome.type }, 'event handled');
    // Listeners hear of it once the caller's transaction has committed (never of a rolled-back one).
    if (this.listeners.size > 0) tx.afterCommit(() => this.listeners.forEach((l) => l(event, outcome)));
    return outcome;
  }

  /** Be told of every handled event once its transaction has committed (wake the notifier, metrics). */
  onHandled(listener: (event: DomainEvent, outcome: EngineOutcome) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

async function dispatch(ctx: EngineContext, event: DomainEvent): Promise<EngineOutcome> {
  switch (event.type) {
    case 'TaskRequested':
      return await onTaskRequested(ctx, event);
    case 'AgentRunFinished':
      return await onAgentRunFinished(ctx, event);
    case 'CiStatusReported':
      return await onCiStatusReported(ctx, event);
    case 'ApprovalDecided':
      return await onApprovalDecided(ctx, event);
    case 'TrackerStateChanged':
      return await onTrackerStateChanged(ctx, event);
    case 'BranchPushed':
      return await onBranchPushed(ctx, event);
    case 'DefaultBranchMoved':
      return onDefaultBranchMoved(ctx, event);
    case 'PullRequestOpened':
      return await onPullRequestOpened(ctx, event);
    case 'Merged':
      return await onMerged(ctx, event);
    case 'MergeFailed':
      return await onMergeFailed(ctx, event);
    case 'StagingFinished':
      return await onStagingFinished(ctx, event);
    case 'StagingStale':
      return await onStagingStale(ctx, event);
    case 'DeployFinished':
      return await onDeployFinished(ctx, event);
    case 'MergeRetestRequested':
      return await onMergeRetestRequested(ctx, event);
    case 'MergeBlocked':
      return await onMergeBlocked(ctx, event);
    case 'RetryRequested':
      return await onRetryRequested(ctx, event);
    case 'TaskCancelled':
      return await onTaskCancelled(ctx, event);
    case 'JobDead':
      return await onJobDead(ctx, event);
    case 'RollbackRequested':
      return await onRollbackRequested(ctx, event);
    case 'RollbackFinished':
      return await onRollbackFinished(ctx, event);
  }
}
