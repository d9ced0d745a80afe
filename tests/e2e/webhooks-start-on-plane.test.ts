/**
 * `startOn` over Plane (ADR 0043), end to end: the composed app and its listener on a real socket,
 * the Plane stand-in's work items and its exact signed v1 webhooks (delivered by the test, so one
 * can be repeated or lost), real SQLite. With the default rule a labelled work item is a task at
 * once; with `{ "state": "In Progress" }` it is not a task in the backlog, becomes one when moved
 * to In Progress, and a redelivered or retried move makes no second task.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startPlaneStandin, type PlaneStandin } from '../../adapters/sandbox/plane/plane-standin.ts';
import type { WorkItemActivity } from '../../adapters/sandbox/plane/plane-standin-model.ts';
import { deliverPlaneWebhook, issueWebhookPayload } from '../../adapters/sandbox/plane/plane-webhook.ts';
import { getTask } from '../../core/store/task-repo.ts';
import { SECRET } from '../http/webhook-harness.ts';
import { IDS, startWebhookApp, type WebhookApp } from '../inbound/inbound-harness.ts';

const PROJECT = IDS.project_id;
const HOOK = '83faac57-2f56-4652-866d-e486522c4f8d';

let plane: PlaneStandin | null = null;
let w: WebhookApp | null = null;
let activities: WorkItemActivity[] = [];

afterEach(async () => {
  await w?.close();
  await plane?.close();
  w = null;
  plane = null;
});

async function start(project: Record<string, unknown>): Promise<{ plane: PlaneStandin; w: WebhookApp }> {
  plane = await startPlaneStandin({ apiKey: 'plane_api_start_on_0123456789abcdef', workspace: 'acme', projects: [{ id: PROJECT, identifier: 'SHOP' }] });
  activities = [];
  // Plane would send each change at once; the test holds them to deliver, repeat or lose.
  plane.state.onActivity = (activity) => void activities.push(activity);
  w = await startWebhookApp({ project: { plane: { projectId: PROJECT, label: 'agent' }, ...project } });
  return { plane, w };
}

/** Sends the latest change as Plane does (signed v1 body); `deliveryId` repeats a delivery. */
async function deliverLatest(deliveryId?: string): Promise<string> {
  const activity = activities.at(-1)!;
  const delivery = await deliverPlaneWebhook(`${w!.url}/webhooks/plane`, SECRET, issueWebhookPayload(activity, plane!.state, HOOK), deliveryId ? { deliveryId } : {});
  expect(delivery.status).toBe(200);
  await w!.drained();
  return delivery.deliveryId;
}

const taskCount = () => (w!.app.store.sqlite.prepare('SELECT count(*) AS n FROM tasks').get() as { n: number }).n;

describe('startOn over Plane webhooks', () => {
  it('default ("created"): a labelled work item is a task at once, even in the backlog', async () => {
    const { plane } = await start({});
    const item = plane.state.createWorkItem(PROJECT, { name: 'Wishlist', labels: ['agent'], state: 'Backlog' });
    await deliverLatest();
    expect(await getTask(w!.app.store.db, `SHOP-${item.sequenceId}`)).toMatchObject({ stage: 'analysis', source: 'plane', externalId: item.id });
  });

  it('{ "state": "In Progress" }: backlog → no task; moved to In Progress → one task; a redelivery or retry → still one', async () => {
    const { plane } = await start({ startOn: { state: 'In Progress' } });
    const item = plane.state.createWorkItem(PROJECT, { name: 'Wishlist', descriptionHtml: '<p>Save items &amp; share</p>', labels: ['agent'], state: 'Backlog' });
    await deliverLatest();
    plane.state.moveWorkItem(item.id, 'Todo');
    await deliverLatest();
    expect(taskCount()).toBe(0);

    plane.state.moveWorkItem(item.id, 'In Progress');
    const moved = await deliverLatest();
    const taskId = `SHOP-${item.sequenceId}`;
    expect(await getTask(w!.app.store.db, taskId)).toMatchObject({
      stage: 'analysis',
      source: 'plane',
      externalId: item.id,
      title: 'Wishlist',
      description: 'Save items & share',
      requestedBy: `plane:${item.createdBy}`,
    });
    // Plane's retry of the same delivery, and a second delivery of the same move: one task.
    await deliverLatest(moved);
    await deliverLatest();
    expect(taskCount()).toBe(1);

    // An unlabelled item moved to In Progress is not eligible.
    const other = plane.state.createWorkItem(PROJECT, { name: 'Question', state: 'Backlog' });
    plane.state.moveWorkItem(other.id, 'In Progress');
    await deliverLatest();
    expect(taskCount()).toBe(1);
  });

  it('{ "state": "In Progress" }: a work item created in In Progress starts at once', async () => {
    const { plane } = await start({ startOn: { state: 'in progress' } });
    const item = plane.state.createWorkItem(PROJECT, { name: 'Hotfix', labels: ['agent'], state: 'In Progress' });
    await deliverLatest();
    expect(await getTask(w!.app.store.db, `SHOP-${item.sequenceId}`)).toMatchObject({ stage: 'analysis', externalId: item.id });
  });
});
