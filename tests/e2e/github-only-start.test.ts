/**
 * Issue 13's "Done when", as processes: a team on GitHub runs Conveyor end to end with no Gitea and
 * no Plane. A real `conveyor start` configured with TELEGRAM_* and GITHUB_* only; the Bot API
 * sandbox; the GitHub stand-in over a real bare repository, sending signed webhooks and running an
 * Actions job that reports check runs; scripted agents. What only GitHub does at the unit level
 * lives in tests/github/*, tests/e2e/github-forge.test.ts (a red check run's text, a lost
 * check_suite read back by the reconciler, in-process) and tests/e2e/github-issues-tracker.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_LABEL } from '../../app/demo/demo-scene-github.ts';
import { waitFor } from '../support/conveyor-harness.ts';
import { git } from '../support/git-fixtures.ts';
import { startGithubWorld, type GithubStartWorld } from '../support/github-start-world.ts';

let world: GithubStartWorld | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

describe('a GitHub-only team (conveyor start, no GITEA_*, no PLANE_*)', () => {
  it('a labelled issue goes to a merged PR on GitHub through check runs, review and testing; the issue is closed', async () => {
    const w = (world = await startGithubWorld());
    expect(Object.keys(w.env).filter((name) => /^(GITEA|PLANE)_/.test(name))).toEqual([]);
    const issue = w.scene.github.openIssue({ title: 'Add wishlist count to the cart', body: 'Shoppers want to see how many items they **wished** for.', labels: [DEMO_LABEL], user: 'priya' });
    const id = `SHOP-${issue.number}`;
    await w.approveUntil(() => w.task(id)?.stage === 'done' || w.task(id)?.escalated === 1, 240_000, `${id} never reached done`);
    expect(w.task(id)).toMatchObject({ stage: 'done', escalated: 0, source: 'github', external_id: String(issue.number) });

    // GitHub's side: the PR Conveyor opened is merged, with the commit now on main; the issue is closed.
    const main = await git(w.remote, ['rev-parse', 'main']);
    const [pull] = w.repo.pulls;
    expect(w.repo.pulls).toHaveLength(1);
    expect(pull).toMatchObject({ head: `task/${id}`, base: 'main', merged: true, mergeCommitSha: main });
    expect(w.task(id)?.head_sha).toBe(main);
    expect(await git(w.remote, ['show', 'main:cart.js'])).toContain('if (items == null) return 0;');
    await w.scene.github.settle();
    expect(issue).toMatchObject({ state: 'closed', stateReason: 'completed' });
    expect(w.repo.comments.some((c) => c.issueNumber === issue.number && c.body.includes('BRD approved by Alice'))).toBe(true);

    // CI was GitHub's (the project has no ciCommand): its check runs turned the task green, by
    // webhook or as read when the PR was opened, and the reviewer's rollback went back through
    // development and CI again.
    const reasons = w.query<{ reason: string; actor: string }>('SELECT reason, actor FROM transitions WHERE task_id = ? ORDER BY id', id);
    expect(reasons.filter((r) => r.reason.startsWith('CI green') && ['github', 'forge'].includes(r.actor)), JSON.stringify(reasons)).toHaveLength(2);
    expect(reasons.some((r) => r.reason.includes('REQUEST_CHANGES'))).toBe(true);
    expect(w.repo.checkRuns.filter((r) => r.name === 'test' && r.conclusion === 'success').length).toBeGreaterThanOrEqual(2);
    expect(w.query<{ source: string }>('SELECT DISTINCT source FROM inbox').map((r) => r.source)).toEqual(['github']);

    // The card is delivered in the chat; no secret in the output; a clean stop.
    let card: string | undefined;
    const delivered = async () => (card = (await w.chat()).find((m) => m.startsWith(`🧩 ${id} · Add wishlist count to the cart`)))?.includes('📦 Delivered') === true;
    await waitFor(delivered, 30_000, () => `the card was not delivered: ${card}`);
    for (const secret of w.scene.secrets) expect(w.conveyor.output()).not.toContain(secret);
    expect(w.conveyor.output()).not.toMatch(/gitea webhook secret|plane webhook secret/);
    expect(await w.conveyor.stop()).toBe(0);
  }, 300_000);
});
