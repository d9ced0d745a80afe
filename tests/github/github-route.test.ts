/**
 * `/webhooks/github` on the real listener over a real SQLite file: GitHub's signature header in
 * constant time, fail closed without a secret, `X-GitHub-Delivery` dedupe, `ping` → 200, and the
 * stored delivery mapped to forge facts by the GitHub mapper.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mapGithubDelivery } from '../../adapters/github/github-facts.ts';
import { githubWebhookHeaders } from '../../adapters/sandbox/github/github-webhook.ts';
import { mapStoredDelivery } from '../../core/inbound/stored-delivery.ts';
import { makeListener, post, SECRET } from '../http/webhook-harness.ts';

const SHA = 'c0ffee0000000000000000000000000000000042';
const repository = { id: 1296269, full_name: 'acme/shop', default_branch: 'main' };
const checkRun = (conclusion: string | null, status = 'completed') => ({
  action: status === 'completed' ? 'completed' : 'created',
  check_run: { id: 4242, head_sha: SHA, name: 'build', status, conclusion, html_url: 'https://github.com/acme/shop/runs/4242', details_url: 'https://ci.example/runs/4242', output: { title: 'Tests failed', summary: '2 of 120 tests failed' } },
  repository,
  sender: { login: 'octocat' },
});

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

describe('/webhooks/github', () => {
  it('stores a signed delivery once (X-GitHub-Delivery dedupe) and answers ping with 200', async () => {
    const l = makeListener({ githubSecret: SECRET });
    cleanup = l.cleanup;
    const body = JSON.stringify(checkRun('success'));
    const headers = githubWebhookHeaders(SECRET, 'check_run', body, 'd-1');
    const first = await post(l.app, '/webhooks/github', body, headers);
    expect([first.status, await first.json()]).toEqual([200, { status: 'accepted' }]);
    const again = await post(l.app, '/webhooks/github', body, headers);
    expect([again.status, await again.json()]).toEqual([200, { status: 'duplicate' }]);
    const ping = JSON.stringify({ zen: 'Design for failure.', hook_id: 1, repository });
    const pong = await post(l.app, '/webhooks/github', ping, githubWebhookHeaders(SECRET, 'ping', ping, 'd-2'));
    expect([pong.status, await pong.json()]).toEqual([200, { status: 'pong' }]);
    expect(l.rows().map((r) => [r.source, r.deliveryId, r.event, r.processedAt === null])).toEqual([
      ['github', 'd-1', 'check_run', true],
      ['github', 'd-2', 'ping', false],
    ]);
  });

  it('refuses a wrong signature, the Gitea-style bare hex, and everything while the secret is unset (401)', async () => {
    const l = makeListener({ githubSecret: SECRET });
    cleanup = l.cleanup;
    const body = JSON.stringify(checkRun('success'));
    const wrong = githubWebhookHeaders('not-the-secret', 'check_run', body, 'd-3');
    expect((await post(l.app, '/webhooks/github', body, wrong)).status).toBe(401);
    const bare = { ...githubWebhookHeaders(SECRET, 'check_run', body, 'd-4') };
    bare['X-Hub-Signature-256'] = bare['X-Hub-Signature-256']!.slice('sha256='.length);
    expect((await post(l.app, '/webhooks/github', body, bare)).status).toBe(401);
    const unset = makeListener();
    const signed = githubWebhookHeaders(SECRET, 'check_run', body, 'd-5');
    expect((await post(unset.app, '/webhooks/github', body, signed)).status).toBe(401);
    unset.cleanup();
    expect(l.rows()).toEqual([]);
  });
});

describe('GitHub payloads → facts', () => {
  it('a failed check run is a failure status naming the check, its summary and its link', () => {
    expect(mapGithubDelivery('check_run', checkRun('failure'))).toEqual({
      type: 'status',
      repo: 'acme/shop',
      sha: SHA,
      context: 'build',
      state: 'failure',
      description: 'Tests failed: 2 of 120 tests failed',
      targetUrl: 'https://ci.example/runs/4242',
      statusId: 4242 * 4 + 2,
    });
    // A late "in progress" of the same run orders before its completion (latest wins in the store).
    const running = mapGithubDelivery('check_run', checkRun(null, 'in_progress'));
    expect(running).toMatchObject({ state: 'pending', statusId: 4242 * 4 + 1 });
  });

  it('maps push, status, a completed check suite and pull request open / merge / close', () => {
    expect(mapGithubDelivery('push', { ref: 'refs/heads/task/SHOP-42', before: '0'.repeat(40), after: SHA, created: true, deleted: false, repository })).toMatchObject({ type: 'push', branch: 'task/SHOP-42', after: SHA, deleted: false, defaultBranch: 'main' });
    expect(mapGithubDelivery('status', { id: 7, sha: SHA, context: 'ci/jenkins', state: 'error', description: 'boom', target_url: 'https://ci/1', repository })).toMatchObject({ type: 'status', context: 'ci/jenkins', state: 'error', statusId: 7 });
    expect(mapGithubDelivery('check_suite', { action: 'completed', check_suite: { id: 9, head_sha: SHA, conclusion: 'success', app: { slug: 'github-actions' } }, repository })).toMatchObject({ type: 'status', context: 'check_suite:github-actions', state: 'success' });
    const pr = (action: string, merged: boolean) => ({ action, number: 3, pull_request: { number: 3, merged, merge_commit_sha: merged ? 'm'.repeat(40) : null, head: { ref: 'task/SHOP-42', sha: SHA } }, repository });
    expect(mapGithubDelivery('pull_request', pr('opened', false))).toMatchObject({ type: 'pr-opened', number: 3, headBranch: 'task/SHOP-42' });
    expect(mapGithubDelivery('pull_request', pr('closed', true))).toMatchObject({ type: 'pr-merged', mergeSha: 'm'.repeat(40) });
    expect(mapGithubDelivery('pull_request', pr('closed', false))).toMatchObject({ type: 'pr-closed' });
    expect(mapGithubDelivery('pull_request', pr('synchronize', false))).toMatchObject({ type: 'ignored' });
    expect(mapGithubDelivery('ping', { zen: 'x' })).toEqual({ type: 'ignored', reason: 'ping' });
  });

  it('reaches core only through the registered mapper', () => {
    const payload = JSON.stringify(checkRun('success'));
    expect(mapStoredDelivery({ source: 'github', event: 'check_run', payload })).toMatchObject({ type: 'ignored' });
    expect(mapStoredDelivery({ source: 'github', event: 'check_run', payload }, { github: mapGithubDelivery })).toMatchObject({ type: 'status', state: 'success' });
  });
});
