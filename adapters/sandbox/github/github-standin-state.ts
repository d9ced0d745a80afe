/**
 * The GitHub stand-in's state and the control helpers tests and the demo use to play the other
 * people (a CI app reporting check runs, a reviewer approving, an admin protecting the branch).
 * Outcomes are values; the routes map them to GitHub's status codes and messages.
 */
import { commitsAhead, gitHeads, gitMerge, mergeTree, type GitIdentity } from '../forge-standin-git.ts';
import { githubTime, type GhCheckRun, type GhComment, type GhIssue, type GhPull, type GhRepo, type GhStatus, type GithubMergeMethod } from './github-standin-model.ts';

/** What opening a pull request came to. */
export type CreatePull =
  | { readonly type: 'created'; readonly pull: GhPull }
  | { readonly type: 'invalid'; readonly message: string; readonly errors: readonly object[] };

/** What a merge request came to (github-standin-pulls.ts maps these to 200/405/409/422). */
export type MergeRequest =
  | { readonly type: 'merged'; readonly sha: string }
  | { readonly type: 'refused'; readonly status: 405 | 409 | 422; readonly message: string };

const METHOD_NAMES: Readonly<Record<GithubMergeMethod, string>> = { merge: 'Merge commits', squash: 'Squash merges', rebase: 'Rebase merges' };
const PASSING = new Set(['success', 'neutral', 'skipped']);
/** GitHub commits merges as its own bot. */
const GITHUB: GitIdentity = { name: 'GitHub', email: 'noreply@github.com' };

/** The world of one stand-in. */
export class GithubStandinState {
  private readonly repos = new Map<string, GhRepo>();
  private next = { repo: 1296269, pull: 1_000_001, comment: 5_000_001, status: 7_000_001, check: 4_000_001, suite: 9_000_001, issue: 2_000_001 };

  constructor(private readonly now: () => number = Date.now) {}

  /** Adds `owner/name` backed by the bare repository `bare`. */
  addRepo(fullName: string, bare: string, defaultBranch = 'main'): GhRepo {
    const [owner = '', name = ''] = fullName.split('/');
    const repo: GhRepo = { id: this.next.repo++, owner, name, fullName, defaultBranch, bare, pulls: [], issues: [], issuesEnabled: true, comments: [], statuses: [], checkRuns: [], nextNumber: 1, protection: null, allowedMethods: new Set(['merge', 'squash', 'rebase']) };
    this.repos.set(fullName.toLowerCase(), repo);
    return repo;
  }

  /** A repository by full name (case-insensitive, like GitHub). */
  repo(fullName: string): GhRepo | undefined {
    return this.repos.get(fullName.toLowerCase());
  }

  /** Open pull requests follow their branch (a push to the bare repository). */
  refresh(repo: GhRepo): void {
    const heads = gitHeads(repo.bare);
    for (const pull of repo.pulls) {
      if (pull.state !== 'open') continue;
      pull.headSha = heads.get(pull.head) ?? pull.headSha;
      pull.baseSha = heads.get(pull.base) ?? pull.baseSha;
    }
  }

  /** The head of `branch`, or null. */
  branchHead(repo: GhRepo, branch: string): string | null {
    return gitHeads(repo.bare).get(branch) ?? null;
  }

