/**
 * Reading the tracker within a budget. Each pass reads every tracked project's issues page by page,
 * at most `maxCallsPerPass` tracker calls in all; a project whose walk the budget cut short goes on
 * from the same page next pass, and the project that reads first rotates, so no project starves.
 * What a pass read is its snapshot: every task of a project is judged against it, never by a call
 * of its own. A dry run reads the same way but leaves the walk where it was.
 */
import { describeError } from '../errors.ts';
import type { TrackerIssue, TrackerReader } from '../ports/tracker-reader.ts';

/** What one pass knows of one project's issues. */
export type ProjectView =
  /** Issues read this pass; `complete` when the walk went from the first page to the last. */
  | { readonly type: 'read'; readonly issues: ReadonlyMap<string, TrackerIssue>; readonly complete: boolean }
  /** The tracker failed: nothing read this pass counts. */
  | { readonly type: 'error'; readonly reason: string }
  /** The budget ran out before this project's turn. */
  | { readonly type: 'unread' };

/** The budgeted, resumable read of every tracked project; one instance lives as long as the probe. */
export class TrackerWalk {
  private readonly cursors = new Map<string, string | null>();
  private turn = 0;

  constructor(
    private readonly reader: TrackerReader,
    private readonly projectIds: readonly string[],
    private readonly maxCallsPerPass: number,
  ) {}

  /** This pass's snapshot of every tracked project. */
  async read(dryRun: boolean): Promise<ReadonlyMap<string, ProjectView>> {
    const views = new Map<string, ProjectView>();
    const count = this.projectIds.length;
    const first = count === 0 ? 0 : this.turn % count;
    if (!dryRun) this.turn += 1;
    let budget = this.maxCallsPerPass;
    for (let i = 0; i < count; i++) {
      const projectId = this.projectIds[(first + i) % count] ?? '';
      if (budget <= 0) {
        views.set(projectId, { type: 'unread' });
        continue;
      }
      const from = this.cursors.get(projectId) ?? null;
      const walked = await this.walk(projectId, from, budget);
      budget -= walked.calls;
      views.set(projectId, walked.view);
      if (!dryRun && walked.view.type === 'read') this.cursors.set(projectId, walked.cursor);
    }
    return views;
  }

  private async walk(projectId: string, from: string | null, budget: number): Promise<{ view: ProjectView; cursor: string | null; calls: number }> {
    const issues = new Map<string, TrackerIssue>();
    let cursor = from;
    let calls = 0;
    do {
      try {
        const page = await this.reader.issuesPage(projectId, cursor);
        calls += Math.max(1, page.calls);
        for (const issue of page.issues) issues.set(issue.id, issue);
        cursor = page.next;
      } catch (error) {
        return { view: { type: 'error', reason: describeError(error) }, cursor: from, calls: calls + 1 };
      }
    } while (cursor !== null && calls < budget);
    return { view: { type: 'read', issues, complete: from === null && cursor === null }, cursor, calls };
  }
}
