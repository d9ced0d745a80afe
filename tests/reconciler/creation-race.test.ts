/**
 * Incident class 5: a creation webhook and a reconciler pass racing on the same new issue make one
 * task, one branch, one worktree and one analyst job — in one process (interleaved on the event
 * loop, and in the narrowest window: after discovery decided, before it applied) and across two
 * processes on one database file.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { GitWorkspace } from '../../adapters/git/git-workspace.ts';
import type { PassProbe } from '../../core/reconciler/probe.ts';
import { reconcilerProbes } from '../../core/reconciler/probes.ts';
import { Reconciler } from '../../core/reconciler/reconciler.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { createGitRemote, type GitRemote } from '../support/git-fixtures.ts';
import { PLANE_PROJECT, ReconcilerWorld } from '../support/reconciler-harness.ts';

let world: ReconcilerWorld;
let remote: GitRemote | null = null;
afterEach(async () => {
  await world.cleanup();
  await remote?.cleanup();
  remote = null;
});

async function webhook(item: { id: string; sequenceId: number; name: string }) {
  return await world.handle({ type: 'TaskRequested', key: `plane:delivery:${item.id}`, projectId: 'SHOP', title: item.name, source: 'plane', externalId: item.id, number: item.sequenceId, actor: 'plane' });
}

/** One task per issue, each with exactly one analyst job and one creation transition. */
async function expectOneOfEach(items: readonly { id: string; sequenceId: number }[]): Promise<void> {
  expect(world.count('tasks')).toBe(items.length);
  for (const item of items) {
    const id = `SHOP-${item.sequenceId}`;
    expect(await world.task(id)).toMatchObject({ externalId: item.id, branch: `task/${id}` });
    expect(world.count('jobs', `task_id = '${id}'`)).toBe(1);
    expect(world.count('jobs', `idempotency_key = '${id}:agent:analyst:1'`)).toBe(1);
    expect(world.count('transitions', `task_id = '${id}' AND from_stage IS NULL`)).toBe(1);
  }
  expect(world.count('tasks', `branch LIKE 'task/%'`)).toBe(items.length);
}

describe('incident 5: a webhook and a pass racing on the same new issue', () => {
  it('interleaved in one process: one task, one analyst job and one worktree per issue', async () => {
    world = await ReconcilerWorld.start({ plane: true });
    remote = await createGitRemote();
    const items = Array.from({ length: 12 }, (_, i) => world.plane!.state.createWorkItem(PLANE_PROJECT, { name: `Issue ${i + 1}` }));
    world.advance(1_000);
    const reconciler = world.reconciler({ graceS: 0 });
    const deliveries = (async () => {
      for (const item of items) {
        await webhook(item);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const [report] = await Promise.all([reconciler.runPass({ dryRun: false, actor: 'reconciler' }), deliveries]);
    await expectOneOfEach(items);
    // Whoever lost a race made nothing: every creation is either the webhook's or the reconciler's.
    expect(world.count('transitions', `from_stage IS NULL AND actor = 'reconciler'`)).toBe(report.unblocked.length);
    expect(world.count('outbox', `kind = 'notice'`)).toBe(report.unblocked.length);

    // Each analyst job prepares its worktree as the worker would: one branch and one worktree per task.
    const workdir = join(world.dir, 'work');
    const workspace = new GitWorkspace({ workdir });
    const project = { ...world.project, cloneUrl: remote.remote };
    const analystJobs = (await world.queue.active()).filter((j) => j.kind === 'agent' && j.payload.role === 'analyst');
    expect(analystJobs).toHaveLength(items.length);
    await Promise.all(analystJobs.map((job) => workspace.prepare(project, job.taskId!)));
    expect(readdirSync(join(workdir, 'worktrees', 'SHOP')).sort()).toEqual(items.map((i) => `SHOP-${i.sequenceId}`).sort());
  });

  it('the webhook lands after discovery decided and before it applied: the replay is a duplicate, no notice', async () => {
    world = await ReconcilerWorld.start({ plane: true });
    const item = world.plane!.state.createWorkItem(PLANE_PROJECT, { name: 'Wishlist' });
    world.advance(1_000);
    const [tracker, ...rest] = reconcilerProbes({ store: world.store, projects: world.projects, trackerReader: world.trackerReader(), forgeReader: null, reconcile: { planeEnabled: true, graceS: 0, graceByStage: {} } });
    const inner = tracker as PassProbe;
    const racing: PassProbe = {
      name: 'racing tracker',
      start(pass) {
        const session = inner.start(pass);
        return {
          check: (task) => session.check(task),
          async discover() {
            const found = await session.discover!();
            expect(found.map((f) => f.taskId)).toEqual([`SHOP-${item.sequenceId}`]);
            expect((await webhook(item)).type).toBe('created');
            return found;
          },
        };
      },
    };
    const reconciler = new Reconciler({ store: world.store, engine: world.engine, clock: world.clock, logger: silentLogger, probes: [racing, ...rest], query: { graceMs: {}, defaultGraceMs: 0, skipBlocked: true, pageSize: 50 } });
    const report = await reconciler.runPass({ dryRun: false, actor: 'reconciler' });
    expect(report.unblocked).toEqual([]);
    await expectOneOfEach([item]);
    expect(world.count('outbox', `kind = 'notice'`)).toBe(0);
    expect(world.count('transitions', `actor = 'reconciler'`)).toBe(0);
  });

  it('two processes on one database file: one task and one analyst job per issue', async () => {
    world = await ReconcilerWorld.start({ plane: true });
    const items = Array.from({ length: 30 }, (_, i) => world.plane!.state.createWorkItem(PLANE_PROJECT, { name: `Issue ${i + 1}` }));
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'race-child.ts'), world.dbPath, JSON.stringify({ projects: [{ ...world.project }] }), JSON.stringify([...items].reverse().map((i) => ({ id: i.id, sequenceId: i.sequenceId, title: i.name })))], { cwd: join(import.meta.dirname, '..', '..'), stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout });
    const next = () => new Promise<string>((resolve) => lines.once('line', resolve));
    world.advance(1_000);
    expect(await next()).toBe('ready');
    const done = next();
    child.stdin.write('go\n');
    const report = await world.reconciler({ graceS: 0 }).runPass({ dryRun: false, actor: 'reconciler' });
    const outcomes = (await done).replace(/^done /, '').split(',');
    child.stdin.end();
    await new Promise((resolve) => child.once('exit', resolve));
    await expectOneOfEach(items);
    const byWebhook = outcomes.filter((o) => o === 'created').length;
    expect(byWebhook + report.unblocked.length).toBe(items.length);
    expect(outcomes.every((o) => o === 'created' || o === 'duplicate')).toBe(true);
  });
});
