/**
 * Webhook payloads as GitHub documents them (webhook-events-and-payloads), built from the
 * stand-in's world: `push`, `status`, `check_run`, `check_suite`, `pull_request`, `ping`.
 */
import { checkRunJson, pullJson, repoJson, statusJson } from './github-standin-json.ts';
import { issueJson } from './github-standin-issues.ts';
import type { GhCheckRun, GhIssue, GhPull, GhRepo, GhStatus } from './github-standin-model.ts';

const sender = { login: 'octocat', id: 1, type: 'User' };
const ZERO = '0'.repeat(40);

/** `push` of `branch` from `before` (null: a new branch) to `after`. */
export function pushPayload(api: string, repo: GhRepo, branch: string, before: string | null, after: string): object {
  const commit = { id: after, tree_id: after, distinct: true, message: 'work', timestamp: new Date().toISOString(), url: `https://github.com/${repo.fullName}/commit/${after}`, author: { name: 'Dev', email: 'dev@example.com', username: 'dev' }, committer: { name: 'Dev', email: 'dev@example.com', username: 'dev' }, added: [], removed: [], modified: [] };
  return { ref: `refs/heads/${branch}`, before: before ?? ZERO, after, created: before === null, deleted: false, forced: false, base_ref: null, compare: `https://github.com/${repo.fullName}/compare/${(before ?? ZERO).slice(0, 12)}...${after.slice(0, 12)}`, commits: [commit], head_commit: commit, repository: repoJson(api, repo), pusher: { name: 'dev', email: 'dev@example.com' }, sender };
}

/** `status` for a commit status. */
export function statusPayload(api: string, repo: GhRepo, status: GhStatus): object {
  const json = statusJson(api, repo, status) as Record<string, unknown>;
  return { id: status.id, sha: status.sha, name: repo.fullName, target_url: status.targetUrl, context: status.context, description: status.description, state: status.state, commit: { sha: status.sha }, branches: [], created_at: json['created_at'], updated_at: json['updated_at'], repository: repoJson(api, repo), sender };
}

/** `check_run` with `action` created / completed / rerequested / requested_action. */
export function checkRunPayload(api: string, repo: GhRepo, run: GhCheckRun, action: 'created' | 'completed' | 'rerequested'): object {
  return { action, check_run: checkRunJson(api, repo, run), repository: repoJson(api, repo), sender };
}

/** `check_suite` completed for `sha` with the suite's `conclusion`. */
export function checkSuitePayload(api: string, repo: GhRepo, sha: string, branch: string | null, conclusion: GhCheckRun['conclusion'], id = 9_000_001): object {
  return { action: 'completed', check_suite: { id, head_branch: branch, head_sha: sha, status: 'completed', conclusion, url: `${api}/repos/${repo.fullName}/check-suites/${id}`, before: null, after: sha, pull_requests: [], app: { id: 15368, slug: 'github-actions', name: 'GitHub Actions' }, latest_check_runs_count: 1, check_runs_url: `${api}/repos/${repo.fullName}/check-suites/${id}/check-runs` }, repository: repoJson(api, repo), sender };
}

/** `pull_request` with `action` (opened, closed, reopened, synchronize…). */
export function pullRequestPayload(api: string, repo: GhRepo, pull: GhPull, action: string): object {
  return { action, number: pull.number, pull_request: pullJson(api, repo, pull, { mergeable: null }), repository: repoJson(api, repo), sender };
}

/** `issues` with `action` (opened, labeled, unlabeled, closed, reopened…); `label` for (un)labeled. */
export function issuesPayload(api: string, repo: GhRepo, issue: GhIssue, action: string, label?: string, actor: string = 'octocat'): object {
  return { action, issue: issueJson(api, repo, issue), ...(label ? { label: { id: 208045946, name: label, color: 'f29513', default: false, description: null } } : {}), repository: repoJson(api, repo), sender: { login: actor, id: actor.length * 1000 + 7, type: actor.endsWith('[bot]') ? 'Bot' : 'User' } };
}

/** `ping`, sent once when a hook is created. */
export function pingPayload(api: string, repo: GhRepo): object {
  return { zen: 'Keep it logically awesome.', hook_id: 457811010, hook: { type: 'Repository', id: 457811010, name: 'web', active: true, events: ['push', 'status', 'check_run', 'check_suite', 'pull_request'], config: { content_type: 'json', insecure_ssl: '0', url: 'https://conveyor.example/webhooks/github' } }, repository: repoJson(api, repo), sender };
}
