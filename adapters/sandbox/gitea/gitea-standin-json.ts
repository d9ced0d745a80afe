/**
 * The Gitea stand-in's API objects, with the keys and key order of Gitea's structs (modules/structs):
 * User, Repository, PullRequest, Branch, CommitStatus (state under `status`) and CombinedStatus.
 */
import type { StandinPull, StandinRepo, StandinStatus } from './gitea-standin-model.ts';

/** api.User for a login. */
export function userJson(baseUrl: string, login: string, id: number): Record<string, unknown> {
  return {
    id,
    login,
    login_name: '',
    source_id: 0,
    full_name: '',
    email: `${login}@noreply.localhost`,
    avatar_url: `${baseUrl}/avatars/${login}`,
    html_url: `${baseUrl}/${login}`,
    language: '',
    is_admin: false,
    last_login: '0001-01-01T00:00:00Z',
    created: '2025-11-03T08:59:12Z',
    restricted: false,
    active: false,
    prohibit_login: false,
    location: '',
    website: '',
    description: '',
    visibility: 'public',
    followers_count: 0,
    following_count: 0,
    starred_repos_count: 0,
    username: login,
  };
}

/** api.Repository (the fields a client may read; defaults like a fresh private repo). */
export function repoJson(baseUrl: string, repo: StandinRepo): Record<string, unknown> {
  const open = repo.pulls.filter((pull) => pull.state === 'open').length;
  return {
    id: repo.id,
    owner: userJson(baseUrl, repo.owner, repo.id + 1000),
    name: repo.name,
    full_name: repo.fullName,
    description: '',
    empty: false,
    private: true,
    fork: false,
    template: false,
    parent: null,
    mirror: false,
    size: 0,
    language: '',
    languages_url: `${baseUrl}/api/v1/repos/${repo.fullName}/languages`,
    html_url: `${baseUrl}/${repo.fullName}`,
    url: `${baseUrl}/api/v1/repos/${repo.fullName}`,
    link: '',
    ssh_url: `git@localhost:${repo.fullName}.git`,
    clone_url: `${baseUrl}/${repo.fullName}.git`,
    original_url: '',
    website: '',
    stars_count: 0,
    forks_count: 0,
    watchers_count: 1,
    open_issues_count: 0,
    open_pr_counter: open,
    release_counter: 0,
    default_branch: repo.defaultBranch,
    archived: false,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    archived_at: '1970-01-01T00:00:00Z',
    permissions: { admin: true, push: true, pull: true },
    has_pull_requests: true,
    allow_merge_commits: true,
    allow_rebase: true,
    allow_squash_merge: true,
    default_merge_style: 'merge',
    object_format_name: 'sha1',
  };
}

/** api.PullRequest; `head.sha` follows the branch while the PR is open. */
export function pullJson(baseUrl: string, repo: StandinRepo, pull: StandinPull): Record<string, unknown> {
  const html = `${baseUrl}/${repo.fullName}/pulls/${pull.number}`;
  const ref = (name: string, sha: string) => ({
    label: name,
    ref: name,
    sha,
    repo_id: repo.id,
    repo: repoJson(baseUrl, repo),
  });
  return {
    id: pull.id,
    url: html,
    number: pull.number,
    user: userJson(baseUrl, pull.author, 7),
    title: pull.title,
    body: pull.body,
    labels: [],
    milestone: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_reviewers_teams: [],
    state: pull.state,
    draft: false,
    is_locked: false,
    comments: 0,
    additions: 0,
    deletions: 0,
    changed_files: 0,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    mergeable: pull.state === 'open' && pull.mergeBlock === null,
    merged: pull.merged,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    merged_by: pull.mergedBy ? userJson(baseUrl, pull.mergedBy, 2) : null,
    allow_maintainer_edit: false,
    base: ref(pull.base, repo.branches.get(pull.base) ?? pull.mergeBase),
    head: ref(pull.head, pull.headSha),
    merge_base: pull.mergeBase,
    due_date: null,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    pin_order: 0,
  };
}

/** api.Branch for a branch and its head. */
export function branchJson(
  baseUrl: string,
  repo: StandinRepo,
  name: string,
  sha: string,
): Record<string, unknown> {
  return {
    name,
    commit: {
      id: sha,
      message: `head of ${name}\n`,
      url: `${baseUrl}/${repo.fullName}/commit/${sha}`,
      author: { name: 'Dev Agent', email: 'dev-agent@noreply.localhost', username: 'dev-agent' },
      committer: { name: 'Dev Agent', email: 'dev-agent@noreply.localhost', username: 'dev-agent' },
      verification: null,
      timestamp: repo.createdAt,
      added: null,
      removed: null,
      modified: null,
    },
    protected: false,
    required_approvals: 0,
    enable_status_check: false,
    status_check_contexts: [],
    user_can_push: true,
    user_can_merge: true,
    effective_branch_protection_name: '',
  };
}

/** api.CommitStatus: note `status`, not `state`. */
export function statusJson(
  baseUrl: string,
  repo: StandinRepo,
  status: StandinStatus,
): Record<string, unknown> {
  return {
    id: status.id,
    status: status.state,
    target_url: status.targetUrl,
    description: status.description,
    url: `${baseUrl}/api/v1/repos/${repo.fullName}/statuses/${status.sha}`,
    context: status.context,
    creator: userJson(baseUrl, status.creator, 1),
    created_at: status.createdAt,
    updated_at: status.updatedAt,
  };
}

/** api.CombinedStatus over the latest status per context; Gitea's zero value when there is none. */
export function combinedJson(
  baseUrl: string,
  repo: StandinRepo,
  sha: string,
  state: string,
  latest: readonly StandinStatus[],
): Record<string, unknown> {
  if (latest.length === 0) {
    return { state: '', sha: '', total_count: 0, statuses: null, repository: null, commit_url: '', url: '' };
  }
  return {
    state,
    sha,
    total_count: latest.length,
    statuses: latest.map((status) => statusJson(baseUrl, repo, status)),
    repository: repoJson(baseUrl, repo),
    commit_url: `${baseUrl}/api/v1/repos/${repo.fullName}/git/commits/${sha}`,
    url: `${baseUrl}/api/v1/repos/${repo.fullName}/commits/${sha}/status`,
  };
}
