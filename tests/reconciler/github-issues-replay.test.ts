/**
 * The reconciler's tracker side over GitHub Issues (ADR 0042), against the GitHub stand-in: a
 * labelled open issue whose webhook was lost becomes a task (an unlabelled one does not), and an
 * `approved` label whose webhook was lost approves the pending BRD once, like a Plane state.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GithubIssuesClient } from '../../adapters/github/github-issues-client.ts';
import { startGithubStandin, type GithubStandin } from '../../adapters/sandbox/github/github-standin.ts';
import type { GhRepo } from '../../adapters/sandbox/github/github-standin-model.ts';
import { getApproval, pendingApproval } from '../../core/store/approval-repo.ts';
import { createGitRemote, type GitRemote } from '../support/git-fixtures.ts';
import { GRACE_MS, ReconcilerWorld } from '../support/reconciler-harness.ts';

const TOKEN = 'ghp_reconciler0123456789abcdefghijklmnop';

let world: ReconcilerWorld;
let gh: GithubStandin;
let remote: GitRemote;
let repo: GhRepo;

afterEach(async () => {
  await world.cleanup();
  await gh.close();
  await remote.cleanup();
});

async function start(): Promise<void> {
  world = await ReconcilerWorld.start({ project: { forge: 'github', github: { issues: true, label: 'agent' } } });
  remote = await createGitRemote();
  gh = await startGithubStandin({ token: TOKEN, repos: { 'acme/shop': remote.remote }, now: world.clock.now });
  repo = gh.state.repo('acme/shop')!;
}

const reader = () => new GithubIssuesClient({ apiUrl: gh.url, token: TOKEN, timeoutMs: 5000, now: world.clock.now, perPage: 2 }, [...world.projects.values()]);
const pass = () => world.reconciler({ trackerReader: reader() }).runPass({ dryRun: false, actor: 'reconciler' });

describe('tracker side on GitHub Issues', () => {
  it('a labelled issue without a task becomes one after the grace; an unlabelled one does not', async () => {
    await start();
    gh.state.createIssue(repo, { title: 'A question', user: 'priya' });
    const wanted = gh.state.createIssue(repo, { title: 'Add a wishlist', body: 'Save items for later.', labels: ['agent'], user: 'priya' });
    for (let i = 0; i < 3; i++) gh.state.createIssue(repo, { title: `Old ${i}`, labels: ['agent'], user: 'priya' }).state = 'closed';
    world.advance(GRACE_MS + 1000);
    await pass();
    const task = await world.task(`SHOP-${wanted.number}`);
    expect(task).toMatchObject({ source: 'github', externalId: String(wanted.number), title: 'Add a wishlist', description: 'Save items for later.', requestedBy: 'github:priya' });
    expect(world.count('tasks')).toBe(1);
  });

  it('an approved label whose webhook was lost approves the pending BRD once', async () => {
    await start();
    const issue = gh.state.createIssue(repo, { title: 'Wishlist', labels: ['agent'], user: 'priya' });
    const id = await world.awaitingApproval({ source: 'github', externalId: String(issue.number), number: issue.number });
    const approval = (await pendingApproval(world.store.db, id, 'brd'))!;
    world.advance(60_000);
    gh.state.addLabels(issue, ['approved']);
    world.advance(GRACE_MS);
    const report = await pass();
    expect(report.unblocked).toEqual([{ taskId: id, reason: 'BRD approved in the tracker ("Approved")' }]);
    expect(await getApproval(world.store.db, approval.id)).toMatchObject({ state: 'approved', decidedBy: 'tracker' });
    world.advance(GRACE_MS);
    expect((await pass()).unblocked).toEqual([]);
  });
});
