/**
 * The outbound Gitea API client (REST v1). Implements core's ForgePort and adds the reads the
 * reconciler and merge gate need. Every call is idempotent: opening a PR reuses the open one, merging
 * an already merged PR reports merged. Failures are core's typed errors naming the operation.
 */
import { PermanentError, RetryableError } from '../../core/errors.ts';
import type { MergeMethod } from '../../core/config/git-policy-schema.ts';
import type { ForgeMergeOutcome, ForgeMergeStyle, ForgePort } from '../../core/ports/forge.ts';
import { HttpClient } from '../http-client/http-client.ts';
import type { HttpResponse } from '../http-client/http-client.ts';
import {
  errorMessage,
  readBranchHead,
  readCombinedStatus,
  readPull,
  readPullList,
  type GiteaCombinedStatus,
  type GiteaPull,
} from './gitea-wire.ts';

export type { GiteaCombinedStatus, GiteaPull, GiteaStatus } from './gitea-wire.ts';

/** How to reach one Gitea instance. */
export interface GiteaClientOptions {
  /** Instance base URL without `/api/v1` (GITEA_URL). */
  readonly baseUrl: string;
  /** Personal access token (GITEA_TOKEN); sent as `Authorization: token …`, never logged. */
  readonly token: string;
  /** Per-request timeout; default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Replaceable for tests. */
  readonly fetch?: typeof fetch;
}

/** What a merge attempt came to; `sha` is the commit Gitea put on the base branch, when it says. */
export type MergeOutcome = ForgeMergeOutcome;

/** Gitea's `Do` for each merge method (ADR 0037; services/forms/repo_form.go). */
const GITEA_STYLE: Readonly<Record<MergeMethod, string>> = {
  squash: 'squash',
  merge: 'merge',
  rebase: 'rebase',
  'fast-forward': 'fast-forward-only',
};

const PAGE_LIMIT = 50;
/** A server that ignores `page` would otherwise be walked forever. */
const MAX_PAGES = 200;

/** Gitea REST client. */
export class GiteaClient implements ForgePort {
  private readonly http: HttpClient;

  constructor(options: GiteaClientOptions) {
    this.http = new HttpClient({
      baseUrl: `${options.baseUrl.replace(/\/+$/, '')}/api/v1`,
      headers: { Authorization: `token ${options.token}` },
      timeoutMs: options.timeoutMs,
      fetch: options.fetch,
      secrets: [options.token],
    });
  }

  /** Opens the PR `branch` → `base`, or returns the number of the open one Gitea reports (409). */
  async ensurePullRequest(
    repo: string,
    branch: string,
    base: string,
    title: string,
    body: string,
  ): Promise<number> {
    const operation = `opening PR for ${branch} on ${repo}`;
    const response = await this.http.send(operation, {
      method: 'POST',
      path: `${repoPath(repo)}/pulls`,
      body: { head: branch, base, title, body },
    });
    if (response.status === 201) {
      const pull = readPull(response.body);
      if (!pull) throw this.http.unexpected(operation, 'no pull request number');
      return pull.number;
    }
    if (response.status !== 409) throw this.http.failure(operation, response);
    const existing = await this.findOpenPull(repo, branch, base);
    if (existing) return existing.number;
    // Gitea said one exists but it is not in the open list: it was closed or merged in between.
    throw new RetryableError(
      `${operation}: Gitea reports an open PR for ${branch} → ${base} but none is listed`,
    );
  }

  /** The open PR from `branch` into `base`, walking every page of the open list. */
  async findOpenPull(repo: string, branch: string, base: string): Promise<GiteaPull | null> {
    const operation = `finding the open PR for ${branch} on ${repo}`;
    let seen = 0;
    for (let page = 1; page <= MAX_PAGES; page++) {
      const response = await this.http.expect(
        operation,
        { method: 'GET', path: `${repoPath(repo)}/pulls`, query: { state: 'open', page, limit: PAGE_LIMIT } },
        [200],
      );
      const pulls = readPullList(response.body);
      if (!pulls) throw this.http.unexpected(operation, 'not a list of pull requests');
      const match = pulls.find((pull) => pull.headRef === branch && pull.baseRef === base);
      if (match) return match;
      seen += pulls.length;
      const total = Number(response.headers.get('x-total-count'));
      // The server may cap `limit` below what we asked, so only an empty page or the total ends the walk.
      if (pulls.length === 0 || (Number.isFinite(total) && total > 0 && seen >= total)) return null;
    }
    throw this.http.unexpected(operation, `still listing after ${MAX_PAGES} pages`);
  }

  /** One pull request by number, or null when it does not exist. */
  async pullRequest(repo: string, number: number): Promise<GiteaPull | null> {
    const operation = `reading PR #${number} on ${repo}`;
    const response = await this.http.send(operation, {
      method: 'GET',
      path: `${repoPath(repo)}/pulls/${number}`,
    });
    if (response.status === 404) return null;
    if (response.status !== 200) throw this.http.failure(operation, response);
    const pull = readPull(response.body);
    if (!pull) throw this.http.unexpected(operation, 'not a pull request');
    return pull;
  }

