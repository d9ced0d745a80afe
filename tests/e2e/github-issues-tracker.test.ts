/**
 * End to end with GitHub Issues as the tracker (ADR 0042): the real app and Telegram bot (Bot API
 * sandbox), the GitHub stand-in, real SQLite. A signed `issues` labeled webhook for an issue with
 * the project's label creates the task (its card appears in the chat), a redelivery and a second
 * event for the same issue create nothing, the `approved` label decides the BRD approval, and
 * done closes the issue with the decision comment (carrying its hidden marker) and `in-progress`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GithubIssuesClient, IN_PROGRESS_LABEL } from '../../adapters/github/github-issues-client.ts';
import { createListener } from '../../adapters/http/listener.ts';
import { createMetrics } from '../../adapters/http/metrics.ts';
import { serveListener, type RunningListener } from '../../adapters/http/serve.ts';
import { startGithubStandin, type GithubStandin } from '../../adapters/sandbox/github/github-standin.ts';
import type { GhIssue, GhRepo } from '../../adapters/sandbox/github/github-standin-model.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { countByState } from '../../core/store/inbox-repo.ts';
import { approvalMessage, startBotHarness, type BotHarness } from '../support/bot-harness.ts';
import { createGitRemote, type GitRemote } from '../support/git-fixtures.ts';
import { githubIssuesProject } from '../support/github-issues-project.ts';

const TOKEN = 'ghp_issues0123456789abcdefghijklmnopqrstu';
const SECRET = 'github-issues-e2e-secret';
const REPO = 'acme/shop';

let gh: GithubStandin;
let remote: GitRemote;
let h: BotHarness;
let listener: RunningListener;
let repo: GhRepo;

beforeAll(async () => {
  remote = await createGitRemote();
  gh = await startGithubStandin({ token: TOKEN, repos: { [REPO]: remote.remote } });
  repo = gh.state.repo(REPO)!;
  const tracker = new GithubIssuesClient({ apiUrl: gh.url, token: TOKEN, timeoutMs: 5000 }, [githubIssuesProject(remote.remote)]);
  h = await startBotHarness({ tracker, project: { forge: 'github', github: { issues: true, label: 'agent' } } });
  await h.start();
  listener = await serveListener(
    createListener({ store: h.app.store, giteaSecret: null, planeSecret: null, githubSecret: SECRET, metrics: createMetrics(), logger: silentLogger, health: async () => ({ ok: true, checks: {} }), onStored: () => h.app.inbox.wake() }),
    { host: '127.0.0.1', port: 0 },
  );
}, 60_000);

afterAll(async () => {
  await listener?.close();
  await h?.close();
  await gh?.close();
  await remote?.cleanup();
});

async function send(issue: GhIssue, action: 'opened' | 'labeled', label?: string, deliveryId?: string): Promise<number> {
  const delivery = await gh.deliverIssueEvent(`http://127.0.0.1:${listener.port}/webhooks/github`, SECRET, { repo: REPO, number: issue.number, action, sender: 'priya', ...(label ? { label } : {}), ...(deliveryId ? { deliveryId } : {}) });
  expect(delivery.headers['X-GitHub-Event']).toBe('issues');
  await h.waitFor(async () => {
    const counts = await countByState(h.app.store);
    return counts.pending + counts.retrying === 0 ? true : undefined;
  }, 'the inbox to drain');
  return delivery.status;
}

const taskCount = () => (h.app.store.sqlite.prepare('SELECT count(*) AS n FROM tasks').get() as { n: number }).n;

describe('GitHub Issues as the tracker', () => {
  it('a labelled issue becomes a task once; the approved label approves; done closes the issue with a comment', async () => {
    const other = gh.state.createIssue(repo, { title: 'Unlabelled question', user: 'priya' });
    expect(await send(other, 'opened')).toBe(200);
    expect(taskCount()).toBe(0);

    const issue = gh.state.createIssue(repo, { title: 'Add a wishlist button', body: 'Customers want to save items.', user: 'priya' });
    gh.state.addLabels(issue, ['agent']);
    const id = 'a1b2c3d4-0000-11ef-8000-000000000001';
    expect(await send(issue, 'labeled', 'agent', id)).toBe(200);
    const taskId = `SHOP-${issue.number}`;
    expect(await h.task(taskId)).toMatchObject({ source: 'github', externalId: String(issue.number), title: 'Add a wishlist button', description: 'Customers want to save items.' });
    await h.waitFor(async () => ((await h.cardMessages(taskId)).length > 0 ? true : undefined), 'the card in the chat');

    // GitHub's "Redeliver" repeats the delivery id; an `edited`-then-`reopened` style second event
    // for the same issue has a new id. Neither makes a second task.
    expect(await send(issue, 'labeled', 'agent', id)).toBe(200);
    expect(await send(issue, 'opened')).toBe(200);
    expect(taskCount()).toBe(1);

    await approvalMessage(h, taskId);
    gh.state.addLabels(issue, ['approved']);
    await send(issue, 'labeled', 'approved');
    await h.waitFor(async () => ((await h.task(taskId))?.stage === 'done' ? true : undefined), `${taskId} to be done`);
    await h.waitFor(() => (issue.state === 'closed' ? true : undefined), 'the issue to close');
    expect(issue.stateReason).toBe('completed');
    expect(issue.labels).toContain(IN_PROGRESS_LABEL);
    const comments = repo.comments.filter((c) => c.issueNumber === issue.number).map((c) => c.body);
    expect(comments.some((c) => c.includes('BRD approved') && c.includes('<!-- conveyor:'))).toBe(true);
  }, 120_000);
});
