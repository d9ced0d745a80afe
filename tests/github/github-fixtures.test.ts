/**
 * GitHub-shaped, signed fixtures (tests/fixtures/github-*.json, exact bytes and headers, secret
 * `test-secret`) through the composed app over a socket: the push and a failed check run for the
 * task's head are stored, mapped by the GitHub mapper and roll the task back with the check's
 * name, summary and link; a redelivery is a duplicate.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getTask } from '../../core/store/task-repo.ts';
import { FIXTURES_DIR, SECRET, sign } from '../http/webhook-harness.ts';
import { A3, startWebhookApp, TASK, toAwaitingCi, type WebhookApp } from '../inbound/inbound-harness.ts';

const TRANSPORT = new Set(['host', 'content-length', 'accept']);

function githubFixture(name: string): { text: string; headers: Record<string, string> } {
  const text = readFileSync(join(FIXTURES_DIR, `${name}.json`), 'utf8');
  const all = JSON.parse(readFileSync(join(FIXTURES_DIR, `${name}.headers.json`), 'utf8')) as Record<string, string>;
  return { text, headers: Object.fromEntries(Object.entries(all).filter(([k]) => !TRANSPORT.has(k.toLowerCase()))) };
}

let w: WebhookApp | null = null;
afterEach(async () => {
  await w?.close();
  w = null;
});

describe('signed GitHub fixtures', () => {
  it('carry exact signatures of their bytes', () => {
    for (const name of ['github-push', 'github-check_run-completed-failure']) {
      const { text, headers } = githubFixture(name);
      expect(headers['X-Hub-Signature-256']).toBe(`sha256=${sign(text, SECRET)}`);
    }
  });

  it('a push and a failed check run roll the task back naming the check, its summary and its link', async () => {
    w = await startWebhookApp({ env: { GITHUB_WEBHOOK_SECRET: SECRET } });
    await toAwaitingCi(w.app, A3);
    const push = githubFixture('github-push');
    expect(await w.post('/webhooks/github', push.text, push.headers)).toEqual({ status: 200, body: { status: 'accepted' } });
    const red = githubFixture('github-check_run-completed-failure');
    expect(await w.post('/webhooks/github', red.text, red.headers)).toEqual({ status: 200, body: { status: 'accepted' } });
    await w.drained();
    expect((await getTask(w.app.store.db, TASK))?.mustFix).toContain(
      'test: test failed: 2 of 120 tests failed: coupon.spec.ts › rejects an expired code (https://github.com/acme/shop/actions/runs/12040/job/31415926535)',
    );
    expect(await w.post('/webhooks/github', red.text, red.headers)).toEqual({ status: 200, body: { status: 'duplicate' } });
  });
});
