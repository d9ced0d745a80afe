/**
 * Normalized facts: what a stored webhook delivery says, in Conveyor's words. The inbox processor
 * turns them into domain events; mapping never throws, and anything unusable is `ignored`.
 */

/**
 * Commit status states, in the forge-neutral vocabulary (Gitea's modules/commitstatus set; GitHub's
 * statuses and check-run conclusions are mapped onto it by their adapter).
 */
export type CommitStatusState = 'pending' | 'success' | 'error' | 'failure' | 'warning' | 'skipped';

/** Plane state groups (`triage` is internal but may appear). */
export type PlaneStateGroup = 'backlog' | 'unstarted' | 'started' | 'completed' | 'cancelled' | 'triage';

/** A delivery Conveyor does not act on, and why. */
export interface IgnoredFact {
  readonly type: 'ignored';
  readonly reason: string;
}

/**
 * What a forge delivery says, whichever forge sent it: a branch pushed, a CI status for a sha, a PR
 * opened or merged. `repo` is always `owner/name`. Each forge's adapter maps its payloads to these.
 */
export type ForgeFact =
  | {
      readonly type: 'status';
      readonly repo: string;
      readonly sha: string;
      readonly context: string;
      readonly state: CommitStatusState;
      readonly description: string;
      readonly targetUrl: string | null;
      /** The forge's status (or check run) id: higher is newer for one context (latest wins). */
      readonly statusId: number | null;
    }
  | {
      readonly type: 'push';
      readonly repo: string;
      /** Branch name without `refs/heads/`. */
      readonly branch: string;
      readonly ref: string;
      readonly after: string;
      readonly before: string;
      readonly defaultBranch: string | null;
      /** The branch was deleted (`after` is all zeros). */
      readonly deleted: boolean;
    }
  | {
      readonly type: 'pr-merged';
      readonly repo: string;
      readonly number: number;
      readonly headBranch: string;
      readonly headSha: string | null;
      /** Null when the forge did not report one (e.g. marked as manually merged). */
      readonly mergeSha: string | null;
    }
  | {
      readonly type: 'pr-opened';
      readonly repo: string;
      readonly number: number;
      readonly headBranch: string;
      readonly headSha: string | null;
    }
  | {
      /** Closed without merging (someone gave up on it on the forge). */
      readonly type: 'pr-closed';
      readonly repo: string;
      readonly number: number;
      readonly headBranch: string;
    };

/** What a Plane delivery says. */
export type PlaneFact =
  | {
      readonly type: 'issue-created';
      readonly workspaceId: string | null;
      readonly planeProjectId: string;
      readonly issueId: string;
      readonly sequenceId: number | null;
      readonly name: string;
      readonly descriptionHtml: string;
      /** Label names (v1 payloads expand labels; v2 payloads carry ids only). */
      readonly labels: readonly string[];
      readonly labelIds: readonly string[];
      readonly stateId: string | null;
      readonly stateGroup: PlaneStateGroup | null;
      /** The Plane user who created the work item (`created_by`): the task's requester (ADR 0035). */
      readonly createdBy: string | null;
    }
  | {
      readonly type: 'issue-state-changed';
      readonly planeProjectId: string;
      readonly issueId: string;
      readonly sequenceId: number | null;
      readonly name: string | null;
      readonly newStateId: string;
      readonly oldStateId: string | null;
      /** Name and group of the new state when the payload describes it; null when it does not. */
      readonly stateName: string | null;
      readonly stateGroup: PlaneStateGroup | null;
      /** Who changed it: lets the processor skip Conveyor's own changes. */
      readonly actorId: string | null;
    };

/**
 * What a tracker delivery says beyond Plane (GitHub Issues, ADR 0042), in tracker-neutral words:
 * an issue is (or became) eligible to be a task, or a person decided a pending approval.
 * `repo` is the repository (`owner/name`) whose issues are the project's tracker.
 */
export type TrackerFact =
  | {
      readonly type: 'tracker-issue';
      readonly tracker: 'github';
      readonly repo: string;
      /** The issue's id for the tracker calls (a task's `externalId`); GitHub: the issue number. */
      readonly issueId: string;
      readonly number: number;
      readonly title: string;
      readonly description: string;
      readonly labels: readonly string[];
      readonly createdBy: string | null;
      readonly url: string | null;
    }
  | {
      readonly type: 'tracker-decision';
      readonly tracker: 'github';
      readonly repo: string;
      readonly issueId: string;
      readonly decision: 'approved' | 'rejected';
    };

/** Any normalized fact. */
export type InboundFact = ForgeFact | PlaneFact | TrackerFact | IgnoredFact;

/** Maps one delivery of a source (its event name and parsed body) to a fact. Never throws. */
export type DeliveryMapper = (event: string, payload: unknown) => InboundFact;

/** Build an ignored fact; reasons quote sender text, so they are kept short. */
export function ignored(reason: string): IgnoredFact {
  return { type: 'ignored', reason: reason.length > 200 ? `${reason.slice(0, 199)}…` : reason };
}
