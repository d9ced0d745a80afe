/**
 * `/new` in a project whose tracker is GitHub Issues (ADR 0042) opens the issue first, with the
 * project's label, so the task takes GitHub's number and the issue's link; the issue's own
 * webhook later is a duplicate. Issues disabled on the repository: nothing is created, and the
 * chat says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GithubIssuesClient } from '../../adapters/github/github-issues-client.ts';
import { startGithubStandin, type GithubStandin } from '../../adapters/sandbox/github/github-standin.ts';
import { ALICE, startBotHarness, type BotHarness } from '../support/bot-harness.ts';
import { createGitRemote, type GitRemote } from '../support/git-fixtures.ts';
import { githubIssuesProject } from '../support/github-issues-project.ts';

const TOKEN = 'ghp_new0123456789abcdefghijklmnopqrstuvw';

let gh: GithubStandin;
let remote: GitRemote;
let h: BotHarness;

beforeAll(async () => {
  remote = await createGitRemote();
  gh = await startGithubStandin({ token: TOKEN, repos: { 'acme/shop': remote.remote } });
  const tracker = new GithubIssuesClient({ apiUrl: gh.url, token: TOKEN, timeoutMs: 5000 }, [githubIssuesProject(remote.remote)]);
  h = await startBotHarness({ tracker, project: { forge: 'github', github: { issues: true, label: 'agent' } } });
  await h.start();
});

afterAll(async () => {
  await h.close();
  await gh.close();
  await remote.cleanup();
});

async function reply(text: string): Promise<string> {
  const posted = await h.say(ALICE, text);
  const isAnswer = (plain: string) => plain.includes('created; its card follows') || plain.startsWith('No task created');
  const answer = await h.waitFor(async () => (await h.messages()).find((m) => m.from.is_bot && m.messageId > posted.messageId && isAnswer(m.plain)), `an answer to ${text}`);
  return answer.plain;
}

describe('/new with GitHub Issues', () => {
  it('opens the labelled issue first and takes its number', async () => {
    const repo = gh.state.repo('acme/shop')!;
    gh.state.createIssue(repo, { title: 'Someone else’s issue' });
    expect(await reply('/new SHOP Add a wishlist button')).toBe('🧩 SHOP-2 created; its card follows.');
    const issue = gh.state.issue(repo, 2);
    expect(issue).toMatchObject({ title: 'Add a wishlist button', labels: ['agent'], state: 'open' });
    expect(await h.task('SHOP-2')).toMatchObject({ source: 'github', externalId: '2', title: 'Add a wishlist button' });
    const again = await h.app.engine.handle({ type: 'TaskRequested', key: 'github:delivery-x', projectId: 'SHOP', title: 'Add a wishlist button', source: 'github', externalId: '2', number: 2, actor: 'github' });
    expect(again).toEqual({ type: 'duplicate', taskId: 'SHOP-2' });
  });

  it('creates nothing when Issues are disabled, and says so', async () => {
    gh.state.repo('acme/shop')!.issuesEnabled = false;
    const answer = await reply('/new SHOP Another thing');
    expect(answer).toContain('No task created: the tracker issue could not be created');
    expect(answer).toContain('Issues are disabled');
    expect(answer).not.toContain(TOKEN);
    expect(await h.task('SHOP-3')).toBeNull();
  });
});