  /** Posts a commit status (Gitea answers 201 with the status, its state under `status`). */
  async postStatus(
    repo: string,
    sha: string,
    state: 'pending' | 'success' | 'failure',
    context: string,
    description: string,
    targetUrl?: string,
  ): Promise<void> {
    await this.http.expect(
      `posting status "${context}" for ${sha} on ${repo}`,
      {
        method: 'POST',
        path: `${repoPath(repo)}/statuses/${encodeURIComponent(sha)}`,
        body: { state, context, description, ...(targetUrl ? { target_url: targetUrl } : {}) },
      },
      [200, 201],
    );
  }

  /** The head commit of `branch`, or null when the branch does not exist. */
  async branchHead(repo: string, branch: string): Promise<string | null> {
    const operation = `reading branch ${branch} on ${repo}`;
    // The route is `/branches/*`: slashes in the name stay path separators, each segment encoded.
    const path = `${repoPath(repo)}/branches/${branch.split('/').map(encodeURIComponent).join('/')}`;
    const response = await this.http.send(operation, { method: 'GET', path });
    if (response.status === 404) return null;
    if (response.status !== 200) throw this.http.failure(operation, response);
    const sha = readBranchHead(response.body);
    if (!sha) throw this.http.unexpected(operation, 'no commit id');
    return sha;
  }

  /** The combined status of a branch, tag or commit (`ref` is one path segment: slashes become %2F). */
  async combinedStatus(repo: string, ref: string): Promise<GiteaCombinedStatus> {
    const operation = `reading combined status of ${ref} on ${repo}`;
    const response = await this.http.expect(
      operation,
      {
        method: 'GET',
        path: `${repoPath(repo)}/commits/${encodeURIComponent(ref)}/status`,
        query: { limit: PAGE_LIMIT },
      },
      [200],
    );
    const combined = readCombinedStatus(response.body);
    if (!combined) throw this.http.unexpected(operation, 'not a combined status');
    return combined;
  }

  /**
   * Merges PR `number` if its head is still `headSha` (Gitea's `head_commit_id` guard). 409 merge
   * conflicts are a conflict; 409 "head out of date" is retryable (the forge has not seen the push yet); 405 is checked against the PR itself: merged means merged, "try again later" is
   * retryable, anything else permanent. The style maps the project's merge method to Gitea's `Do`
   * (squash titled with MergeTitleField); without one, Gitea's `merge`. A merged PR is read back
   * for the sha now on the base branch (`merge_commit_sha`).
   */
  async merge(repo: string, number: number, headSha: string, style?: ForgeMergeStyle): Promise<MergeOutcome> {
    const operation = `merging PR #${number} on ${repo}`;
    const title = style && (style.method === 'squash' || style.method === 'merge') ? { MergeTitleField: style.method === 'merge' ? `Merge ${style.title}` : style.title } : {};
    const response = await this.http.send(operation, {
      method: 'POST',
      path: `${repoPath(repo)}/pulls/${number}/merge`,
      body: { Do: GITEA_STYLE[style?.method ?? 'merge'], ...title, head_commit_id: headSha, delete_branch_after_merge: false },
    });
    if (response.status === 200) return this.merged(repo, number);
    if (response.status === 409) {
      const reason = conflictReason(response);
      // The forge has not seen the pushed head yet (or someone pushed): not a conflict, ask again.
      if (/head out of date/i.test(reason)) throw new RetryableError(`${operation}: 409 ${reason} (expected head ${headSha.slice(0, 7)})`);
      return { type: 'conflict', reason };
    }
    if (response.status !== 405) throw this.http.failure(operation, response);
    // Gitea answers an already merged PR with 405 and an empty message, so ask the PR itself.
    const pull = await this.pullRequest(repo, number);
    if (pull?.merged) return pull.mergeCommitSha ? { type: 'merged', sha: pull.mergeCommitSha } : { type: 'merged' };
    const message = errorMessage(response.body);
    if (/try again later/i.test(message)) {
      throw new RetryableError(`${operation}: 405 ${message} (mergeability check pending or conflicting)`);
    }
    throw new PermanentError(this.http.failure(operation, response).message);
  }

  /** A merge Gitea accepted, with the sha it reports on the PR (none when the read fails: the merge stands). */
  private async merged(repo: string, number: number): Promise<MergeOutcome> {
    const pull = await this.pullRequest(repo, number).catch(() => null);
    return pull?.mergeCommitSha ? { type: 'merged', sha: pull.mergeCommitSha } : { type: 'merged' };
  }
}

/** `/repos/{owner}/{name}` for `owner/name`; anything else is a programming or configuration error. */
function repoPath(repo: string): string {
  const parts = repo.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new PermanentError(`invalid repository "${repo}": expected owner/name`);
  }
  return `/repos/${encodeURIComponent(parts[0])}/${encodeURIComponent(parts[1])}`;
}

function conflictReason(response: HttpResponse): string {
  const message = errorMessage(response.body);
  if (message) return message;
  const stderr = (response.body as { StdErr?: unknown } | null)?.StdErr;
  const detail = typeof stderr === 'string' ? stderr.trim().split('\n').slice(0, 3).join(' ') : '';
  return detail ? `merge conflicts: ${detail}` : 'merge conflicts';
}
