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
      source: 'chat' | 'plane';
      /** Tracker issue id: with it, creation is idempotent per project. */
      externalId?: string;
      externalUrl?: string;
      /** Explicit task number (tracker sequence id); otherwise the next free number. */
      number?: number;
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
  | { type: 'TaskCancelled'; key: string; taskId: string; reason: string; actor: string };

/** Tracker state meanings Conveyor reacts to (Plane groups plus named states). */
export type TrackerGroup = 'approved' | 'rejected' | 'blocked' | 'unblocked' | 'started' | 'other';
