/**
 * Webhook bodies as Gitea builds them (modules/structs/hook.go: PushPayload, CommitStatusPayload,
 * PullRequestPayload), for the demo's Gitea to send about its real repository. The API objects
 * inside (repository, user, pull request) come from the stand-in, so both speak the same shapes.
 */
import { pullJson, repoJson, userJson } from '../../adapters/sandbox/gitea/gitea-standin-json.ts';
import {
  giteaTime,
  type StandinPull,
  type StandinRepo,
  type StandinStatus,
} from '../../adapters/sandbox/gitea/gitea-standin-model.ts';

/** A commit as the payloads list it. */
export interface PayloadCommit {
  readonly id: string;
  readonly message: string;
  readonly authorName: string;
  readonly authorEmail: string;
  readonly timestamp: string;
}

const PUSHER = 'conveyor';

function commitJson(base: string, repo: StandinRepo, commit: PayloadCommit): Record<string, unknown> {
  const person = { name: commit.authorName, email: commit.authorEmail, username: '' };
  return {
    id: commit.id,
    message: `${commit.message}\n`,
    url: `${base}/${repo.fullName}/commit/${commit.id}`,
    author: person,
    committer: person,
    verification: null,
    timestamp: commit.timestamp,
    added: [],
    removed: [],
    modified: [],
  };
}

/** `push`: `commits` newest first, at most five listed (Gitea's FEED_MAX_COMMIT_NUM), the real count in total_commits. */
export function pushPayload(
  base: string,
  repo: StandinRepo,
  change: { ref: string; before: string; after: string; commits: readonly PayloadCommit[] },
): Record<string, unknown> {
  const listed = change.commits.slice(0, 5).map((c) => commitJson(base, repo, c));
  return {
    ref: change.ref,
    before: change.before,
    after: change.after,
    compare_url: `${base}/${repo.fullName}/compare/${change.before}...${change.after}`,
    commits: listed,
    total_commits: change.commits.length,
    head_commit: listed[0] ?? null,
    repository: repoJson(base, repo),
    pusher: userJson(base, PUSHER, 7),
    sender: userJson(base, PUSHER, 7),
  };
}

/** `status` (Gitea ≥ 1.23): one commit status, sent by its creator (Actions posts as `gitea-actions`). */
export function statusPayload(
  base: string,
  repo: StandinRepo,
  status: StandinStatus,
  commit: PayloadCommit,
): Record<string, unknown> {
  return {
    commit: commitJson(base, repo, commit),
    context: status.context,
    created_at: status.createdAt,
    description: status.description,
    id: status.id,
    repository: repoJson(base, repo),
    sender: userJson(base, status.creator, -2),
    sha: status.sha,
    state: status.state,
    target_url: status.targetUrl,
    updated_at: status.updatedAt,
  };
}

/** `pull_request`: `opened`, or `closed` with `pull_request.merged` for a merge. */
export function pullRequestPayload(
  base: string,
  repo: StandinRepo,
  pull: StandinPull,
  action: 'opened' | 'closed',
  now: number,
): Record<string, unknown> {
  return {
    action,
    number: pull.number,
    pull_request: { ...pullJson(base, repo, pull), updated_at: giteaTime(now) },
    requested_reviewer: null,
    repository: repoJson(base, repo),
    sender: userJson(base, pull.mergedBy ?? pull.author, 7),
    commit_id: '',
    review: null,
  };
}
