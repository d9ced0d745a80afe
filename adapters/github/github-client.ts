/**
 * The outbound GitHub REST client (api.github.com or GitHub Enterprise's /api/v3). Implements core's
 * ForgePort and the reads the reconciler needs. Idempotent like the Gitea client: opening a PR
 * reuses the open one, merging an already merged PR reports merged. Rate limits (403/429 with
 * `retry-after` or `x-ratelimit-*`) are RetryableErrors carrying GitHub's wait; a merge the
 * repository's rules refuse is a `blocked` outcome with GitHub's message, never retried.
 */
import { PermanentError, RetryableError } from '../../core/errors.ts';
import type { ForgeMergeOutcome, ForgeMergeStyle, ForgePort } from '../../core/ports/forge.ts';
import { HttpClient, type HttpRequest, type HttpResponse } from '../http-client/http-client.ts';
import { githubFailure } from './github-failure.ts';
import { githubMessage, readBranchHead, readCheckRuns, readPull, readPullList, readStatuses, type GithubContext, type GithubPull } from './github-wire.ts';

export type { GithubContext, GithubPull } from './github-wire.ts';

/** How to reach GitHub. */
export interface GithubClientOptions {
  /** API base URL (GITHUB_API_URL): `https://api.github.com`, or `https://ghe.example/api/v3`. */
  readonly apiUrl: string;
  /** Token (GITHUB_TOKEN), sent as `Authorization: Bearer …`, never logged. */
  readonly token: string;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

const PER_PAGE = 100;
const MAX_PAGES = 50;

/** The HTTP client every GitHub REST client shares: base URL, token, API version; the token is scrubbed. */
export function githubHttp(options: GithubClientOptions, now: () => number): HttpClient {
  return new HttpClient({
    baseUrl: options.apiUrl.replace(/\/+$/, ''),
    headers: { Authorization: `Bearer ${options.token}`, Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28', 'User-Agent': 'conveyor' },
    timeoutMs: options.timeoutMs,
    fetch: options.fetch,
    secrets: [options.token],
    now,
  });
}

/** GitHub REST client. */
export class GithubClient implements ForgePort {
  private readonly http: HttpClient;
  private readonly now: () => number;

  constructor(options: GithubClientOptions) {
    this.now = options.now ?? Date.now;
    this.http = githubHttp(options, this.now);
  }

  /** Returns the open PR `branch` → `base`, or opens it (a 422 "already exists" race is looked up again). */
  async ensurePullRequest(repo: string, branch: string, base: string, title: string, body: string): Promise<number> {
    const existing = await this.findOpenPull(repo, branch, base);
    if (existing) return existing.number;
    const operation = `opening PR for ${branch} on ${repo}`;
    const response = await this.http.send(operation, { method: 'POST', path: `${repoPath(repo)}/pulls`, body: { head: branch, base, title, body } });
    if (response.status === 201) {
      const pull = readPull(response.body);
      if (!pull) throw this.http.unexpected(operation, 'no pull request number');
      return pull.number;
    }
    if (response.status === 422 && /already exists/i.test(githubMessage(response.body))) {
      const raced = await this.findOpenPull(repo, branch, base);
      if (raced) return raced.number;
      throw new RetryableError(`${operation}: GitHub reports an open PR for ${branch} → ${base} but none is listed`);
    }
    throw this.fail(operation, response);
  }

  /** The open PR from `branch` into `base` (GitHub filters by `owner:branch`), or null. */
  async findOpenPull(repo: string, branch: string, base: string): Promise<GithubPull | null> {
    const operation = `finding the open PR for ${branch} on ${repo}`;
    const owner = repo.split('/')[0] ?? '';
    for (let page = 1; page <= MAX_PAGES; page++) {
      const response = await this.expect(operation, { method: 'GET', path: `${repoPath(repo)}/pulls`, query: { state: 'open', head: `${owner}:${branch}`, base, per_page: PER_PAGE, page } });
      const pulls = readPullList(response.body);
      if (!pulls) throw this.http.unexpected(operation, 'not a list of pull requests');
      const match = pulls.find((p) => p.headRef === branch && p.baseRef === base);
      if (match) return match;
      if (!/rel="next"/.test(response.headers.get('link') ?? '')) return null;
    }
    throw this.http.unexpected(operation, `still listing after ${MAX_PAGES} pages`);
  }

  /** One pull request, or null when it does not exist. */
  async pullRequest(repo: string, number: number): Promise<GithubPull | null> {
    const operation = `reading PR #${number} on ${repo}`;
    const response = await this.http.send(operation, { method: 'GET', path: `${repoPath(repo)}/pulls/${number}` });
    if (response.status === 404) return null;
    if (response.status !== 200) throw this.fail(operation, response);
    const pull = readPull(response.body);
    if (!pull) throw this.http.unexpected(operation, 'not a pull request');
    return pull;
  }

  /** Comments on the PR (PR comments are issue comments on GitHub). */
  async commentOnPullRequest(repo: string, number: number, body: string): Promise<void> {
    await this.expect(`commenting on PR #${number} on ${repo}`, { method: 'POST', path: `${repoPath(repo)}/issues/${number}/comments`, body: { body } }, [201]);
  }

  /** Posts a commit status. */
  async postStatus(repo: string, sha: string, state: 'pending' | 'success' | 'failure', context: string, description: string, targetUrl?: string): Promise<void> {
    await this.expect(`posting status "${context}" for ${sha} on ${repo}`, { method: 'POST', path: `${repoPath(repo)}/statuses/${encodeURIComponent(sha)}`, body: { state, context, description: description.slice(0, 140), ...(targetUrl ? { target_url: targetUrl } : {}) } }, [201]);
  }

  /** The head commit of `branch`, or null when it does not exist. */
  async branchHead(repo: string, branch: string): Promise<string | null> {
    const operation = `reading branch ${branch} on ${repo}`;
    const response = await this.http.send(operation, { method: 'GET', path: `${repoPath(repo)}/branches/${branch.split('/').map(encodeURIComponent).join('/')}` });
    if (response.status === 404) return null;
    if (response.status !== 200) throw this.fail(operation, response);
    const sha = readBranchHead(response.body);
    if (!sha) throw this.http.unexpected(operation, 'no commit sha');
    return sha;
  }

  /** Every CI context of `ref`: its commit statuses (latest per context) and its check runs. */
  async ciContexts(repo: string, ref: string): Promise<GithubContext[]> {
    const path = `${repoPath(repo)}/commits/${encodeURIComponent(ref)}`;
    const statusOp = `reading the statuses of ${ref} on ${repo}`;
    const statuses = readStatuses((await this.expect(statusOp, { method: 'GET', path: `${path}/status`, query: { per_page: PER_PAGE } }, [200])).body);
    if (!statuses) throw this.http.unexpected(statusOp, 'not a combined status');
    const checksOp = `reading the check runs of ${ref} on ${repo}`;
    const runs: GithubContext[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const read = readCheckRuns((await this.expect(checksOp, { method: 'GET', path: `${path}/check-runs`, query: { per_page: PER_PAGE, page } }, [200])).body);
      if (!read) throw this.http.unexpected(checksOp, 'not a list of check runs');
      runs.push(...read.runs);
      if (read.runs.length === 0 || page * PER_PAGE >= read.total) break;
    }
    return [...statuses, ...runs];
  }

  /**
   * Merges PR `number` if its head is still `headSha` (GitHub's `sha` guard) with the style's
   * method (default squash; squash and merge commits titled with the style's title). 200 names the
   * commit now on the base branch. 409: the head moved or GitHub has not seen the push yet (retryable). 405:
   * already merged → merged; not mergeable with conflicts → conflict; refused by branch protection,
   * rulesets or the repository's allowed methods → blocked with GitHub's message.
   */
  async merge(repo: string, number: number, headSha: string, style?: ForgeMergeStyle): Promise<ForgeMergeOutcome> {
    const operation = `merging PR #${number} on ${repo}`;
    const method = style?.method ?? 'squash';
    if (method === 'fast-forward') throw new PermanentError(`${operation}: GitHub has no fast-forward merge; set git.mergeMethod to merge, squash or rebase`);
    const title = style && method !== 'rebase' ? { commit_title: method === 'merge' ? `Merge ${style.title}` : style.title } : {};
    const response = await this.http.send(operation, { method: 'PUT', path: `${repoPath(repo)}/pulls/${number}/merge`, body: { sha: headSha, merge_method: method, ...title } });
    if (response.status === 200) {
      const sha = (response.body as { sha?: unknown } | null)?.sha;
      return typeof sha === 'string' && /^[0-9a-f]{40}$/.test(sha) ? { type: 'merged', sha } : { type: 'merged' };
    }
    const message = githubMessage(response.body);
    if (response.status === 409) throw new RetryableError(`${operation}: 409 ${message} (expected head ${headSha.slice(0, 7)})`);
    if (response.status !== 405) throw this.fail(operation, response);
    const pull = await this.pullRequest(repo, number);
    if (pull?.merged) return { type: 'merged' };
    if (!pull || pull.state === 'closed') return { type: 'blocked', reason: `GitHub refused the merge: PR #${number} is ${pull ? 'closed' : 'gone'}` };
    if (/not mergeable/i.test(message) && pull?.mergeable === false) return { type: 'conflict', reason: `GitHub: ${message} (merge conflicts with ${pull.baseRef})` };
    if (/not mergeable/i.test(message) && pull?.mergeable === null) throw new RetryableError(`${operation}: 405 ${message} (GitHub is still computing mergeability)`);
    return { type: 'blocked', reason: `GitHub refused the merge: ${message}` };
  }

  private async expect(operation: string, request: HttpRequest, ok: readonly number[] = [200]): Promise<HttpResponse> {
    const response = await this.http.send(operation, request);
    if (ok.includes(response.status)) return response;
    throw this.fail(operation, response);
  }

  private fail(operation: string, response: HttpResponse): RetryableError | PermanentError {
    return githubFailure(this.http, operation, response, this.now);
  }
}

/** `/repos/{owner}/{name}` for `owner/name`. */
function repoPath(repo: string): string {
  const parts = repo.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new PermanentError(`invalid repository "${repo}": expected owner/name`);
  return `/repos/${encodeURIComponent(parts[0])}/${encodeURIComponent(parts[1])}`;
}
