/**
 * The reconciler's tracker side applies `startOn` (ADR 0043) like the webhook path, against the
 * real Plane and GitHub stand-ins: an eligible issue that has not met its start rule is not a task;
 * once it has (moved to the start state, given the start label) and that webhook was lost, the next
 * pass after the grace creates the task once; when the webhook did arrive, the pass adds nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GithubIssuesClient } from '../../adapters/github/github-issues-client.ts';
import { planeDeliveryMapper } from '../../adapters/plane/plane-delivery.ts';
import { startGithubStandin, type GithubStandin } from '../../adapters/sandbox/github/github-standin.ts';
import type { WorkItemActivity } from '../../adapters/sandbox/plane/plane-standin-model.ts';
import { issueWebhookPayload } from '../../adapters/sandbox/plane/plane-webhook.ts';
import { InboxProcessor } from '../../core/inbound/inbox-processor.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { insertDelivery } from '../../core/store/inbox-repo.ts';
import { createGitRemote, type GitRemote } from '../support/git-fixtures.ts';
import { GRACE_MS, PLANE_PROJECT, ReconcilerWorld } from '../support/reconciler-harness.ts';

let world: ReconcilerWorld;
let gh: GithubStandin | null = null;
let remote: GitRemote | null = null;

afterEach(async () => {
  await world.cleanup();
  await gh?.close();
  await remote?.cleanup();
  gh = null;
  remote = null;
});

const pass = (reader?: GithubIssuesClient) => world.reconciler(reader ? { trackerReader: reader } : {}).runPass({ dryRun: false, actor: 'reconciler' });

async function planeWorld(): Promise<void> {
  world = await ReconcilerWorld.start({ plane: true, project: { plane: { projectId: PLANE_PROJECT, label: 'agent' }, startOn: { state: 'In Progress' } } });
}

describe('startOn { state } on the Plane tracker side', () => {
  it('backlog: no task; moved to In Progress with the webhook lost: one task after the grace, once', async () => {
    await planeWorld();
    const item = world.plane!.state.createWorkItem(PLANE_PROJECT, { name: 'Wishlist', descriptionHtml: '<p>Save &amp; share</p>', labels: ['agent'], state: 'Backlog' });
    world.advance(GRACE_MS + 1000);
    expect((await pass()).unblocked).toEqual([]);
    expect(world.count('tasks')).toBe(0);

    world.plane!.state.moveWorkItem(item.id, 'In Progress');
    // Within the grace the move's webhook may still be on its way: not the reconciler's to make.
    expect((await pass()).unblocked).toEqual([]);
    world.advance(GRACE_MS + 1000);
    const taskId = `SHOP-${item.sequenceId}`;
    expect((await pass()).unblocked).toEqual([{ taskId, reason: `tracker issue ${taskId} had no task (start event lost)` }]);
    expect(await world.task(taskId)).toMatchObject({ source: 'plane', externalId: item.id, title: 'Wishlist', description: 'Save & share', stage: 'analysis' });
    world.advance(GRACE_MS);
    expect((await pass()).unblocked).toEqual([]);
    expect(world.count('tasks')).toBe(1);
  });

  it('the move webhook and the reconciler both see the start: one task', async () => {
    await planeWorld();
    const sent: WorkItemActivity[] = [];
    world.plane!.state.onActivity = (activity) => void sent.push(activity);
    const item = world.plane!.state.createWorkItem(PLANE_PROJECT, { name: 'Wishlist', labels: ['agent'], state: 'Backlog' });
    world.plane!.state.moveWorkItem(item.id, 'In Progress');
    const inbox = new InboxProcessor({ store: world.store, engine: world.engine, projects: world.projects, clock: world.clock, logger: silentLogger, mappers: { plane: planeDeliveryMapper({ webUrl: null, workspace: null }) } });
    for (const [i, activity] of sent.entries()) await insertDelivery(world.store, { source: 'plane', deliveryId: `d-${i}`, event: 'issue', payload: JSON.stringify(issueWebhookPayload(activity, world.plane!.state, 'hook')), now: world.clock.now() });
    expect(await inbox.processOnce()).toEqual({ processed: 2, failed: 0 });
    expect(world.count('tasks')).toBe(1);
    world.advance(GRACE_MS + 1000);
    expect((await pass()).unblocked).toEqual([]);
    expect(world.count('tasks')).toBe(1);
  });
});

describe('startOn { label } on the GitHub Issues tracker side', () => {
  it('labelled issue: no task; start label added with the webhook lost: one task after the grace, once', async () => {
    world = await ReconcilerWorld.start({ project: { forge: 'github', github: { issues: true, label: 'agent' }, startOn: { label: 'agent:start' } } });
    remote = await createGitRemote();
    gh = await startGithubStandin({ token: 'ghp_startonrec0123456789abcdefghijklmn', repos: { 'acme/shop': remote.remote }, now: world.clock.now });
    const repo = gh.state.repo('acme/shop')!;
    const reader = () => new GithubIssuesClient({ apiUrl: gh!.url, token: 'ghp_startonrec0123456789abcdefghijklmn', timeoutMs: 5000, now: world.clock.now }, [...world.projects.values()]);
    const issue = gh.state.createIssue(repo, { title: 'Wishlist', body: 'Save items.', labels: ['agent'], user: 'priya' });
    world.advance(GRACE_MS + 1000);
    expect((await pass(reader())).unblocked).toEqual([]);

    gh.state.addLabels(issue, ['agent:start']);
    world.advance(GRACE_MS + 1000);
    const taskId = `SHOP-${issue.number}`;
    expect((await pass(reader())).unblocked).toEqual([{ taskId, reason: `tracker issue ${taskId} had no task (start event lost)` }]);
    expect(await world.task(taskId)).toMatchObject({ source: 'github', externalId: String(issue.number), title: 'Wishlist', requestedBy: 'github:priya' });
    world.advance(GRACE_MS);
    expect((await pass(reader())).unblocked).toEqual([]);
    expect(world.count('tasks')).toBe(1);
  });
});
