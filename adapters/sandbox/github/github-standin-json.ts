/** The GitHub stand-in's JSON shapes (the fields of GitHub's REST objects that clients read). */
import type { GhCheckRun, GhComment, GhPull, GhRepo, GhStatus } from './github-standin-model.ts';

const user = (login: string) => ({ login, id: login.length * 1000 + 7, type: login.endsWith('[bot]') ? 'Bot' : 'User', html_url: `https://github.com/${login}` });

/** A repository object (`repository` in payloads, `head.repo` in pulls). */
export function repoJson(api: string, repo: GhRepo): object {
  return { id: repo.id, name: repo.name, full_name: repo.fullName, private: true, owner: user(repo.owner), html_url: `https://github.com/${repo.fullName}`, url: `${api}/repos/${repo.fullName}`, clone_url: `https://github.com/${repo.fullName}.git`, default_branch: repo.defaultBranch };
}

/** A pull request; `detail` adds what only `GET /pulls/{n}` carries (merged, mergeable). */
export function pullJson(api: string, repo: GhRepo, pull: GhPull, detail: { mergeable: boolean | null } | null): object {
  const ref = (branch: string, sha: string) => ({ label: `${repo.owner}:${branch}`, ref: branch, sha, user: user(repo.owner), repo: repoJson(api, repo) });
  return {
    url: `${api}/repos/${repo.fullName}/pulls/${pull.number}`,
    id: pull.id,
    html_url: `https://github.com/${repo.fullName}/pull/${pull.number}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: user(pull.user),
    body: pull.body,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    draft: false,
    head: ref(pull.head, pull.headSha),
    base: ref(pull.base, pull.baseSha),
    ...(detail
      ? { merged: pull.merged, mergeable: detail.mergeable, mergeable_state: pull.merged ? 'unknown' : detail.mergeable === false ? 'dirty' : 'clean', merged_by: pull.merged ? user('conveyor-bot') : null }
      : {}),
  };
}

/** An issue comment. */
export function commentJson(api: string, repo: GhRepo, comment: GhComment): object {
  return { id: comment.id, url: `${api}/repos/${repo.fullName}/issues/comments/${comment.id}`, html_url: `https://github.com/${repo.fullName}/pull/${comment.issueNumber}#issuecomment-${comment.id}`, body: comment.body, user: user(comment.user), created_at: comment.createdAt, updated_at: comment.createdAt };
}

/** A commit status. */
export function statusJson(api: string, repo: GhRepo, status: GhStatus): object {
  return { url: `${api}/repos/${repo.fullName}/statuses/${status.sha}`, id: status.id, state: status.state, description: status.description, target_url: status.targetUrl, context: status.context, created_at: status.createdAt, updated_at: status.createdAt, creator: user('conveyor-bot') };
}

/** A check run. */
export function checkRunJson(api: string, repo: GhRepo, run: GhCheckRun): object {
  return {
    id: run.id,
    head_sha: run.sha,
    external_id: '',
    url: `${api}/repos/${repo.fullName}/check-runs/${run.id}`,
    html_url: run.htmlUrl,
    details_url: run.detailsUrl ?? run.htmlUrl,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: { title: run.title, summary: run.summary, text: null, annotations_count: 0 },
    name: run.name,
    check_suite: { id: run.suiteId },
    app: { id: 15368, slug: run.appSlug, name: 'GitHub Actions' },
    pull_requests: [],
  };
}
