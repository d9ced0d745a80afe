/**
 * The tracker as the reconciler reads it: one page of a project's issues at a time, so a pass can
 * spend a bounded number of calls and carry on from the same place in the next pass.
 */

/** A tracker issue, with its state and labels resolved to names. */
export interface TrackerIssue {
  /** The tracker's id for the issue (a task's `externalId`). */
  readonly id: string;
  /** The per-project number (`SHOP-42` → 42); a task made from the issue gets it. */
  readonly sequenceId: number;
  readonly title: string;
  readonly descriptionHtml: string;
  /** The workflow state, or null when the tracker names a state it does not list. */
  readonly state: { readonly name: string; readonly group: string } | null;
  /** Label names. */
  readonly labels: readonly string[];
  /** Epoch milliseconds (0 when the tracker gave none). */
  readonly createdAt: number;
  readonly updatedAt: number;
  /** The tracker user who created the issue (its requester, ADR 0035), when known. */
  readonly createdBy?: string | null;
  /** Browser link, when the tracker's web address is known. */
  readonly url: string | null;
}

/** One page of issues, newest first. */
export interface TrackerIssuePage {
  readonly issues: readonly TrackerIssue[];
  /** Where the next page starts; null after the last page. */
  readonly next: string | null;
  /** Requests this page cost: the page itself plus any state or label list it had to (re)load. */
  readonly calls: number;
}

/** Reads a project's issues page by page. Failures throw (the reconciler skips, never advances). */
export interface TrackerReader {
  /** The page of Conveyor project `projectId`'s issues at `cursor` (null: the first page). */
  issuesPage(projectId: string, cursor: string | null): Promise<TrackerIssuePage>;
}
