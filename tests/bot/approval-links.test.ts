/**
 * The BRD approval message's links as the chat receives them, for every forge and tracker
 * (issue 13, ADR 0045): the BRD on the task branch in the forge's own URL shape (Gitea, GitHub,
 * GitHub Enterprise) and the tracker issue (Plane with and without PLANE_WEB_URL, GitHub Issues),
 * HTML-escaped. A link whose base is empty or loopback is left out, and nothing else changes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GithubIssuesClient } from '../../adapters/github/github-issues-client.ts';
import { PlaneClient } from '../../adapters/plane/plane-client.ts';
import { startGithubStandin, type GithubStandin } from '../../adapters/sandbox/github/github-standin.ts';
import { startPlaneStandin, type PlaneStandin } from '../../adapters/sandbox/plane/plane-standin.ts';
import type { SandboxMessage } from '../../adapters/sandbox/telegram/sandbox-types.ts';
import { escapeHtml } from '../../core/escape-html.ts';
import { ALICE, approvalMessage, startBotHarness, type BotHarness } from '../support/bot-harness.ts';
import { createGitRemote, type GitRemote } from '../support/git-fixtures.ts';
import { githubIssuesProject } from '../support/github-issues-project.ts';

const PLANE_PROJECT = '6102dd70-63e8-440e-9dd8-904f07489671';
const PLANE_KEY = 'plane_api_0123456789abcdef0123456789abcdef';
const GITHUB_TOKEN = 'ghp_links0123456789abcdefghijklmnopqrstu';
const TITLE = 'Wishlist <button> & "share" link';
const BRD_PATH = 'task/SHOP-1/docs/work-items/SHOP-1/01-brd.md';

type Tracker = 'plane' | 'github';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A task from `/new` in a project on `tracker`, with `env` naming the bases; its approval message once posted. */
async function approvalWith(tracker: Tracker, env: Record<string, string>): Promise<{ h: BotHarness; message: SandboxMessage; issueId: string }> {
  const port = tracker === 'plane' ? await planeTracker() : await githubTracker();
  const h = await startBotHarness({
    env: { ...env, ...(tracker === 'github' ? { GITHUB_TOKEN } : {}) },
    tracker: port.tracker,
    ...(tracker === 'plane' ? { planeProjectId: PLANE_PROJECT } : { project: { forge: 'github', github: { issues: true, label: 'agent' } } }),
  });
  closers.push(() => h.close());
  await h.start();
  await h.say(ALICE, `/new SHOP ${TITLE}`);
  const message = await approvalMessage(h, 'SHOP-1');
  return { h, message, issueId: (await h.task('SHOP-1'))?.externalId ?? '?' };
}

async function planeTracker() {
  const plane: PlaneStandin = await startPlaneStandin({ apiKey: PLANE_KEY, workspace: 'acme', projects: [{ id: PLANE_PROJECT, identifier: 'SHOP' }] });
  closers.push(() => plane.close());
  return { tracker: new PlaneClient({ baseUrl: plane.url, apiKey: PLANE_KEY, workspace: 'acme', projectIds: { SHOP: PLANE_PROJECT }, timeoutMs: 5000 }) };
}

async function githubTracker() {
  const remote: GitRemote = await createGitRemote();
  const gh: GithubStandin = await startGithubStandin({ token: GITHUB_TOKEN, repos: { 'acme/shop': remote.remote } });
  closers.push(() => remote.cleanup(), () => gh.close());
  return { tracker: new GithubIssuesClient({ apiUrl: gh.url, token: GITHUB_TOKEN, timeoutMs: 5000 }, [githubIssuesProject(remote.remote)]) };
}

const GITEA = { GITEA_TOKEN: 'gitea-token-not-a-secret' };
const PLANE = { PLANE_API_KEY: PLANE_KEY, PLANE_WORKSPACE: 'acme' };

/** The message's links as Telegram parsed them: label → url. */
function links(message: SandboxMessage): Record<string, string> {
  return Object.fromEntries(
    message.entities.filter((e) => e.type === 'text_link').map((e) => [message.plain.slice(e.offset, e.offset + e.length), (e as { url: string }).url]),
  );
}

function expectLinked(message: SandboxMessage, expected: Record<string, string>): void {
  expect(links(message)).toEqual(expected);
  for (const [label, url] of Object.entries(expected)) expect(message.text).toContain(`<a href="${escapeHtml(url)}">${label}</a>`);
}

/** SHOP-1's card once it names the BRD (the approval is requested). */
async function cardWithBrd(h: BotHarness): Promise<SandboxMessage> {
  return h.waitFor(async () => {
    const live = await h.liveCard('SHOP-1');
    return live?.plain.split('\n').at(-1)?.endsWith(' · BRD') ? live : null;
  }, 'the card naming the BRD');
}

/** The message without its links line. */
const withoutLinks = (message: SandboxMessage) => message.text.split('\n').filter((line) => !line.startsWith('🔗')).join('\n');

