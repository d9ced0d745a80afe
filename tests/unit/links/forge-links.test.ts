/**
 * Link builders per forge and tracker (ADR 0045): each forge's URL shapes, the builder chosen by
 * the project's `forge`, the web bases derived from API URLs (GitHub, GitHub Enterprise, Plane's
 * fallback), and the one loopback guard every shown link passes.
 */
import { describe, expect, it } from 'vitest';
import { giteaRepoLinks } from '../../../adapters/gitea/gitea-links.ts';
import { githubRepoLinks } from '../../../adapters/github/github-links.ts';
import { linksFor } from '../../../app/links.ts';
import { deployViewOf } from '../../../bot/telegram/approval-copy.ts';
import { renderDeployApproval } from '../../../bot/render/render-deploy-approval.ts';
import { loadConfig } from '../../../core/config/config.ts';
import { parseProjects, type ProjectConfig } from '../../../core/config/projects.ts';
import type { Task } from '../../../core/domain/task.ts';
import { isPublicUrl } from '../../../core/links/public-url.ts';

const SHA = 'abc1234'.padEnd(40, '0');

function projects(...entries: Record<string, unknown>[]): ReadonlyMap<string, ProjectConfig> {
  const parsed = parseProjects(JSON.stringify({ projects: entries.map((e) => ({ repo: 'acme/shop', cloneUrl: '/tmp/x', chatId: '-1', approvers: [1], agents: { default: 'true' }, ...e })) }), 'links test');
  if (parsed.type !== 'ok') throw new Error(parsed.problems.join('; '));
  return new Map(parsed.projects.map((p) => [p.id, p]));
}

const both = projects({ id: 'OLD' }, { id: 'NEW', repo: 'acme/new', forge: 'github', github: { issues: true } }, { id: 'PLN', plane: { projectId: 'p-1' } });

describe('repository links per forge', () => {
  it('Gitea: /pulls/N, /src/branch/<b>/<path>, /src/branch/<b>, /commit/<sha>', () => {
    const links = giteaRepoLinks('https://git.acme.test/', 'acme/shop');
    expect(links.pr(7)).toBe('https://git.acme.test/acme/shop/pulls/7');
    expect(links.file('task/SHOP-1', 'docs/work-items/SHOP-1/01-brd.md')).toBe('https://git.acme.test/acme/shop/src/branch/task/SHOP-1/docs/work-items/SHOP-1/01-brd.md');
    expect(links.branch('task/SHOP-1')).toBe('https://git.acme.test/acme/shop/src/branch/task/SHOP-1');
    expect(links.commit(SHA)).toBe(`https://git.acme.test/acme/shop/commit/${SHA}`);
  });

  it('GitHub: /pull/N, /blob/<b>/<path>, /tree/<b>, /commit/<sha>; odd characters escaped per segment', () => {
    const links = githubRepoLinks('https://github.com', 'acme/shop');
    expect(links.pr(7)).toBe('https://github.com/acme/shop/pull/7');
    expect(links.file('task/SHOP-1', 'docs/a b#c.md')).toBe('https://github.com/acme/shop/blob/task/SHOP-1/docs/a%20b%23c.md');
    expect(links.branch('task/SHOP-1')).toBe('https://github.com/acme/shop/tree/task/SHOP-1');
    expect(links.commit(SHA)).toBe(`https://github.com/acme/shop/commit/${SHA}`);
  });

  it('the composition root picks the builder by the project\'s forge', () => {
    const config = loadConfig({ GITEA_URL: 'https://git.acme.test', GITEA_TOKEN: 't', GITHUB_TOKEN: 'g' });
    const links = linksFor(config, both);
    expect(links.forge('OLD')?.pr(3)).toBe('https://git.acme.test/acme/shop/pulls/3');
    expect(links.forge('NEW')?.pr(3)).toBe('https://github.com/acme/new/pull/3');
    expect(links.forge('NOPE')).toBeNull();
  });

  it('GitHub Enterprise links under the host; an API URL of no known shape, or a forge not configured, gives none', () => {
    const ghe = linksFor(loadConfig({ GITHUB_TOKEN: 'g', GITHUB_API_URL: 'https://ghe.acme.test/api/v3/' }), both);
    expect(ghe.forge('NEW')?.branch('main')).toBe('https://ghe.acme.test/acme/new/tree/main');
    expect(ghe.trackerIssue('NEW', '12')).toBe('https://ghe.acme.test/acme/new/issues/12');
    expect(ghe.forge('OLD')).toBeNull(); // no GITEA_URL
    const odd = linksFor(loadConfig({ GITHUB_TOKEN: 'g', GITHUB_API_URL: 'http://127.0.0.1:9000' }), both);
    expect(odd.forge('NEW')).toBeNull();
  });

  it('a forge base given with credentials links without them', () => {
    const links = linksFor(loadConfig({ GITEA_URL: 'https://conveyor:s3cret@git.acme.test/', GITEA_TOKEN: 't' }), both);
    expect(links.forge('OLD')?.pr(1)).toBe('https://git.acme.test/acme/shop/pulls/1');
  });
});

