/**
 * Incident class 8: `/reconcile dry` reports what a pass would change and changes nothing — no
 * transition, no job, no message, no task created, figures untouched. The real pass then does
 * exactly what the dry run reported.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readStats } from '../../core/reconciler/reconciler.ts';
import { GRACE_MS, PLANE_PROJECT, ReconcilerWorld } from '../support/reconciler-harness.ts';

const SHA = '0d0'.padEnd(40, '7');
let world: ReconcilerWorld;
afterEach(async () => world.cleanup());

function snapshot() {
  const all = (table: string) => world.store.sqlite.prepare(`SELECT * FROM ${table} ORDER BY 1`).all();
  return { tasks: all('tasks'), jobs: all('jobs'), outbox: all('outbox'), transitions: all('transitions'), approvals: all('approvals'), kv: all('kv') };
}

describe('incident 8: /reconcile dry changes nothing', () => {
  it('reports a lost CI status, a lost approval and a lost creation, and changes nothing', async () => {
    world = await ReconcilerWorld.start({ plane: true, gitea: true });
    // Every task here comes from the tracker: chat numbers would collide with Plane's (ADR 0002).
    const ciItem = world.plane!.state.createWorkItem(PLANE_PROJECT, { name: 'CI lost', state: 'In Progress' });
    const ciTask = await world.awaitingCi(SHA, { source: 'plane', externalId: ciItem.id, number: ciItem.sequenceId });
    world.gitea!.state.setBranchHead('acme/shop', `task/${ciTask}`, SHA);
    world.gitea!.state.postStatus('acme/shop', SHA, { state: 'success' });
    const approvalItem = world.plane!.state.createWorkItem(PLANE_PROJECT, { name: 'Approve me' });
    const approvalTask = await world.awaitingApproval({ source: 'plane', externalId: approvalItem.id, number: approvalItem.sequenceId });
    world.advance(1_000);
    world.plane!.state.moveWorkItem(approvalItem.id, 'Approved');
    const orphan = world.plane!.state.createWorkItem(PLANE_PROJECT, { name: 'No task yet' });
    await world.reconciler().runPass({ dryRun: false, actor: 'reconciler' }); // figures exist before the dry run
    world.advance(GRACE_MS + 1_000);

    const before = snapshot();
    const requests = world.gitea!.requests.length;
    const dry = await world.reconciler().runPass({ dryRun: true, actor: 'telegram:1' });
    expect(dry.dryRun).toBe(true);
    expect(dry.unblocked).toEqual(
      expect.arrayContaining([
        { taskId: ciTask, reason: `CI green on ${SHA.slice(0, 7)} (status lost)` },
        { taskId: approvalTask, reason: 'BRD approved in the tracker ("Approved")' },
        { taskId: `SHOP-${orphan.sequenceId}`, reason: `tracker issue SHOP-${orphan.sequenceId} had no task (creation event lost)` },
      ]),
    );
    expect(dry.unblocked).toHaveLength(3);
    expect(world.gitea!.requests.length).toBeGreaterThan(requests); // it did look
    expect(snapshot()).toEqual(before);

    const real = await world.reconciler().runPass({ dryRun: false, actor: 'reconciler' });
    expect([...real.unblocked].sort((a, b) => a.taskId.localeCompare(b.taskId))).toEqual([...dry.unblocked].sort((a, b) => a.taskId.localeCompare(b.taskId)));
    expect((await world.task(ciTask)).stage).toBe('review');
    expect((await world.task(approvalTask)).stage).toBe('development');
    expect(await world.task(`SHOP-${orphan.sequenceId}`)).toMatchObject({ stage: 'analysis', externalId: orphan.id, title: 'No task yet' });
    expect((await readStats(world.store)).unblockedTotal).toBe(3);
  });

  it('a dry run never joins or blocks a real pass', async () => {
    world = await ReconcilerWorld.start({ plane: true });
    for (let i = 0; i < 3; i++) world.plane!.state.createWorkItem(PLANE_PROJECT, { name: `Issue ${i}` });
    world.advance(GRACE_MS + 1_000);
    const reconciler = world.reconciler({ trackerCallsPerPass: 1 });
    const [dry, real] = await Promise.all([reconciler.runPass({ dryRun: true, actor: 'x' }), reconciler.runPass({ dryRun: false, actor: 'y' })]);
    expect(dry.dryRun).toBe(true);
    expect(real.dryRun).toBe(false);
    expect(real.unblocked).toHaveLength(3);
    expect(world.count('tasks')).toBe(3);
  });
});
