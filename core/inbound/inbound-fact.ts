/**
 * Normalized facts: what a stored webhook delivery says, in Conveyor's words. The inbox processor
 * turns them into domain events; mapping never throws, and anything unusable is `ignored`.
 */

/**
 * Commit status states, in the forge-neutral vocabulary (Gitea's modules/commitstatus set; GitHub's
 * statuses and check-run conclusions are mapped onto it by their adapter).
 */
export type CommitStatusState = 'pending' | 'success' | 'error' | 'failure' | 'warning' | 'skipped';

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

/** Which tracker a delivery came from (a task's `source`). */
export type TrackerKind = 'plane' | 'github';

/**
 * A workflow state as a delivery describes it. `group` is the neutral vocabulary the reconciler's
 * issues use too: `backlog`, `unstarted`, `started`, `completed`, `cancelled` (or `triage`).
 */
export interface TrackerState {
  readonly id: string | null;
  /** Null when the delivery does not describe the state (core may ask the tracker). */
  readonly name: string | null;
  readonly group: string | null;
}

/** An issue as a tracker delivery shows it, in tracker-neutral words. */
export interface TrackerIssueFields {
  readonly tracker: TrackerKind;
  /** Where the tracker keeps the issue: the Plane project id, or `owner/name` for GitHub Issues. */
  readonly scope: string;
  /** The issue's id for the tracker calls (a task's `externalId`). */
  readonly issueId: string;
  /** The per-project number the task gets, when the tracker gives one. */
  readonly number: number | null;
  readonly title: string;
  /** Plain text (the adapter turns a tracker's HTML into text). */
  readonly description: string;
  /** Label names. */
  readonly labels: readonly string[];
  /** The issue's state when the delivery was serialised, if it says. */
  readonly state: TrackerState | null;
  /** The tracker user who created the issue: the task's requester (ADR 0035). */
  readonly createdBy: string | null;
  /** Browser link, when known. */
  readonly url: string | null;
}

/** Who made a change, as far as the delivery says. */
export interface TrackerActor {
  readonly id: string | null;
  /** Display name, for the transition log. */
  readonly name: string | null;
  /** True when the change came through the tracker's API (where Conveyor's own changes come from). */
  readonly throughApi: boolean;
}

/**
 * What a tracker delivery says (Plane, GitHub Issues; ADR 0042, 0044), whichever tracker sent it:
 * an issue was created (or reopened), its labels or its state changed, or a person decided a
 * pending approval. Each tracker's adapter maps its payloads to these.
 */
export type TrackerFact =
  | (TrackerIssueFields & { readonly type: 'tracker-issue'; readonly actor: TrackerActor | null })
  | (TrackerIssueFields & { readonly type: 'tracker-labels-changed'; readonly actor: TrackerActor | null })
  | (TrackerIssueFields & {
      readonly type: 'tracker-state-changed';
      /** The state the issue moved into (name and group only when the delivery describes that very state). */
      readonly to: TrackerState & { readonly id: string };
      readonly fromStateId: string | null;
      /** Lets the processor skip Conveyor's own changes. */
      readonly actor: TrackerActor;
    })
  | {
      readonly type: 'tracker-decision';
      readonly tracker: TrackerKind;
      readonly scope: string;
      readonly issueId: string;
      readonly decision: 'approved' | 'rejected';
    };

/** Any normalized fact. */
export type InboundFact = ForgeFact | TrackerFact | IgnoredFact;

/** Maps one delivery of a source (its event name and parsed body) to a fact. Never throws. */
export type DeliveryMapper = (event: string, payload: unknown) => InboundFact;

/** Build an ignored fact; reasons quote sender text, so they are kept short. */
export function ignored(reason: string): IgnoredFact {
  return { type: 'ignored', reason: reason.length > 200 ? `${reason.slice(0, 199)}…` : reason };
}