describe('tracker links', () => {
  const plane = { PLANE_API_KEY: 'k', PLANE_WORKSPACE: 'acme' };
  it('Plane with PLANE_WEB_URL links there', () => {
    const config = loadConfig({ ...plane, PLANE_API_URL: 'https://plane-api.acme.test', PLANE_WEB_URL: 'https://plane.acme.test/' });
    expect(linksFor(config, both).trackerIssue('PLN', 'i-9')).toBe('https://plane.acme.test/acme/projects/p-1/issues/i-9');
  });

  it.each([
    ['a self-hosted Plane', 'https://plane.acme.test/', 'https://plane.acme.test'],
    ['Plane Cloud', 'https://api.plane.so', 'https://app.plane.so'],
    ['credentials in the API URL', 'https://bot:key@plane.acme.test', 'https://plane.acme.test'],
    ['a loopback API (kept: the guard drops it where shown)', 'http://127.0.0.1:8000', 'http://127.0.0.1:8000'],
  ])('without PLANE_WEB_URL it falls back to the API URL: %s', (_name, api, web) => {
    const config = loadConfig({ ...plane, PLANE_API_URL: api });
    expect(config.plane?.webUrl).toBe(web);
    expect(linksFor(config, both).trackerIssue('PLN', 'i-9')).toBe(`${web}/acme/projects/p-1/issues/i-9`);
  });

  it('GitHub Issues link to github.com; a project without a tracker has none', () => {
    const links = linksFor(loadConfig({ GITHUB_TOKEN: 'g' }), both);
    expect(links.trackerIssue('NEW', '5')).toBe('https://github.com/acme/new/issues/5');
    expect(links.trackerIssue('OLD', '5')).toBeNull();
  });
});

describe('the loopback guard', () => {
  it.each([
    ['https://git.acme.test/acme/shop', true],
    ['http://10.0.0.5:3000/x', true],
    ['https://127.example.com/', true],
    ['', false],
    [null, false],
    ['/acme/shop/pulls/1', false],
    ['ftp://git.acme.test/', false],
    ['http://localhost:3000/', false],
    ['http://LOCALHOST./', false],
    ['http://git.localhost/', false],
    ['http://127.0.0.1:3000/', false],
    ['http://127.255.1.2/', false],
    ['http://127.1/', false],
    ['http://[::1]:8080/', false],
    ['http://[0:0:0:0:0:0:0:1]/', false],
    ['http://[::ffff:127.0.0.1]/', false],
    ['http://0.0.0.0:8080/', false],
  ])('%s → %s', (url, shown) => {
    expect(isPublicUrl(url)).toBe(shown);
  });
});

describe('the production approval of a GitHub project', () => {
  const task = { id: 'SHOP-42', title: 'Wishlist', source: 'github', externalUrl: 'https://github.com/acme/shop/issues/42', branch: 'task/SHOP-42', prNumber: 7, stagingRevision: SHA, stagingVerdict: 'SUCCESS', stagingWaived: [], stagingImageRef: 'conveyor/shop:x', stagingImageId: 'sha256:1' } as unknown as Task;
  it('links the PR, the staging report on the branch and the issue with GitHub shapes', () => {
    const view = deployViewOf(task, githubRepoLinks('https://github.com', 'acme/shop'), undefined);
    expect(view.links).toMatchObject({
      pr: 'https://github.com/acme/shop/pull/7',
      report: 'https://github.com/acme/shop/blob/task/SHOP-42/docs/work-items/SHOP-42/14-staging-report.md',
      tracker: 'https://github.com/acme/shop/issues/42',
    });
    const pending = { state: 'pending', decidedBy: null, decidedByName: null, decidedAt: null, reason: null } as const;
    const html = renderDeployApproval(view, pending, 'en', 'html').text;
    expect(html).toContain('<a href="https://github.com/acme/shop/issues/42">GitHub</a>');
    expect(html).toContain('<a href="https://github.com/acme/shop/pull/7">PR</a>');
  });
});