describe('approval message links', () => {
  it('Gitea and Plane with PLANE_WEB_URL: the BRD on the branch and the work item, escaped', async () => {
    const { message, issueId } = await approvalWith('plane', {
      ...GITEA,
      GITEA_URL: 'https://git.acme.test/forge&co/',
      ...PLANE,
      PLANE_API_URL: 'https://plane-api.acme.test',
      PLANE_WEB_URL: 'https://plane.acme.test/',
    });
    expectLinked(message, {
      BRD: `https://git.acme.test/forge&co/acme/shop/src/branch/${BRD_PATH}`,
      Plane: `https://plane.acme.test/acme/projects/${PLANE_PROJECT}/issues/${issueId}`,
    });
    expect(message.text).toContain('forge&amp;co'); // the href is HTML-escaped
    expect(message.text).toContain(escapeHtml(TITLE));
  });

  it('Plane without PLANE_WEB_URL links to the API URL, credentials left out', async () => {
    const { message, issueId } = await approvalWith('plane', { ...GITEA, GITEA_URL: 'https://git.acme.test', ...PLANE, PLANE_API_URL: 'https://bot:hunter2@plane.acme.test/' });
    expectLinked(message, {
      BRD: `https://git.acme.test/acme/shop/src/branch/${BRD_PATH}`,
      Plane: `https://plane.acme.test/acme/projects/${PLANE_PROJECT}/issues/${issueId}`,
    });
    expect(message.text).not.toContain('hunter2');
  });

  it('GitHub and GitHub Issues: /blob/ on the branch and the issue', async () => {
    const { message } = await approvalWith('github', {});
    expectLinked(message, {
      BRD: `https://github.com/acme/shop/blob/${BRD_PATH}`,
      GitHub: 'https://github.com/acme/shop/issues/1',
    });
  });

  it('GitHub Enterprise: the web base is GITHUB_API_URL without /api/v3', async () => {
    const { message } = await approvalWith('github', { GITHUB_API_URL: 'https://ghe.acme.test/api/v3' });
    expectLinked(message, {
      BRD: `https://ghe.acme.test/acme/shop/blob/${BRD_PATH}`,
      GitHub: 'https://ghe.acme.test/acme/shop/issues/1',
    });
  });

  it('drops only the loopback link: a loopback forge keeps the tracker link, and the rest is unchanged', async () => {
    const env = { ...GITEA, ...PLANE, PLANE_API_URL: 'https://plane.acme.test' };
    const { message: shown } = await approvalWith('plane', { ...env, GITEA_URL: 'https://git.acme.test' });
    for (const close of closers.splice(0).reverse()) await close();
    const { message: loopback, issueId } = await approvalWith('plane', { ...env, GITEA_URL: 'http://127.0.0.1:3000' });
    expectLinked(loopback, { Plane: `https://plane.acme.test/acme/projects/${PLANE_PROJECT}/issues/${issueId}` });
    expect(loopback.text).not.toContain('127.0.0.1');
    expect(withoutLinks(loopback)).toBe(withoutLinks(shown));
    expect(loopback.buttons).toEqual(shown.buttons.map((row) => row.map((b) => ({ ...b, callback_data: expect.any(String) }))));
  });

  it.each([
    ['Gitea on localhost, Plane API on [::1], no PLANE_WEB_URL', 'plane', { ...GITEA, GITEA_URL: 'http://localhost:3000', ...PLANE, PLANE_API_URL: 'http://[::1]:8000' }],
    ['Plane web on 0.0.0.0, no Gitea at all (an empty base)', 'plane', { ...PLANE, PLANE_API_URL: 'https://plane.acme.test', PLANE_WEB_URL: 'http://0.0.0.0:8080' }],
    ['GitHub Enterprise on 127.0.0.5', 'github', { GITHUB_API_URL: 'http://127.0.0.5:8443/api/v3' }],
  ] as const)('%s: no links, the rest as usual', async (_name, tracker, env) => {
    const { message, h } = await approvalWith(tracker, env);
    expect(links(message)).toEqual({});
    expect(message.text).not.toContain('🔗');
    expect(message.text).not.toContain('<a ');
    expect(message.plain).toContain(`📝 BRD ready for approval — SHOP-1 · ${TITLE}`);
    expect(message.plain).toContain('Add the wishlist button.');
    expect(message.buttons.flat().map((b) => b.text)).toEqual(['✅ Approve', '❌ Reject']);
    // The card keeps its shape: branch and BRD named, not linked.
    const card = await cardWithBrd(h);
    expect(card.entities.filter((e) => e.type === 'text_link')).toEqual([]);
    expect(card.plain).toContain('🔗 task/SHOP-1 · BRD');
  });
});

describe('card links of a GitHub project', () => {
  it('names the GitHub issue, the branch /tree/ and the BRD /blob/ in the card as sent', async () => {
    const { h } = await approvalWith('github', {});
    const card = await cardWithBrd(h);
    expect(links(card)).toEqual({
      GitHub: 'https://github.com/acme/shop/issues/1',
      'task/SHOP-1': 'https://github.com/acme/shop/tree/task/SHOP-1',
      BRD: `https://github.com/acme/shop/blob/${BRD_PATH}`,
    });
  });
});
