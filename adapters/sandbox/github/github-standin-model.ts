/** The GitHub stand-in's world: repositories backed by bare git repos, pulls, comments, statuses, check runs. */

/** GitHub's merge methods (`merge_method`). */
export type GithubMergeMethod = 'merge' | 'squash' | 'rebase';

/** One pull request. `headSha` follows its branch while open. */
export interface GhPull {
  readonly id: number;
  readonly number: number;
  title: string;
  body: string;
  readonly head: string;
  readonly base: string;
  headSha: string;
  baseSha: string;
  state: 'open' | 'closed';
  merged: boolean;
  mergeCommitSha: string | null;
  mergedAt: string | null;
  closedAt: string | null;
  readonly createdAt: string;
  updatedAt: string;
  readonly user: string;
  /** Approving reviews (a control helper plays the reviewer). */
  approvals: number;
}

/** One issue comment on a pull request. */
export interface GhComment {
  readonly id: number;
  readonly issueNumber: number;
  readonly body: string;
  readonly user: string;
  readonly createdAt: string;
}

/** One issue (GitHub numbers issues and pull requests from one sequence per repository). */
export interface GhIssue {
  readonly id: number;
  readonly number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'reopened' | 'not_planned' | null;
  labels: string[];
  readonly user: string;
  readonly createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

/** One commit status (`POST /statuses/{sha}`). */
export interface GhStatus {
  readonly id: number;
  readonly sha: string;
  readonly state: 'error' | 'failure' | 'pending' | 'success';
  readonly context: string;
  readonly description: string | null;
  readonly targetUrl: string | null;
  readonly createdAt: string;
}

/** One check run (created by a GitHub App; the control helper plays the app). */
export interface GhCheckRun {
  readonly id: number;
  readonly sha: string;
  readonly name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | 'stale' | null;
  title: string | null;
  summary: string | null;
  readonly htmlUrl: string;
  detailsUrl: string | null;
  readonly startedAt: string;
  completedAt: string | null;
  readonly suiteId: number;
  readonly appSlug: string;
}

/** Branch protection on the default branch (the parts that refuse a merge). */
export interface GhProtection {
  /** Status contexts / check-run names that must be successful on the head. */
  readonly requiredChecks: readonly string[];
  readonly requiredApprovals: number;
}

/** One repository. */
export interface GhRepo {
  readonly id: number;
  readonly owner: string;
  readonly name: string;
  readonly fullName: string;
  readonly defaultBranch: string;
  readonly bare: string;
  readonly pulls: GhPull[];
  readonly issues: GhIssue[];
  /** Settings → Features → Issues; off answers 410 "Issues are disabled for this repo". */
  issuesEnabled: boolean;
  readonly comments: GhComment[];
  readonly statuses: GhStatus[];
  readonly checkRuns: GhCheckRun[];
  nextNumber: number;
  protection: GhProtection | null;
  /** Merge methods the repository allows (Settings → Pull Requests). */
  allowedMethods: ReadonlySet<GithubMergeMethod>;
}

/** GitHub's timestamp format (`2026-01-02T03:04:05Z`). */
export function githubTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
