/**
 * GitHub Issues as the tracker, the parts: the signed `issues` fixture (documented payload, exact
 * bytes and signature) mapped to a tracker fact; actions that decide, that are Conveyor's own or
 * unused; the GitHub stand-in's Issues errors and Link paging; the projects-file rule; web links.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mapGithubDelivery } from '../../adapters/github/github-facts.ts';
import { GithubIssuesClient } from '../../adapters/github/github-issues-client.ts';
import { githubIssueUrl } from '../../adapters/github/github-web-url.ts';
import { startGithubStandin, type GithubStandin } from '../../adapters/sandbox/github/github-standin.ts';
import { loadProjects } from '../../app/load-projects.ts';
import { loadConfig } from '../../core/config/config.ts';
import { parseProjects } from '../../core/config/projects.ts';
import { PermanentError } from '../../core/errors.ts';
import { FIXTURES_DIR, SECRET, sign } from '../http/webhook-harness.ts';
import { createGitRemote, type GitRemote } from '../support/git-fixtures.ts';
import { githubIssuesProject } from '../support/github-issues-project.ts';

const TOKEN = 'ghp_issues_unit_0123456789abcdefghijklmn';

function fixture(): { text: string; headers: Record<string, string>; body: Record<string, unknown> } {
  const text = readFileSync(join(FIXTURES_DIR, 'github-issues-labeled.json'), 'utf8');
  const headers = JSON.parse(readFileSync(join(FIXTURES_DIR, 'github-issues-labeled.headers.json'), 'utf8')) as Record<string, string>;
  return { text, headers, body: JSON.parse(text) as Record<string, unknown> };
}

describe('the issues webhook', () => {
  it('the fixture carries the exact signature of its bytes and maps to a tracker-neutral labels change', () => {
    const { text, headers, body } = fixture();
    expect(headers['X-Hub-Signature-256']).toBe(`sha256=${sign(text, SECRET)}`);
    expect(headers['X-GitHub-Event']).toBe('issues');
    expect(mapGithubDelivery('issues', body)).toEqual({
      type: 'tracker-labels-changed',
      tracker: 'github',
      scope: 'acme/shop',
      issueId: '42',
      number: 42,
      title: 'Add a wishlist button',
      description: 'Customers want to save items for later.\n\n- a heart on each product\n- a **Wishlist** page',
      labels: ['agent'],
      state: null,
      createdBy: 'priya-nair',
      url: 'https://github.com/acme/shop/issues/42',
      actor: null,
    });
    expect(mapGithubDelivery('issues', { ...body, action: 'opened' })).toMatchObject({ type: 'tracker-issue', issueId: '42', labels: ['agent'] });
  });

  it('approved / rejected labels decide; Conveyor’s own label, closed issues, unlabeled and pull requests are ignored', () => {
    const { body } = fixture();
    const labeled = (name: string) => ({ ...body, label: { name } });
    expect(mapGithubDelivery('issues', labeled('Approved'))).toEqual({ type: 'tracker-decision', tracker: 'github', scope: 'acme/shop', issueId: '42', decision: 'approved' });
    expect(mapGithubDelivery('issues', labeled('rejected'))).toMatchObject({ type: 'tracker-decision', decision: 'rejected' });
    expect(mapGithubDelivery('issues', labeled('in-progress'))).toMatchObject({ type: 'ignored' });
    expect(mapGithubDelivery('issues', { ...body, action: 'unlabeled' })).toMatchObject({ type: 'ignored' });
    expect(mapGithubDelivery('issues', { ...body, action: 'closed' })).toMatchObject({ type: 'ignored' });
    const issue = body['issue'] as Record<string, unknown>;
    expect(mapGithubDelivery('issues', { ...body, action: 'opened', issue: { ...issue, state: 'closed' } })).toMatchObject({ type: 'ignored' });
    expect(mapGithubDelivery('issues', { ...body, issue: { ...issue, pull_request: { url: 'x' } } })).toMatchObject({ type: 'ignored' });
  });
});

describe('the projects file', () => {
  const parse = (project: Record<string, unknown>) =>
    parseProjects(JSON.stringify({ projects: [{ id: 'SHOP', repo: 'acme/shop', cloneUrl: '/x', chatId: '-1', approvers: [1], agents: { default: 'true' }, ...project }] }), 'projects.json');

  it('github.issues needs forge github and no plane section', () => {
    expect(parse({ github: { issues: true } })).toEqual({ type: 'invalid', problems: ['projects.json: projects[0].github.issues: needs "forge": "github" (the issues live in the project\'s GitHub repository)'] });
    expect(parse({ forge: 'github', github: { issues: true }, plane: { projectId: 'p' } })).toMatchObject({ type: 'invalid' });
    expect(parse({ forge: 'github', github: { issues: true, label: 'agent' } })).toMatchObject({ type: 'ok' });
    expect(parse({ forge: 'github', github: { issues: true, lable: 'agent' } })).toMatchObject({ type: 'invalid' });
  });

  it('a project with github.issues needs GITHUB_TOKEN at load', () => {
    const json = JSON.stringify({ projects: [{ id: 'SHOP', repo: 'acme/shop', cloneUrl: '/x', chatId: '-1', approvers: [1], agents: { default: 'true' }, forge: 'github', github: { issues: true } }] });
    const env = { ORCH_PROJECTS_JSON: json, ORCH_DB_PATH: '/tmp/unused.db', ORCH_WORKDIR: '/tmp/unused' };
    expect(loadProjects(loadConfig(env))).toEqual({ type: 'invalid', problems: ["projects[0].github.issues: needs GITHUB_TOKEN (the issues are read and written through GitHub's API)"] });
    expect(loadProjects(loadConfig({ ...env, GITHUB_TOKEN: TOKEN }))).toMatchObject({ type: 'ok' });
  });
});

describe('the GitHub stand-in’s Issues and the client’s errors', () => {
  let gh: GithubStandin;
  let remote: GitRemote;
  beforeEach(async () => {
    remote = await createGitRemote();
    gh = await startGithubStandin({ token: TOKEN, repos: { 'acme/shop': remote.remote } });
  });
  afterEach(async () => {
    await gh.close();
    await remote.cleanup();
  });
  const api = (path: string, init: RequestInit = {}) => fetch(`${gh.url}${path}`, { ...init, headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' } });

  it('answers 404, 422 and 410 like GitHub; lists by label and state with Link paging', async () => {
    expect((await api('/repos/acme/shop/issues/9')).status).toBe(404);
    const invalid = await api('/repos/acme/shop/issues', { method: 'POST', body: JSON.stringify({ body: 'no title' }) });
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toMatchObject({ message: 'Validation Failed', errors: [{ resource: 'Issue', field: 'title', code: 'missing_field' }] });
    const repo = gh.state.repo('acme/shop')!;
    for (let i = 1; i <= 3; i++) gh.state.createIssue(repo, { title: `T${i}`, labels: ['agent'] });
    gh.state.createIssue(repo, { title: 'other' });
    const first = await api('/repos/acme/shop/issues?labels=agent&state=open&per_page=2');
    expect(((await first.json()) as { number: number }[]).map((i) => i.number)).toEqual([3, 2]);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1];
    expect(next).toContain('page=2');
    const second = await fetch(next!, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(((await second.json()) as { number: number }[]).map((i) => i.number)).toEqual([1]);
    expect(second.headers.get('link')).toBeNull();

    repo.issuesEnabled = false;
    const gone = await api('/repos/acme/shop/issues/1');
    expect(gone.status).toBe(410);
    const client = new GithubIssuesClient({ apiUrl: gh.url, token: TOKEN, timeoutMs: 5000 }, [githubIssuesProject(remote.remote)]);
    const error = await client.createIssue('SHOP', 'x').then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toBe('creating a GitHub issue in SHOP: 410 Issues are disabled for this repository (Settings → Features → Issues)');
  });

  it('builds issue links for github.com and GitHub Enterprise', () => {
    expect(githubIssueUrl('https://api.github.com', 'acme/shop', '42')).toBe('https://github.com/acme/shop/issues/42');
    expect(githubIssueUrl('https://ghe.acme.test/api/v3/', 'acme/shop', '7')).toBe('https://ghe.acme.test/acme/shop/issues/7');
    expect(githubIssueUrl('http://127.0.0.1:9', 'acme/shop', '7')).toBeNull();
  });
});
