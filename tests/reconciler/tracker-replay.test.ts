/**
 * Tracker side against the Plane stand-in: decisions the inbox never saw are replayed once, a
 * decision state left over from an earlier round is never replayed (no rejection loop), issues
 * without a task become tasks (label, state and grace respected), and the call budget is kept.
 */
import { mapInOrder } from '../../core/map-in-order.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { getApproval, pendingApproval } from '../../core/store/approval-repo.ts';
import { BRD, GRACE_MS, PLANE_PROJECT, ReconcilerWorld } from '../support/reconciler-harness.ts';

let world: ReconcilerWorld;
afterEach(async () => world.cleanup());

async function trackedAwaitingApproval(): Promise<{ id: string; itemId: string }> {
  world = await ReconcilerWorld.start({ plane: true });
  const item = world.plane!.state.createWorkItem(PLANE_PROJECT, { name: 'Wishlist', state: 'Todo' });
  const id = await world.awaitingApproval({ source: 'plane', externalId: item.id, number: item.sequenceId });
  return { id, itemId: item.id };
}

const pass = () => world.reconciler().runPass({ dryRun: false, actor: 'reconciler' });

describe('tracker side: lost state changes', () => {
  it('moved to Approved after the request, webhook lost: the approval is replayed once', async () => {
    const { id, itemId } = await trackedAwaitingApproval();
    const approval = (await pendingApproval(world.store.db, id, 'brd'))!;
    world.advance(60_000);
    world.plane!.state.moveWorkItem(itemId, 'Approved');
    world.advance(GRACE_MS);
    const report = await pass();
    expect(report.unblocked).toEqual([{ taskId: id, reason: 'BRD approved in the tracker ("Approved")' }]);
    expect(await world.task(id)).toMatchObject({ stage: 'development', phase: 'working' });
    expect(await getApproval(world.store.db, approval.id)).toMatchObject({ state: 'approved', decidedBy: 'tracker' });
    expect((await world.queue.activeForTask(id)).map((j) => j.payload.role)).toEqual(['developer']);
    expect(world.count('outbox', `kind = 'notice'`)).toBe(1);
  });

  it('a Rejected state left in place rejects one round only: the next BRD is not rejected again', async () => {
    const { id, itemId } = await trackedAwaitingApproval();
    world.advance(60_000);
    world.plane!.state.moveWorkItem(itemId, 'Rejected');
    world.advance(GRACE_MS);
    expect((await pass()).unblocked).toEqual([{ taskId: id, reason: 'BRD rejected in the tracker ("Rejected")' }]);
    expect(await world.task(id)).toMatchObject({ stage: 'analysis', phase: 'working', notes: 'rejected in the tracker', attempts: { analyst: 2 } });

    // The analyst writes a new BRD; the issue still sits in Rejected from the first round.
    world.advance(60_000);
    await world.finish(id, 'analyst', { '01-brd.md': BRD });
    world.settleJobs(id);
    expect((await world.task(id)).phase).toBe('awaiting-approval');
    const jobs = world.count('jobs');
    const outbox = world.count('outbox');
    for (let i = 0; i < 5; i++) {
      world.advance(GRACE_MS);
      expect((await pass()).unblocked).toEqual([]);
    }
    expect(await world.task(id)).toMatchObject({ stage: 'analysis', phase: 'awaiting-approval', attempts: { analyst: 2 } });
    expect(world.count('jobs')).toBe(jobs);
    expect(world.count('outbox')).toBe(outbox);
  });

  it('an Approved state set before the BRD was requested is not a decision on it', async () => {
    world = await ReconcilerWorld.start({ plane: true });
    const item = world.plane!.state.createWorkItem(PLANE_PROJECT, { name: 'Early', state: 'Approved' });
    world.advance(60_000);
    const id = await world.awaitingApproval({ source: 'plane', externalId: item.id, number: item.sequenceId });
    world.advance(GRACE_MS);
    expect((await pass()).unblocked).toEqual([]);
    expect(await world.task(id)).toMatchObject({ stage: 'analysis', phase: 'awaiting-approval' });
  });

  it('an issue gone from a complete listing skips its task (never advanced on a guess)', async () => {
    world = await ReconcilerWorld.start({ plane: true });
    const id = await world.awaitingCi('9'.repeat(40), { source: 'plane', externalId: '00000000-0000-4000-8000-000000000000', number: 7 });
    await world.storeStatus('9'.repeat(40), 'success');
    world.advance(GRACE_MS);
    const report = await pass();
    expect(report.skipped).toEqual([{ taskId: id, reason: 'issue not found in the tracker' }]);
    expect((await world.task(id)).stage).toBe('development');
  });
});

