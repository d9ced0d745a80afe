/**
 * What only GitHub does, against the GitHub stand-in over a real bare repository: its errors
 * (401 bad token, 403/429 primary and secondary rate limits with their waits, 404, 422), branch
 * protection and disallowed methods as a `blocked` merge with GitHub's message, statuses and check
 * runs together in the reader with required contexts, and fast-forward refused.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GithubClient } from '../../adapters/github/github-client.ts';
import { GithubForgeReader } from '../../adapters/github/github-forge-reader.ts';
import { startGithubStandin, type GithubStandin } from '../../adapters/sandbox/github/github-standin.ts';
import type { GhRepo } from '../../adapters/sandbox/github/github-standin-model.ts';
import type { ProjectConfig } from '../../core/config/projects.ts';
import { PermanentError, RetryableError } from '../../core/errors.ts';
import { createGitRemote, pushCommit, remoteSha, type GitRemote } from '../support/git-fixtures.ts';
import { rejection } from '../support/rejection.ts';

const REPO = 'acme/shop';
const TOKEN = 'ghp_canary0123456789abcdefghijklmnopqrstuv';
const BRANCH = 'task/SHOP-7';

describe('GithubClient against the GitHub stand-in', () => {
  let git: GitRemote;
  let gh: GithubStandin;
  let client: GithubClient;
  let repo: GhRepo;

  beforeEach(async () => {
    git = await createGitRemote();
    gh = await startGithubStandin({ token: TOKEN, repos: { [REPO]: git.remote } });
    client = new GithubClient({ apiUrl: gh.url, token: TOKEN, timeoutMs: 5000 });
    repo = gh.state.repo(REPO)!;
  });
  afterEach(async () => {
    await gh.close();
    await git.cleanup();
  });

  const openPull = async () => {
    const head = await pushCommit(git.remote, BRANCH, { 'f.txt': 'f\n' }, 'SHOP-7: f');
    return { head, number: await client.ensurePullRequest(REPO, BRANCH, 'main', 'SHOP-7', 'body') };
  };

  it('a bad token is a PermanentError saying "Bad credentials", without the token', async () => {
    const bad = new GithubClient({ apiUrl: gh.url, token: `${TOKEN}x`, timeoutMs: 5000 });
    const error = await rejection(bad.branchHead(REPO, 'main'));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/reading branch main on acme\/shop: 401 .*Bad credentials/);
    expect(error.message).not.toContain(TOKEN);
  });

  it.each([403, 429] as const)('a secondary rate limit (%i) is retryable after GitHub\'s retry-after', async (status) => {
    gh.rateLimit({ kind: 'secondary', status, retryAfterS: 37 });
    const error = await rejection(client.branchHead(REPO, 'main'));
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBe(37_000);
    expect(error.message).toMatch(/secondary rate limit/);
    expect(await client.branchHead(REPO, 'main')).toBe(await remoteSha(git.remote, 'main'));
  });

  it('the primary limit (403, x-ratelimit-remaining 0) waits until x-ratelimit-reset', async () => {
    gh.rateLimit({ kind: 'primary', status: 403, resetInS: 120 });
    const error = await rejection(client.ensurePullRequest(REPO, BRANCH, 'main', 't', 'b'));
    expect(error).toBeInstanceOf(RetryableError);
    const wait = (error as RetryableError).retryAfterMs ?? 0;
    expect(wait).toBeGreaterThan(110_000);
    expect(wait).toBeLessThanOrEqual(121_000);
  });

  it('a 422 (no such head branch) is permanent with GitHub\'s validation errors; 404 on an unknown repo', async () => {
    const error = await rejection(client.ensurePullRequest(REPO, 'task/NOPE-1', 'main', 't', 'b'));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/422 .*Validation Failed/);
    expect(await client.branchHead('acme/nope', 'main')).toBeNull();
    expect(await client.pullRequest(REPO, 99)).toBeNull();
  });

  it('branch protection refuses with GitHub\'s message as blocked, and merges once satisfied', async () => {
    const { head, number } = await openPull();
    repo.protection = { requiredChecks: ['build'], requiredApprovals: 1 };
    expect(await client.merge(REPO, number, head)).toEqual({ type: 'blocked', reason: 'GitHub refused the merge: Required status check "build" is expected.' });
    gh.state.checkRun(repo, head, { name: 'build', conclusion: 'success' });
    expect(await client.merge(REPO, number, head)).toEqual({ type: 'blocked', reason: 'GitHub refused the merge: At least 1 approving review is required by reviewers with write access.' });
    gh.state.pull(repo, number)!.approvals = 1;
    expect(await client.merge(REPO, number, head)).toEqual({ type: 'merged', sha: await remoteSha(git.remote, 'main') });
    // Squash by default: one new single-parent commit on main.
    expect(gh.state.pull(repo, number)).toMatchObject({ merged: true });
  });

  it('a method the repository does not allow is blocked; fast-forward is refused before any request', async () => {
    const { head, number } = await openPull();
    repo.allowedMethods = new Set(['squash']);
    expect(await client.merge(REPO, number, head, { method: 'merge', title: 'SHOP-1: x' })).toEqual({ type: 'blocked', reason: 'GitHub refused the merge: Merge commits are not allowed on this repository.' });
    const before = gh.requests.length;
    expect(await rejection(client.merge(REPO, number, head, { method: 'fast-forward', title: 'SHOP-1: x' }))).toBeInstanceOf(PermanentError);
    expect(gh.requests.length).toBe(before);
  });

  it('the reader combines statuses and check runs, honouring the project\'s required contexts', async () => {
    const head = await pushCommit(git.remote, BRANCH, { 'g.txt': 'g\n' }, 'g');
    const project = { repo: REPO, requiredChecks: ['build', 'ci/legacy'] } as unknown as ProjectConfig;
    const strict = new GithubForgeReader(client, [project]);
    const loose = new GithubForgeReader(client);
    gh.state.checkRun(repo, head, { name: 'build', conclusion: 'success' });
    gh.state.checkRun(repo, head, { name: 'optional-lint', conclusion: 'failure', title: 'lint' });
    expect(await loose.combinedStatus(REPO, head)).toBe('failure');
    expect(await strict.combinedStatus(REPO, head)).toBe('pending');
    await client.postStatus(REPO, head, 'success', 'ci/legacy', 'ok');
    expect(await strict.combinedStatus(REPO, head)).toBe('success');
  });

  it('comments go to the PR as issue comments', async () => {
    const { number } = await openPull();
    await client.commentOnPullRequest(REPO, number, 'Merged by Conveyor');
    expect(repo.comments.map((c) => [c.issueNumber, c.body])).toEqual([[number, 'Merged by Conveyor']]);
  });
});
