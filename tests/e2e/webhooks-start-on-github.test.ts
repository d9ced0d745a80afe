/**
 * `startOn` over GitHub Issues (ADR 0043), end to end: the composed app and its listener on a real
 * socket, the GitHub stand-in's issues and its exact signed `issues` webhooks, real SQLite. With
 * the default rule an issue with the project's label is a task at once; with
 * `{ "label": "agent:start" }` it is not a task until that label is added, and a redelivered or
 * repeated event makes no second task.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startGithubStandin, type GithubStandin } from '../../adapters/sandbox/github/github-standin.ts';
import type { GhIssue, GhRepo } from '../../adapters/sandbox/github/github-standin-model.ts';
import { getTask } from '../../core/store/task-repo.ts';
import { SECRET } from '../http/webhook-harness.ts';
import { startWebhookApp, type WebhookApp } from '../inbound/inbound-harness.ts';
import { createGitRemote, type GitRemote } from '../support/git-fixtures.ts';

const TOKEN = 'ghp_starton0123456789abcdefghijklmnopqrstu';
const REPO = 'acme/shop';

let gh: GithubStandin | null = null;
let remote: GitRemote | null = null;
let w: WebhookApp | null = null;
let repo: GhRepo;

afterEach(async () => {
  await w?.close();
  await gh?.close();
  await remote?.cleanup();
  w = null;
  gh = null;
  remote = null;
});

async function start(project: Record<string, unknown>): Promise<GithubStandin> {
  remote = await createGitRemote();
  gh = await startGithubStandin({ token: TOKEN, repos: { [REPO]: remote.remote } });
  repo = gh.state.repo(REPO)!;
  w = await startWebhookApp({
    env: { GITHUB_WEBHOOK_SECRET: SECRET },
    project: { plane: undefined, forge: 'github', github: { issues: true, label: 'agent' }, ...project },
  });
  return gh;
}

async function send(issue: GhIssue, action: 'opened' | 'labeled', label?: string, deliveryId?: string): Promise<string> {
  const delivery = await gh!.deliverIssueEvent(`${w!.url}/webhooks/github`, SECRET, { repo: REPO, number: issue.number, action, sender: 'priya', ...(label ? { label } : {}), ...(deliveryId ? { deliveryId } : {}) });
  expect(delivery.status).toBe(200);
  await w!.drained();
  return delivery.deliveryId;
}

const taskCount = () => (w!.app.store.sqlite.prepare('SELECT count(*) AS n FROM tasks').get() as { n: number }).n;

describe('startOn over GitHub Issues webhooks', () => {
  it('default ("created"): an issue opened with the project label is a task at once', async () => {
    const gh = await start({});
    const issue = gh.state.createIssue(repo, { title: 'Wishlist', labels: ['agent'], user: 'priya' });
    await send(issue, 'opened');
    expect(await getTask(w!.app.store.db, `SHOP-${issue.number}`)).toMatchObject({ stage: 'analysis', source: 'github', externalId: String(issue.number) });
  });

  it('{ "label": "agent:start" }: labelled issue → no task; start label added → one task; redelivered → still one', async () => {
    const gh = await start({ startOn: { label: 'agent:start' } });
    const issue = gh.state.createIssue(repo, { title: 'Wishlist', body: 'Save items for later.', labels: ['agent'], user: 'priya' });
    await send(issue, 'opened');
    await send(issue, 'labeled', 'agent');
    expect(taskCount()).toBe(0);

    gh.state.addLabels(issue, ['agent:start']);
    const started = await send(issue, 'labeled', 'agent:start');
    expect(await getTask(w!.app.store.db, `SHOP-${issue.number}`)).toMatchObject({ stage: 'analysis', source: 'github', title: 'Wishlist', description: 'Save items for later.', requestedBy: 'github:priya' });
    await send(issue, 'labeled', 'agent:start', started);
    await send(issue, 'opened');
    expect(taskCount()).toBe(1);

    // The start label without the project's label is not eligible.
    const other = gh.state.createIssue(repo, { title: 'Question', labels: ['agent:start'], user: 'priya' });
    await send(other, 'labeled', 'agent:start');
    expect(taskCount()).toBe(1);
  });
});