describe('tracker side: issues without a task', () => {
  it('creates tasks only for labelled, open, unblocked issues older than the grace', async () => {
    world = await ReconcilerWorld.start({ plane: true, project: { plane: { projectId: PLANE_PROJECT, label: 'agent' } } });
    const make = (name: string, extra: { labels?: string[]; state?: string }) => world.plane!.state.createWorkItem(PLANE_PROJECT, { name, descriptionHtml: `<p>${name} &amp; more</p>`, ...extra });
    const wanted = make('Wanted', { labels: ['Agent', 'ui'] });
    make('No label', { labels: ['ui'] });
    make('Finished', { labels: ['agent'], state: 'Done' });
    make('Cancelled', { labels: ['agent'], state: 'Cancelled' });
    make('Blocked', { labels: ['agent'], state: 'Blocked' });
    world.advance(GRACE_MS + 1_000);
    const young = make('Too young', { labels: ['agent'] });
    const report = await pass();
    expect(report.unblocked).toEqual([{ taskId: `SHOP-${wanted.sequenceId}`, reason: `tracker issue SHOP-${wanted.sequenceId} had no task (creation event lost)` }]);
    expect(await world.task(`SHOP-${wanted.sequenceId}`)).toMatchObject({
      source: 'plane',
      externalId: wanted.id,
      title: 'Wanted',
      description: 'Wanted & more',
      externalUrl: `https://plane.acme.test/acme/projects/${PLANE_PROJECT}/issues/${wanted.id}`,
      // The creator is the requester (ADR 0035), also when the reconciler makes the task.
      requestedBy: `plane:${wanted.createdBy}`,
    });
    expect(world.count('tasks')).toBe(1);
    expect((await pass()).unblocked).toEqual([]); // the task exists now
    world.advance(GRACE_MS);
    expect((await pass()).unblocked.map((u) => u.taskId)).toEqual([`SHOP-${young.sequenceId}`]);
  });
});

describe('tracker side: the call budget', () => {
  it('reads at most the budget per pass and carries on from the same page next pass', async () => {
    world = await ReconcilerWorld.start({ plane: true });
    const items = Array.from({ length: 5 }, (_, i) => world.plane!.state.createWorkItem(PLANE_PROJECT, { name: `Issue ${i + 1}`, state: 'Todo' }));
    const oldest = items[0]!;
    const tasks = await mapInOrder(items, (item) => world.awaitingApproval({ source: 'plane', externalId: item.id, number: item.sequenceId }));
    world.advance(60_000);
    world.plane!.state.moveWorkItem(oldest.id, 'Approved');
    const reconciler = world.reconciler({ trackerReader: world.trackerReader(2), trackerCallsPerPass: 2 });
    const perPass: number[] = [];
    const run = async () => {
      const before = world.plane!.requests.length;
      world.advance(GRACE_MS);
      const report = await reconciler.runPass({ dryRun: false, actor: 'reconciler' });
      perPass.push(world.plane!.requests.length - before);
      return report;
    };
    // Pages (newest first): [5, 4] [3, 2] [1]. Pass 1: page 1 and the states list.
    const first = await run();
    expect(first.unblocked).toEqual([]);
    expect(first.skipped.find((s) => s.taskId === tasks[0])).toEqual({ taskId: tasks[0], reason: 'issue not read this pass (call budget); next pass' });
    // Pass 2 goes on with pages 2 and 3 and reaches the oldest issue.
    const second = await run();
    expect(second.unblocked).toEqual([{ taskId: tasks[0], reason: 'BRD approved in the tracker ("Approved")' }]);
    expect(perPass).toEqual([2, 2]);
    expect(world.plane!.requests.filter((r) => r.path.endsWith('/work-items/')).map((r) => new URLSearchParams(r.query).get('cursor'))).toEqual([null, '2:1:0', '2:2:0']);
  });
});