  /** `POST /pulls` as GitHub validates it. */
  createPull(repo: GhRepo, input: { head: string; base: string; title: string; body: string }): CreatePull {
    const heads = gitHeads(repo.bare);
    const head = input.head.includes(':') ? input.head.slice(input.head.indexOf(':') + 1) : input.head;
    const field = (name: string) => ({ type: 'invalid' as const, message: 'Validation Failed', errors: [{ resource: 'PullRequest', field: name, code: 'invalid' }] });
    if (!input.title) return { type: 'invalid', message: 'Validation Failed', errors: [{ resource: 'PullRequest', field: 'title', code: 'missing_field' }] };
    const headSha = heads.get(head);
    const baseSha = heads.get(input.base);
    if (!headSha) return field('head');
    if (!baseSha) return field('base');
    const existing = repo.pulls.find((p) => p.state === 'open' && p.head === head && p.base === input.base);
    if (existing) return { type: 'invalid', message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${repo.owner}:${head}.` }] };
    if (commitsAhead(repo.bare, baseSha, headSha) === 0) return { type: 'invalid', message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message: `No commits between ${input.base} and ${head}` }] };
    const at = githubTime(this.now());
    const pull: GhPull = { id: this.next.pull++, number: repo.nextNumber++, title: input.title, body: input.body, head, base: input.base, headSha, baseSha, state: 'open', merged: false, mergeCommitSha: null, mergedAt: null, closedAt: null, createdAt: at, updatedAt: at, user: 'conveyor-bot', approvals: 0 };
    repo.pulls.push(pull);
    return { type: 'created', pull };
  }

  /** One pull request by number. */
  pull(repo: GhRepo, number: number): GhPull | undefined {
    return repo.pulls.find((p) => p.number === number);
  }

  /** GitHub's `mergeable`: null is "not computed yet"; here it is computed on every read. */
  mergeable(repo: GhRepo, pull: GhPull): boolean | null {
    if (pull.state !== 'open') return null;
    return mergeTree(repo.bare, pull.baseSha, pull.headSha) !== null;
  }

  /** Opens an issue (API or a control helper playing a person), numbered after pulls and issues. */
  createIssue(repo: GhRepo, input: { title: string; body?: string; labels?: readonly string[]; user?: string }): GhIssue {
    const at = githubTime(this.now());
    const issue: GhIssue = { id: this.next.issue++, number: repo.nextNumber++, title: input.title, body: input.body ?? '', state: 'open', stateReason: null, labels: [...new Set(input.labels ?? [])], user: input.user ?? 'conveyor-bot', createdAt: at, updatedAt: at, closedAt: null };
    repo.issues.push(issue);
    return issue;
  }

  /** One issue by number (pull requests are not issues here). */
  issue(repo: GhRepo, number: number): GhIssue | undefined {
    return repo.issues.find((i) => i.number === number);
  }

  /** Closes or reopens; labels replaced or added/removed by name (case-insensitive like GitHub). */
  updateIssue(repo: GhRepo, issue: GhIssue, change: { state?: 'open' | 'closed'; stateReason?: GhIssue['stateReason']; title?: string; body?: string; labels?: readonly string[] }): GhIssue {
    const at = githubTime(this.now());
    if (change.state && change.state !== issue.state) {
      issue.state = change.state;
      issue.closedAt = change.state === 'closed' ? at : null;
      issue.stateReason = change.state === 'closed' ? (change.stateReason ?? 'completed') : 'reopened';
    }
    if (change.title !== undefined) issue.title = change.title;
    if (change.body !== undefined) issue.body = change.body;
    if (change.labels) issue.labels = [...new Set(change.labels)];
    issue.updatedAt = at;
    return issue;
  }

  /** Adds labels (an existing name is kept once). */
  addLabels(issue: GhIssue, names: readonly string[]): void {
    for (const name of names) if (!issue.labels.some((l) => l.toLowerCase() === name.toLowerCase())) issue.labels.push(name);
    issue.updatedAt = githubTime(this.now());
  }

  /** Removes a label; false when the issue did not carry it (GitHub answers 404 "Label does not exist"). */
  removeLabel(issue: GhIssue, name: string): boolean {
    const at = issue.labels.findIndex((l) => l.toLowerCase() === name.toLowerCase());
    if (at < 0) return false;
    issue.labels.splice(at, 1);
    issue.updatedAt = githubTime(this.now());
    return true;
  }

  /** An issue comment on PR `number`. */
  comment(repo: GhRepo, number: number, body: string): GhComment {
    const comment: GhComment = { id: this.next.comment++, issueNumber: number, body, user: 'conveyor-bot', createdAt: githubTime(this.now()) };
    repo.comments.push(comment);
    return comment;
  }

  /** A commit status (API or control helper). */
  addStatus(repo: GhRepo, sha: string, input: { state: GhStatus['state']; context: string; description?: string | null; targetUrl?: string | null }): GhStatus {
    const status: GhStatus = { id: this.next.status++, sha, state: input.state, context: input.context, description: input.description ?? null, targetUrl: input.targetUrl ?? null, createdAt: githubTime(this.now()) };
    repo.statuses.push(status);
    return status;
  }

  /** The latest status per context for `sha`, newest first, and GitHub's combined state. */
  combined(repo: GhRepo, sha: string): { state: 'failure' | 'pending' | 'success'; statuses: GhStatus[] } {
    const latest = new Map<string, GhStatus>();
    for (const status of repo.statuses) if (status.sha === sha) latest.set(status.context, status);
    const statuses = [...latest.values()].reverse();
    const state = statuses.some((s) => s.state === 'failure' || s.state === 'error') ? 'failure' : statuses.length > 0 && statuses.every((s) => s.state === 'success') ? 'success' : 'pending';
    return { state, statuses };
  }

  /** Plays a CI app: creates (or, with `id`, updates) a check run on `sha`. */
  checkRun(repo: GhRepo, sha: string, input: { id?: number; name: string; status?: GhCheckRun['status']; conclusion?: GhCheckRun['conclusion']; title?: string; summary?: string; detailsUrl?: string }): GhCheckRun {
    const existing = input.id === undefined ? undefined : repo.checkRuns.find((r) => r.id === input.id);
    const completed = input.conclusion ? 'completed' : (input.status ?? 'queued');
    const at = githubTime(this.now());
    if (existing) {
      Object.assign(existing, { status: completed, conclusion: input.conclusion ?? existing.conclusion, title: input.title ?? existing.title, summary: input.summary ?? existing.summary, detailsUrl: input.detailsUrl ?? existing.detailsUrl, completedAt: completed === 'completed' ? at : null });
      return existing;
    }
    const id = this.next.check++;
    const run: GhCheckRun = { id, sha, name: input.name, status: completed, conclusion: input.conclusion ?? null, title: input.title ?? null, summary: input.summary ?? null, htmlUrl: `https://github.com/${repo.fullName}/runs/${id}`, detailsUrl: input.detailsUrl ?? null, startedAt: at, completedAt: completed === 'completed' ? at : null, suiteId: this.next.suite, appSlug: 'github-actions' };
    repo.checkRuns.push(run);
    return run;
  }

  /** Check runs of `sha`, newest first. */
  checkRuns(repo: GhRepo, sha: string): GhCheckRun[] {
    return repo.checkRuns.filter((r) => r.sha === sha).reverse();
  }

  /** `PUT /pulls/{n}/merge`: the sha guard, the allowed methods, branch protection, then git. */
  merge(repo: GhRepo, pull: GhPull, input: { sha: string | null; method: GithubMergeMethod; title: string }): MergeRequest {
    if (pull.state !== 'open') return { type: 'refused', status: 405, message: 'Pull Request is not mergeable' };
    if (input.sha !== null && input.sha !== pull.headSha) return { type: 'refused', status: 409, message: 'Head branch was modified. Review and try the merge again.' };
    if (!repo.allowedMethods.has(input.method)) return { type: 'refused', status: 405, message: `${METHOD_NAMES[input.method]} are not allowed on this repository.` };
    const blocked = this.protectionBlock(repo, pull);
    if (blocked) return { type: 'refused', status: 405, message: blocked };
    const merged = gitMerge(repo.bare, { branch: pull.base, baseSha: pull.baseSha, head: pull.headSha, style: input.method, message: input.title, identity: GITHUB, alwaysReplay: true });
    if (merged.type === 'conflict') return { type: 'refused', status: 405, message: 'Pull Request is not mergeable' };
    const at = githubTime(this.now());
    Object.assign(pull, { state: 'closed', merged: true, mergeCommitSha: merged.sha, mergedAt: at, closedAt: at, updatedAt: at });
    return { type: 'merged', sha: merged.sha };
  }

  private protectionBlock(repo: GhRepo, pull: GhPull): string | null {
    const rules = repo.protection;
    if (!rules || pull.base !== repo.defaultBranch) return null;
    const passed = new Set([...this.combined(repo, pull.headSha).statuses.filter((s) => s.state === 'success').map((s) => s.context), ...this.checkRuns(repo, pull.headSha).filter((r) => r.conclusion !== null && PASSING.has(r.conclusion)).map((r) => r.name)]);
    const missing = rules.requiredChecks.filter((name) => !passed.has(name));
    if (missing.length === 1) return `Required status check "${missing[0]}" is expected.`;
    if (missing.length > 1) return `${missing.length} of ${rules.requiredChecks.length} required status checks are expected.`;
    if (pull.approvals < rules.requiredApprovals) return `At least ${rules.requiredApprovals} approving review${rules.requiredApprovals === 1 ? ' is' : 's are'} required by reviewers with write access.`;
    // GitHub's "require branches to be up to date before merging" is not modelled.
    return null;
  }
}
