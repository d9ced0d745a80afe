/**
 * The dashboard's task page links with the builders the composition root picks (ADR 0045): a
 * GitHub project's branch and BRD in GitHub's shapes, and the tracker link through the same
 * loopback guard as the chat's.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linksFor } from '../../app/links.ts';
import { loadConfig } from '../../core/config/config.ts';
import { parseProjects } from '../../core/config/projects.ts';
import { VIEWER, dashboardWorld, seedTasks, type DashboardWorld } from '../support/dashboard-harness.ts';

function githubLinks() {
  const parsed = parseProjects(JSON.stringify({ projects: [{ id: 'SHOP', repo: 'acme/shop', cloneUrl: '/tmp/x', chatId: '-1', approvers: [1], forge: 'github', agents: { default: 'true' } }] }), 'dashboard links');
  if (parsed.type !== 'ok') throw new Error(parsed.problems.join('; '));
  return linksFor(loadConfig({ GITHUB_TOKEN: 'g', GITHUB_API_URL: 'https://ghe.acme.test/api/v3' }), new Map(parsed.projects.map((p) => [p.id, p]))).forge;
}

let w: DashboardWorld;
beforeEach(async () => {
  w = dashboardWorld(githubLinks());
  await seedTasks(w);
});
afterEach(() => w.cleanup());

async function taskPage(id: string): Promise<string> {
  const res = await w.app.request('/app/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ initData: w.initData(VIEWER) }) });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return (await w.app.request(`/app/task/${id}`, { headers: { cookie } })).text();
}

const setTrackerUrl = (id: string, url: string) => w.h.store.sqlite.prepare('UPDATE tasks SET external_url = ? WHERE id = ?').run(url, id);

describe('dashboard links of a GitHub project', () => {
  it('links the branch (/tree/), the BRD (/blob/) and the head commit on GitHub Enterprise', async () => {
    const html = await taskPage('SHOP-4');
    expect(html).toContain('href="https://ghe.acme.test/acme/shop/tree/task/SHOP-4"');
    expect(html).toContain('href="https://ghe.acme.test/acme/shop/blob/task/SHOP-4/docs/work-items/SHOP-4/01-brd.md"');
    expect(html).toContain(`href="https://ghe.acme.test/acme/shop/commit/${'b'.repeat(40)}"`); // the branch head
    expect(html).not.toContain('/src/branch/');
  });

  it('shows a public tracker link and drops a loopback one', async () => {
    setTrackerUrl('SHOP-4', 'https://ghe.acme.test/acme/shop/issues/4');
    expect(await taskPage('SHOP-4')).toContain('href="https://ghe.acme.test/acme/shop/issues/4"');
    setTrackerUrl('SHOP-4', 'http://127.0.0.1:8000/acme/projects/p/issues/4');
    const html = await taskPage('SHOP-4');
    expect(html).not.toContain('127.0.0.1');
    expect(html).not.toContain('>Tracker<');
    expect(html).toContain('href="https://ghe.acme.test/acme/shop/tree/task/SHOP-4"'); // the rest stays
  });
});
