/**
 * The tracker (Plane) as core needs it. Optional: a project without `plane` has none.
 * Every call is idempotent (comments carry an external id).
 */
export interface TrackerPort {
  /** Post a comment; `externalId` makes a repeat a no-op. */
  comment(projectId: string, issueId: string, externalId: string, html: string): Promise<void>;
  /** Move the issue to the project's state of the given group. */
  moveToGroup(projectId: string, issueId: string, group: 'started' | 'completed'): Promise<void>;
  /**
   * Create an issue in the project's tracker (a task started from the chat), so its number is the
   * tracker's: the task id is `<PROJECT>-<sequenceId>` and the issue's webhook is a duplicate.
   */
  createIssue(projectId: string, title: string): Promise<{ readonly issueId: string; readonly sequenceId: number }>;
}
