import type { Role } from './stage.ts';

/** Facts an agent job hands back to the engine. Artefact contents are read by the worker. */
export interface AgentRunFacts {
  readonly role: Role;
  readonly attempt: number;
  readonly headSha: string | null;
  /** Artefact file name → content; null when the file does not exist. */
  readonly artifacts: Readonly<Record<string, string | null>>;
  readonly logTail: string;
}

/** What a staging job hands back to the engine. */
export interface StagingFacts {
  readonly verdict: 'SUCCESS' | 'FAILED';
  readonly imageId: string | null;
  readonly imageRef: string;
  /** The validated revision. */
  readonly revision: string;
  readonly waived: readonly string[];
  readonly reason: string | null;
  readonly mustFix: string | null;
  /** The branch head after the report commit. */
  readonly headSha: string;
  /** Paths changed between `revision` and `headSha` (freshness). */
  readonly changedSinceRevision: readonly string[];
}

/** A combined CI state for one commit. */
export type CiState = 'success' | 'failure' | 'pending';

/**
 * Domain events. Each carries `key`, unique per real-world occurrence: replaying an event whose
 * key already produced a transition changes nothing.
 */
export type DomainEvent =
  | {
      type: 'TaskRequested';
      key: string;
      projectId: string;
      title: string;
      description?: string;
      source: 'chat' | 'plane' | 'github';
      /** Tracker issue id: with it, creation is idempotent per project. */
      externalId?: string;
      externalUrl?: string;
      /** Explicit task number (tracker sequence id); otherwise the next free number. */
      number?: number;
      /** Who asked for the task (`telegram:<id>`, or `plane:<user id>` for the tracker issue's creator, ADR 0035); a Telegram actor when absent. */
      requester?: string;
      actor: string;
    }
  | { type: 'AgentRunFinished'; key: string; taskId: string; jobId: number; facts: AgentRunFacts }
  | { type: 'JobDead'; key: string; taskId: string; jobId: number; kind: string; error: string }
  | {
      type: 'CiStatusReported';
      key: string;
      taskId: string;
      sha: string;
      state: CiState;
      /** Failure excerpt or description shown to the developer on red. */
      detail: string;
      actor: string;
    }
  | {
      type: 'ApprovalDecided';
      key: string;
      taskId: string;
      approvalId: string;
      decision: 'approve' | 'reject';
      reason?: string;
      actor: string;
    }
  | { type: 'TrackerStateChanged'; key: string; taskId: string; group: TrackerGroup; actor: string }
  | { type: 'BranchPushed'; key: string; taskId: string; sha: string; actor: string }
  | { type: 'DefaultBranchMoved'; key: string; projectId: string; sha: string; actor: string }
  | { type: 'PullRequestOpened'; key: string; taskId: string; number: number; actor: string }
  | { type: 'Merged'; key: string; taskId: string; sha: string; actor: string }
  | { type: 'MergeFailed'; key: string; taskId: string; reason: string; actor: string }
  | { type: 'RetryRequested'; key: string; taskId: string; actor: string }
  /** The merge-phase job rebased the branch; the forge's CI must judge `sha` before it goes on. */
  | { type: 'MergeRetestRequested'; key: string; taskId: string; sha: string; actor: string }
  /** The merge phase cannot go on without a person (waited too long for the lease, an untestable rebase). */
  | { type: 'MergeBlocked'; key: string; taskId: string; reason: string; actor: string }
  /** The validated staging revision is no longer the branch head (beyond report commits): stage again. */
  | { type: 'StagingStale'; key: string; taskId: string; headSha: string; actor: string }
  | { type: 'StagingFinished'; key: string; taskId: string; jobId: number; facts: StagingFacts }
  /** The deploy job's verdict for one deploy attempt (ADR 0032). */
  | { type: 'DeployFinished'; key: string; taskId: string; attempt: number; facts: DeployFacts }
  | { type: 'TaskCancelled'; key: string; taskId: string; reason: string; actor: string }
  /** A deploy approver confirmed the one-tap roll-back on the card of a delivered task (ADR 0034). */
  | { type: 'RollbackRequested'; key: string; taskId: string; rollbackId: string; actor: string }
  /** The roll-back job's verdict. */
  | { type: 'RollbackFinished'; key: string; taskId: string; rollbackId: string; facts: RollbackFacts };

/** How a one-tap roll-back ended (ADR 0034); the image fields name the image returned to. */
export interface RollbackFacts {
  readonly outcome: 'rolled-back' | 'failed' | 'unknown';
  readonly reason: string | null;
  readonly targetRef: string;
  readonly imageId: string;
  readonly sha: string;
  readonly logTail: string;
}

/** What a deploy attempt ended with; `logTail` is the hook output's tail (for the card). */
export interface DeployFacts {
  readonly outcome: 'delivered' | 'rollback' | 'escalate' | 'restage';
  readonly reason: string | null;
  readonly targetImage: string | null;
  readonly imageId: string | null;
  /** The task branch's head after the report commit. */
  readonly headSha: string | null;
  readonly logTail: string;
}

/** Tracker state meanings Conveyor reacts to (Plane groups plus named states). */
export type TrackerGroup = 'approved' | 'rejected' | 'blocked' | 'unblocked' | 'started' | 'other';
