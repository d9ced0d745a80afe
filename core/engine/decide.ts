/**
 * The engine's pure half (ADR 0056): an event and its facts in, a {@link Decision} out. No store,
 * no clock, no I/O; `newId` is the one injected generator (approval ids), deterministic in tests.
 */
import type { DomainEvent } from '../domain/events.ts';
import type { Decision } from './decision.ts';
import { Draft } from './draft.ts';
import type { EngineRules } from './engine-deps.ts';
import type { EventFacts } from './facts/event-facts.ts';
import { decideAgentRunFinished } from './handlers/on-agent-finished.ts';
import { decideApprovalDecided } from './handlers/on-approval.ts';
import { decideCiStatusReported } from './handlers/on-ci-status.ts';
import { decideJobDead, decidePullRequestOpened, decideRetryRequested, decideTaskCancelled } from './handlers/on-control.ts';
import { decideDeployFinished } from './handlers/on-deploy.ts';
import { decideMerged, decideMergeFailed } from './handlers/on-merge.ts';
import { decideMergeBlocked, decideMergeRetestRequested, decideStagingFinished, decideStagingStale } from './handlers/on-merge-phase.ts';
import { decideBranchPushed, decideDefaultBranchMoved } from './handlers/on-push.ts';
import { decideRollbackFinished, decideRollbackRequested } from './handlers/on-rollback.ts';
import { decideTaskRequested } from './handlers/on-task-requested.ts';
import { decideTrackerStateChanged } from './handlers/on-tracker-state.ts';
import type { EngineOutcome } from './outcome.ts';

export function decide(event: DomainEvent, facts: EventFacts, rules: EngineRules, newId: () => string): Decision {
  const draft = new Draft(event, facts, rules, newId);
  return draft.decision(dispatch(draft, event));
}

function dispatch(d: Draft, event: DomainEvent): EngineOutcome {
  switch (event.type) {
    case 'TaskRequested':
      return decideTaskRequested(d, event);
    case 'AgentRunFinished':
      return decideAgentRunFinished(d, event);
    case 'CiStatusReported':
      return decideCiStatusReported(d, event);
    case 'ApprovalDecided':
      return decideApprovalDecided(d, event);
    case 'TrackerStateChanged':
      return decideTrackerStateChanged(d, event);
    case 'BranchPushed':
      return decideBranchPushed(d, event);
    case 'DefaultBranchMoved':
      return decideDefaultBranchMoved(d, event);
    case 'PullRequestOpened':
      return decidePullRequestOpened(d, event);
    case 'Merged':
      return decideMerged(d, event);
    case 'MergeFailed':
      return decideMergeFailed(d, event);
    case 'StagingFinished':
      return decideStagingFinished(d, event);
    case 'StagingStale':
      return decideStagingStale(d, event);
    case 'DeployFinished':
      return decideDeployFinished(d, event);
    case 'MergeRetestRequested':
      return decideMergeRetestRequested(d, event);
    case 'MergeBlocked':
      return decideMergeBlocked(d, event);
    case 'RetryRequested':
      return decideRetryRequested(d, event);
    case 'TaskCancelled':
      return decideTaskCancelled(d, event);
    case 'JobDead':
      return decideJobDead(d, event);
    case 'RollbackRequested':
      return decideRollbackRequested(d, event);
    case 'RollbackFinished':
      return decideRollbackFinished(d, event);
  }
}
