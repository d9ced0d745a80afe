/**
 * Contract suite for the Gitea client, run over HTTP against the Gitea stand-in. Also pins the
 * stand-in's own fidelity: webhook signing recipe (against the fixtures), body serialisation and
 * the wire shapes the client relies on.
 */
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GiteaClient } from '../../adapters/gitea/gitea-client.ts';
import { goJson } from '../../adapters/sandbox/gitea/go-json.ts';
import { startGiteaStandin, type GiteaStandin } from '../../adapters/sandbox/gitea/gitea-standin.ts';
import { PermanentError, RetryableError } from '../../core/errors.ts';
import type { MergeMethod } from '../../core/config/git-policy-schema.ts';
import { createGitRemote, git, pushCommit, remoteLog, type GitRemote } from '../support/git-fixtures.ts';
import { rejection } from '../support/rejection.ts';

const TOKEN = 'gitea-canary-5f1c7a2b9d3e4f60a1b2c3d4e5f60718';
const REPO = 'acme/shop';
const BRANCH = 'task/SHOP-42';
const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures');

describe('GiteaClient against the Gitea stand-in', () => {
  let gitea: GiteaStandin;
  let client: GiteaClient;

  beforeEach(async () => {
    gitea = await startGiteaStandin({ token: TOKEN, repos: [REPO] });
    client = new GiteaClient({ baseUrl: gitea.url, token: TOKEN, timeoutMs: 2000 });
  });
  afterEach(async () => {
    await gitea.close();
  });

  describe('ensurePullRequest', () => {
    it('opens the PR, then reuses it on the 409 Gitea answers for a second open PR', async () => {
      gitea.state.setBranchHead(REPO, BRANCH);
      const first = await client.ensurePullRequest(REPO, BRANCH, 'main', 'SHOP-42: coupons', 'body text');
      const second = await client.ensurePullRequest(REPO, BRANCH, 'main', 'SHOP-42: coupons', 'body text');

      expect(second).toBe(first);
      const pulls = gitea.state.pullRequests(REPO);
      expect(pulls).toHaveLength(1);
      expect(pulls[0]).toMatchObject({
        number: first,
        head: BRANCH,
        base: 'main',
        title: 'SHOP-42: coupons',
        body: 'body text',
      });
      const posts = gitea.requests.filter(
        (r) => r.method === 'POST' && r.path === '/api/v1/repos/acme/shop/pulls',
      );
      expect(posts).toHaveLength(2);
    });

    it('finds the open PR on a later page of the open list (page/limit pagination)', async () => {
      gitea.state.setBranchHead(REPO, BRANCH);
      const target = await client.ensurePullRequest(REPO, BRANCH, 'main', 'SHOP-42', '');
      // The same head into another base is listed first and must not be taken for ours.
      gitea.state.setBranchHead(REPO, 'release');
      const decoy = await client.ensurePullRequest(REPO, BRANCH, 'release', 'SHOP-42 backport', '');
      for (let i = 0; i < 70; i++) {
        gitea.state.setBranchHead(REPO, `task/OTHER-${i}`);
        gitea.state.createPull(REPO, { head: `task/OTHER-${i}`, base: 'main', title: `other ${i}` });
      }
      expect(decoy).not.toBe(target);
      expect(await client.ensurePullRequest(REPO, BRANCH, 'main', 'SHOP-42', '')).toBe(target);

      const lists = gitea.requests.filter(
        (r) => r.method === 'GET' && r.path === '/api/v1/repos/acme/shop/pulls',
      );
      expect(lists.map((r) => new URLSearchParams(r.query).get('page'))).toEqual(['1', '2']);
      expect(new URLSearchParams(lists[0]!.query).get('state')).toBe('open');
    });

    it('turns a 422 into a PermanentError that names the operation', async () => {
      const error = await rejection(client.ensurePullRequest(REPO, 'main', 'main', 'same', ''));
      expect(error).toBeInstanceOf(PermanentError);
      expect(error.message).toBe(
        'opening PR for main on acme/shop: 422 Invalid PullRequest: There are no changes between the head and the base',
      );
    });

    it('rejects a malformed repository name before any request', async () => {
      await expect(client.ensurePullRequest('shop', BRANCH, 'main', 't', '')).rejects.toBeInstanceOf(
        PermanentError,
      );
      expect(gitea.requests).toHaveLength(0);
    });
  });

  describe('postStatus and combinedStatus', () => {
    it('posts statuses that Gitea stores and answers with `status` (not `state`) and an id', async () => {
      const sha = gitea.state.setBranchHead(REPO, BRANCH);
      await client.postStatus(REPO, sha, 'pending', 'conveyor/ci', 'npm test running', 'http://ci.local/1');

      expect(gitea.state.statuses(REPO, sha)).toEqual([
        expect.objectContaining({
          state: 'pending',
          context: 'conveyor/ci',
          description: 'npm test running',
          targetUrl: 'http://ci.local/1',
        }),
      ]);
      const raw = await fetch(`${gitea.url}/api/v1/repos/${REPO}/statuses/${sha}`, {
        method: 'POST',
        headers: { Authorization: `token ${TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ state: 'success', context: 'raw' }),
      });
      expect(raw.status).toBe(201);
      const body = (await raw.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ status: 'success', context: 'raw' });
      expect(typeof body.id).toBe('number');
      expect(body).not.toHaveProperty('state');
    });

    it("combines the latest status per context with Gitea's rules", async () => {
      const sha = gitea.state.setBranchHead(REPO, BRANCH);
      expect(await client.combinedStatus(REPO, sha)).toEqual({ state: 'pending', statuses: [] });

      await client.postStatus(REPO, sha, 'pending', 'CI / test (push)', 'running');
      await client.postStatus(REPO, sha, 'success', 'CI / lint (push)', 'ok');
      expect((await client.combinedStatus(REPO, sha)).state).toBe('pending');

      await client.postStatus(REPO, sha, 'success', 'CI / test (push)', 'Successful in 1m42s');
      const green = await client.combinedStatus(REPO, sha);
      expect(green.state).toBe('success');
      expect(green.statuses).toEqual([
        { context: 'CI / lint (push)', status: 'success', description: 'ok', target_url: '' },
        {
          context: 'CI / test (push)',
          status: 'success',
          description: 'Successful in 1m42s',
          target_url: '',
        },
      ]);

      gitea.state.postStatus(REPO, sha, {
        state: 'error',
        context: 'CI / build (push)',
        creator: 'gitea-actions',
      });
      expect((await client.combinedStatus(REPO, sha)).state).toBe('failure');
    });

    it('resolves a branch name with a slash as one %2F-encoded ref segment', async () => {
      const sha = gitea.state.setBranchHead(REPO, BRANCH);
      gitea.state.postStatus(REPO, sha, {
        state: 'failure',
        context: 'CI / test (push)',
        description: 'Failing after 48s',
      });

      const combined = await client.combinedStatus(REPO, BRANCH);
      expect(combined.state).toBe('failure');
      expect(gitea.requests.at(-1)?.path).toBe('/api/v1/repos/acme/shop/commits/task%2FSHOP-42/status');
    });
  });

  describe('branchHead', () => {
    it('reads a branch whose name has slashes, and null for a missing one', async () => {
      const sha = gitea.state.setBranchHead(REPO, 'task/SHOP-42/sub');
      expect(await client.branchHead(REPO, 'task/SHOP-42/sub')).toBe(sha);
      expect(gitea.requests.at(-1)?.path).toBe('/api/v1/repos/acme/shop/branches/task/SHOP-42/sub');
      expect(await client.branchHead(REPO, 'task/SHOP-404')).toBeNull();
    });

    it('treats an unknown repository as a missing branch (Gitea answers 404)', async () => {
      expect(await client.branchHead('acme/nope', 'main')).toBeNull();
    });
  });

  describe('merge', () => {
    let number: number;
    let head: string;

    beforeEach(async () => {
      head = gitea.state.setBranchHead(REPO, BRANCH);
      number = await client.ensurePullRequest(REPO, BRANCH, 'main', 'SHOP-42', '');
    });

    it('merges when the head is still the given sha, and moves the base branch', async () => {
      const before = gitea.state.branchHead(REPO, 'main');
      const merged = await client.merge(REPO, number, head);
      const pull = gitea.state.pullRequest(REPO, number)!;
      // Gitea answers 200 with no body: the sha on main is read back from the PR.
      expect(merged).toEqual({ type: 'merged', sha: pull.mergeCommitSha });
      expect(pull).toMatchObject({ merged: true, state: 'closed' });
      expect(gitea.state.branchHead(REPO, 'main')).toBe(pull.mergeCommitSha);
      expect(gitea.state.branchHead(REPO, 'main')).not.toBe(before);
      expect(gitea.state.branchHead(REPO, BRANCH)).toBe(head);
    });

    it('reports merged again for an already merged PR (Gitea: 405 with an empty message)', async () => {
      await client.merge(REPO, number, head);
      expect(await client.merge(REPO, number, head)).toEqual({ type: 'merged', sha: gitea.state.pullRequest(REPO, number)!.mergeCommitSha });
    });

    it('refuses to merge a head the forge does not have (409 head out of date) with a retryable error, not a conflict', async () => {
      gitea.state.setBranchHead(REPO, BRANCH);
      await expect(client.merge(REPO, number, head)).rejects.toMatchObject({
        name: 'RetryableError',
        message: expect.stringMatching(/head out of date/),
      });
      expect(gitea.state.pullRequest(REPO, number)?.merged).toBe(false);
    });

    it("reports a conflict from Gitea's merge-conflict body, which has no message", async () => {
      gitea.state.forceMergeConflict(REPO, number, 'CONFLICT (content): Merge conflict in src/cart.js');
      expect(await client.merge(REPO, number, head)).toEqual({
        type: 'conflict',
        reason: 'merge conflicts: CONFLICT (content): Merge conflict in src/cart.js',
      });
    });

    it('is retryable while Gitea is still checking mergeability (405 Please try again later)', async () => {
      gitea.state.setMergeability(REPO, number, 'checking');
      const error = await rejection(client.merge(REPO, number, head));
      expect(error).toBeInstanceOf(RetryableError);
      expect(error.message).toMatch(/^merging PR #\d+ on acme\/shop: 405 Please try again later/);
    });

    it('is permanent for a PR that does not exist or was closed', async () => {
      const missing = await rejection(client.merge(REPO, 999, head));
      expect(missing).toBeInstanceOf(PermanentError);
      expect(missing.message).toMatch(/^merging PR #999 on acme\/shop: 404/);
      gitea.state.closePullRequest(REPO, number);
      await expect(client.merge(REPO, number, head)).rejects.toBeInstanceOf(PermanentError);
    });
  });

  describe('failures', () => {
    it('maps a wrong token to a PermanentError without the token in the message', async () => {
      const wrong = `${TOKEN}-revoked`;
      const bad = new GiteaClient({ baseUrl: gitea.url, token: wrong });
      const error = await rejection(bad.branchHead(REPO, BRANCH));
      expect(error).toBeInstanceOf(PermanentError);
      expect(error.message).toBe(
        'reading branch task/SHOP-42 on acme/shop: 401 invalid username, password or token',
      );
      expect(error.message).not.toContain(wrong);
    });

    it('never puts a token that fetch refuses as a header value into the message', async () => {
      const broken = `${TOKEN}\nX-Injected: 1`;
      const error = await rejection(
        new GiteaClient({ baseUrl: gitea.url, token: broken }).branchHead(REPO, BRANCH),
      );
      expect(error).toBeInstanceOf(PermanentError);
      expect(error.message).toMatch(/^reading branch task\/SHOP-42 on acme\/shop: request not sent/);
      expect(error.message).not.toContain(TOKEN);
      expect(gitea.requests).toHaveLength(0);
    });

    it('maps 503 with Retry-After seconds to a RetryableError with that delay', async () => {
      gitea.injectFault({ status: 503, body: 'upstream down', headers: { 'Retry-After': '7' } });
      const error = await rejection(client.postStatus(REPO, 'a'.repeat(40), 'success', 'ci', 'ok'));
      expect(error).toBeInstanceOf(RetryableError);
      expect((error as RetryableError).retryAfterMs).toBe(7000);
      expect(error.message).toBe(`posting status "ci" for ${'a'.repeat(40)} on acme/shop: 503 upstream down`);
    });

    it('maps 429 with an HTTP-date Retry-After to a RetryableError', async () => {
      const at = new Date(Date.now() + 30_000).toUTCString();
      gitea.injectFault({ status: 429, body: { message: 'rate limited' }, headers: { 'Retry-After': at } });
      const error = (await rejection(client.combinedStatus(REPO, 'main'))) as RetryableError;
      expect(error).toBeInstanceOf(RetryableError);
      expect(error.retryAfterMs).toBeGreaterThan(25_000);
      expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
    });

    it('gives up on a route that never answers after timeoutMs, as a RetryableError', async () => {
      const quick = new GiteaClient({ baseUrl: gitea.url, token: TOKEN, timeoutMs: 150 });
      gitea.injectFault({ hang: true, path: /\/branches\// });
      const started = Date.now();
      const error = await rejection(quick.branchHead(REPO, BRANCH));
      expect(error).toBeInstanceOf(RetryableError);
      expect(error.message).toBe('reading branch task/SHOP-42 on acme/shop: no answer within 150 ms');
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('maps a refused connection to a RetryableError', async () => {
      await gitea.close();
      const error = await rejection(client.branchHead(REPO, BRANCH));
      expect(error).toBeInstanceOf(RetryableError);
      expect(error.message).toMatch(
        /^reading branch task\/SHOP-42 on acme\/shop: request failed: fetch failed/,
      );
      gitea = await startGiteaStandin({ token: TOKEN });
    });
  });
});

describe('GiteaClient merge styles on a real repository behind the stand-in', () => {
  let gitea: GiteaStandin;
  let client: GiteaClient;
  let remote: GitRemote;
  let head: string;
  let number: number;
  const bodies: Record<string, unknown>[] = [];

  beforeEach(async () => {
    remote = await createGitRemote();
    await pushCommit(remote.remote, BRANCH, { 'cart.txt': 'cart\n' }, 'SHOP-42 developer: attempt 1');
    head = await pushCommit(remote.remote, BRANCH, { 'cart.txt': 'cart with coupons\n' }, 'SHOP-42 developer: attempt 2');
    gitea = await startGiteaStandin({ token: TOKEN, gitRepos: { [REPO]: remote.remote } });
    bodies.length = 0;
    const capture: typeof fetch = async (input, init) => {
      const url = input instanceof Request ? input.url : input.toString();
      if (init?.method === 'POST' && url.endsWith('/merge') && typeof init.body === 'string') bodies.push(JSON.parse(init.body) as Record<string, unknown>);
      return fetch(input, init);
    };
    client = new GiteaClient({ baseUrl: gitea.url, token: TOKEN, timeoutMs: 5000, fetch: capture });
    number = await client.ensurePullRequest(REPO, BRANCH, 'main', 'SHOP-42: coupons', '');
  });
  afterEach(async () => {
    await gitea.close();
    await remote.cleanup();
  });

  const rev = (args: readonly string[]) => git(remote.remote, args);
  const parents = async () => (await rev(['rev-list', '--parents', '-n', '1', 'main'])).split(' ').slice(1);
  const style = (method: MergeMethod) => ({ method, title: 'SHOP-42: coupons' });

  it.each([
    ['squash', { Do: 'squash', MergeTitleField: 'SHOP-42: coupons' }],
    ['merge', { Do: 'merge', MergeTitleField: 'Merge SHOP-42: coupons' }],
    ['rebase', { Do: 'rebase' }],
    ['fast-forward', { Do: 'fast-forward-only' }],
  ] as const)('%s: sends Gitea its Do with the head guard, and reports the sha now on main', async (method, sent) => {
    const before = await rev(['rev-parse', 'main']);
    const merged = await client.merge(REPO, number, head, style(method));
    const main = await rev(['rev-parse', 'main']);
    expect(merged).toEqual({ type: 'merged', sha: main });
    expect(bodies).toEqual([{ ...sent, head_commit_id: head, delete_branch_after_merge: false }]);
    // Whatever the style, main holds exactly the PR head's tree (main had not moved).
    expect(await rev(['rev-parse', 'main^{tree}'])).toBe(await rev(['rev-parse', `${head}^{tree}`]));
    const subjects = (await remoteLog(remote.remote, 'main')).slice(0, 3);
    if (method === 'squash') {
      expect(await parents()).toEqual([before]);
      expect(subjects).toEqual(['SHOP-42: coupons', 'Initial commit']);
    } else if (method === 'merge') {
      expect(await parents()).toEqual([before, head]);
      expect(subjects[0]).toBe('Merge SHOP-42: coupons');
    } else {
      expect(main).toBe(head);
    }
  });

  it('rebase: replays the PR commits onto a main that moved', async () => {
    const moved = await pushCommit(remote.remote, 'main', { 'other.txt': 'other\n' }, 'other work');
    const merged = await client.merge(REPO, number, head, style('rebase'));
    const main = await rev(['rev-parse', 'main']);
    expect(merged).toEqual({ type: 'merged', sha: main });
    expect(await remoteLog(remote.remote, 'main')).toEqual(['SHOP-42 developer: attempt 2', 'SHOP-42 developer: attempt 1', 'other work', 'Initial commit']);
    expect(await rev(['merge-base', '--is-ancestor', moved, 'main'])).toBe('');
  });

  it('fast-forward: refuses a main that moved (409, a conflict for the merge gate) and leaves main alone', async () => {
    const moved = await pushCommit(remote.remote, 'main', { 'other.txt': 'other\n' }, 'other work');
    const outcome = await client.merge(REPO, number, head, style('fast-forward'));
    expect(outcome).toMatchObject({ type: 'conflict', reason: expect.stringMatching(/fast-forward/) });
    expect(await rev(['rev-parse', 'main'])).toBe(moved);
    expect(gitea.state.pullRequest(REPO, number)?.merged).toBe(false);
  });

  it('keeps the head guard for every style: a head the forge moved is not merged', async () => {
    const newer = await pushCommit(remote.remote, BRANCH, { 'cart.txt': 'someone else\n' }, 'a push after the test');
    await expect(client.merge(REPO, number, head, style('squash'))).rejects.toMatchObject({ name: 'RetryableError' });
    expect(await rev(['rev-parse', BRANCH])).toBe(newer);
    expect(gitea.state.pullRequest(REPO, number)?.merged).toBe(false);
  });
});

describe('Gitea webhooks: fixtures and the stand-in sender', () => {
  const names = [
    'gitea-push',
    'gitea-status-failure',
    'gitea-status-success',
    'gitea-pull_request-opened',
    'gitea-pull_request-merged',
  ];
  let receiver: WebhookReceiver;
  let received: WebhookReceiver['received'];
  let target: string;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    received = receiver.received;
    target = `${receiver.url}/webhooks/gitea`;
  });
  afterAll(async () => {
    await receiver.close();
  });

  it.each(names)(
    '%s: the fixture signature is HMAC-SHA256/SHA1 of its exact bytes under test-secret',
    async (name) => {
      const body = await readFile(path.join(FIXTURES, `${name}.json`));
      const headers = JSON.parse(
        await readFile(path.join(FIXTURES, `${name}.headers.json`), 'utf8'),
      ) as Record<string, string>;
      const sha256 = createHmac('sha256', 'test-secret').update(body).digest('hex');
      expect(headers['X-Gitea-Signature']).toBe(sha256);
      expect(headers['X-Gogs-Signature']).toBe(sha256);
      expect(headers['X-Hub-Signature-256']).toBe(`sha256=${sha256}`);
      expect(headers['X-Hub-Signature']).toBe(
        `sha1=${createHmac('sha1', 'test-secret').update(body).digest('hex')}`,
      );
      expect(headers['Content-Length']).toBe(String(body.length));
      // The stand-in's serialiser reproduces Gitea's bytes (MarshalIndent, two spaces, no newline).
      expect(goJson(JSON.parse(body.toString('utf8')), '  ')).toBe(body.toString('utf8'));
    },
  );

  it('deliverWebhook sends the fixture header set, signed over the exact body it sends', async () => {
    const gitea = await startGiteaStandin({ token: TOKEN });
    try {
      const payload = { action: 'synchronized', number: 7, pull_request: { title: 'a <b> & c', body: 'x' } };
      const delivery = await gitea.deliverWebhook(target, 'hook-secret', 'pull_request_sync', payload);
      expect(delivery.status).toBe(200);
      const got = received.at(-1)!;
      expect(got.body.toString('utf8')).toBe(delivery.body);
      expect(delivery.body).toBe(goJson(payload, '  '));
      expect(delivery.body).toContain('\n  "action": "synchronized"');
      expect(delivery.body).toContain('a \\u003cb\\u003e \\u0026 c');

      const sha256 = createHmac('sha256', 'hook-secret').update(got.body).digest('hex');
      expect(got.headers['x-gitea-signature']).toBe(sha256);
      expect(got.headers['x-hub-signature-256']).toBe(`sha256=${sha256}`);
      expect(got.headers['x-hub-signature']).toBe(
        `sha1=${createHmac('sha1', 'hook-secret').update(got.body).digest('hex')}`,
      );
      expect(got.headers['x-gitea-event']).toBe('pull_request');
      expect(got.headers['x-gitea-event-type']).toBe('pull_request_sync');
      expect(got.headers['x-gitea-delivery']).toMatch(/^[0-9a-f-]{36}$/);
      expect(got.headers['x-github-delivery']).toBe(got.headers['x-gitea-delivery']);

      const fixtureHeaders = JSON.parse(
        await readFile(path.join(FIXTURES, 'gitea-push.headers.json'), 'utf8'),
      ) as object;
      expect(Object.keys(got.headers).sort()).toEqual(
        expect.arrayContaining(Object.keys(fixtureHeaders).map((h) => h.toLowerCase())),
      );
    } finally {
      await gitea.close();
    }
  });

  it('deliverWebhook replays fixture bytes verbatim and reproduces the fixture signature', async () => {
    const body = await readFile(path.join(FIXTURES, 'gitea-status-success.json'), 'utf8');
    const headers = JSON.parse(
      await readFile(path.join(FIXTURES, 'gitea-status-success.headers.json'), 'utf8'),
    ) as Record<string, string>;
    const gitea = await startGiteaStandin({ token: TOKEN });
    try {
      const delivery = await gitea.deliverWebhook(target, 'test-secret', 'status', body, {
        deliveryId: headers['X-Gitea-Delivery'],
      });
      const got = received.at(-1)!;
      expect(got.body.toString('utf8')).toBe(body);
      for (const name of [
        'X-Gitea-Signature',
        'X-Hub-Signature-256',
        'X-Gitea-Event',
        'X-Gitea-Event-Type',
        'X-Gitea-Delivery',
      ]) {
        expect(got.headers[name.toLowerCase()]).toBe(headers[name]);
      }
      expect(delivery.deliveryId).toBe(headers['X-Gitea-Delivery']);
    } finally {
      await gitea.close();
    }
  });
});
