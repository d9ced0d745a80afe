/**
 * The production deploy's failure paths in the engine (design §10, ADR 0027/0032), with the real
 * SQLite store, real git, real hook processes and the real Docker engine: a hook that fails before
 * changing anything (exit 1) or restores (exit 2) leaves production's `:current` where it was and
 * sends the task back to development with the reason; a hook that hangs past its timeout or exits
 * 7 leaves production's state unknown and escalates, never delivered; failed health runs the hook
 * again with the previous image and rolls back with the reason; a stale validated image (wrong
 * revision in the engine, or a branch that moved) is refused and staged again. Also what people
 * see: the card says the deploy runs while its hook runs, and the tracker hears every outcome.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { DockerodeDocker } from '../../adapters/docker/dockerode-docker.ts';
import { renderCard } from '../../bot/render/render-card.ts';
import { REVISION_LABEL } from '../../core/deploy/promote.ts';
import { buildCardView } from '../../core/notify/card-view.ts';
import { pendingApproval } from '../../core/store/approval-repo.ts';
import { deployImageHistory } from '../../core/store/deploy-image-repo.ts';
import { buildBusyboxImage, removeLabelled, runLabel } from '../support/busybox-image.ts';
import { waitFor } from '../support/conveyor-harness.ts';
import { deployWorld, type DeployWorld } from '../support/deploy-world.ts';
import { describeDocker } from '../support/describe-docker.ts';
import { pushCommit } from '../support/git-fixtures.ts';

const LABEL = 'conveyor.test.deploy-failures';

describeDocker('production deploy failure paths (real git, real processes, real Docker engine)', (dockerHost) => {
  const docker = new DockerodeDocker({ dockerHost });
  const run = runLabel('deployfail');
  const stagingRepo = `conveyor-test-staging-${run}`;
  const prodBase = `conveyor-test-prod-${run}`;
  // Three images from one cached busybox build, told apart by a label: A and B are two releases,
  // C claims another revision than the one staging reports (the seed's ORCH-058).
  const images = { a: '', b: '', c: '' };
  let w: DeployWorld | null = null;

  beforeAll(async () => {
    images.a = await buildBusyboxImage(docker, `${stagingRepo}:a`, { [LABEL]: run, 'conveyor.test.release': 'a' });
    images.b = await buildBusyboxImage(docker, `${stagingRepo}:b`, { [LABEL]: run, 'conveyor.test.release': 'b' });
    images.c = await buildBusyboxImage(docker, `${stagingRepo}:c`, { [LABEL]: run, [REVISION_LABEL]: 'f'.repeat(40) });
  }, 240_000);
  afterAll(async () => {
    await removeLabelled(docker, LABEL, run);
  }, 60_000);
  afterEach(async () => {
    await w?.cleanup();
    w = null;
  });

  // Each test deploys to its own production repository, so `:current` starts absent.
  let prodRepo = '';
  let worlds = 0;
  const world = async (deploy: Record<string, unknown> = {}, tracker = false) => {
    prodRepo = `${prodBase}-${(worlds += 1)}`;
    return (w = await deployWorld({ docker, dockerHost, baseImageId: images.a, stagingRepo, prodRepo, deploy, tracker }));
  };
  const current = async () => (await docker.inspectImage(`${prodRepo}:current`))?.id ?? null;

  /** Deliver one task with image A (exit 0, healthy) so production has a previous image. */
  async function deliverA(x: DeployWorld): Promise<string> {
    const id = await x.toApproval(1);
    await x.decide(id, 'approve', 222);
    expect((await x.runJob('deploy'))?.type).toBe('done');
    expect((await x.runJob('merge'))?.type).toBe('done');
    expect((await x.h.task(id)).stage).toBe('done');
    expect(await current()).toBe(images.a);
    return id;
  }

  it('exit 1 and exit 2: production keeps its image, the task goes back to development with the reason', async () => {
    const x = await world();
    x.setCodes([0]);
    await deliverA(x);
    const healthBefore = x.healthCalls();

    x.setCodes([1]);
    x.staging.next.push(images.b);
    const failed = await x.toApproval(2);
    await x.decide(failed, 'approve', 222);
    expect((await x.runJob('deploy'))?.type).toBe('done');
    let task = await x.h.task(failed);
    expect([task.stage, task.escalated]).toEqual(['development', false]);
    expect(task.mustFix).toContain('The deploy hook failed before changing production (exit 1).');
    expect(task.mustFix).toContain('hook says code 1');
    // Nothing after a failed hook: no health probe, no `:current`, no merge.
    expect(x.healthCalls()).toBe(healthBefore);
    expect(await current()).toBe(images.a);
    expect(x.h.store.sqlite.prepare(`SELECT count(*) AS n FROM jobs WHERE kind = 'merge' AND task_id = ?`).get(failed)).toEqual({ n: 0 });
    expect(x.h.store.sqlite.prepare(`SELECT count(*) AS n FROM leases`).get()).toEqual({ n: 0 });

    x.setCodes([2]);
    x.staging.next.push(images.b);
    const restored = await x.toApproval(3);
    await x.decide(restored, 'approve', 222);
    expect((await x.runJob('deploy'))?.type).toBe('done');
    task = await x.h.task(restored);
    expect([task.stage, task.escalated]).toEqual(['development', false]);
    expect(task.mustFix).toContain('restored the previous version (exit 2)');
    expect(x.healthCalls()).toBe(healthBefore);
    expect(await current()).toBe(images.a);
    // One hook run per deploy: no automatic second call after exit 1 or 2.
    expect(x.hookCalls().map((l) => l.split(' ')[0])).toEqual(['0', '1', '2']);
    expect((await deployImageHistory(x.h.store.db, x.h.project.id)).map((r) => [r.outcome, r.imageId])).toEqual([
      ['restored', images.b],
      ['failed', images.b],
      ['deployed', images.a],
    ]);
  }, 180_000);

  it('a hook past its timeout and a hook exiting 7: unknown state, escalated with the reason, never delivered', async () => {
    const x = await world({ timeoutS: 2 });
    x.setCodes(['sleep', 7]);
    const hung = await x.toApproval(1);
    await x.decide(hung, 'approve', 222);
    const started = Date.now();
    expect((await x.runJob('deploy'))?.type).toBe('done');
    console.log(`[figure] hook timeout 2 s: deploy job ended after ${Date.now() - started} ms`);
    let task = await x.h.task(hung);
    expect([task.stage, task.phase, task.escalated]).toEqual(['deploy', 'working', true]);
    expect(task.escalationReason).toMatch(/production state unknown: the deploy hook timed out after 2 s and was killed/);
    expect(x.healthCalls()).toBe(0);
    expect(await current()).toBeNull();
    expect(x.h.store.sqlite.prepare(`SELECT count(*) AS n FROM jobs WHERE kind = 'merge'`).get()).toEqual({ n: 0 });
    expect(x.h.store.sqlite.prepare(`SELECT count(*) AS n FROM transitions WHERE task_id = ? AND to_stage = 'done'`).get(hung)).toEqual({ n: 0 });

    // The same task, retried: a new pass asks again; exit 7 says nothing about production either.
    expect((await x.h.handle({ type: 'RetryRequested', key: `retry:${hung}`, taskId: hung, actor: 'telegram:222:Ann' })).type).toBe('applied');
    await x.decide(hung, 'approve', 333);
    expect((await x.runJob('deploy'))?.type).toBe('done');
    task = await x.h.task(hung);
    expect([task.stage, task.escalated]).toEqual(['deploy', true]);
    expect(task.escalationReason).toContain('exited with 7, which says nothing about production');
    expect(await current()).toBeNull();
    expect(x.hookCalls().map((l) => l.split(' ')[0])).toEqual(['sleep', '7']);
    expect((await deployImageHistory(x.h.store.db, x.h.project.id)).map((r) => r.outcome)).toEqual(['failed', 'failed']);
  }, 180_000);

  it('failed health: the hook runs again with the previous image and the task rolls back with the reason', async () => {
    const x = await world();
    x.setCodes([0]);
    const first = await deliverA(x);
    const firstSha = x.staging.calls[0]!.sha;

    x.setCodes([0, 0]);
    x.setUnhealthy(true);
    x.staging.next.push(images.b);
    const id = await x.toApproval(2);
    const sha = x.staging.calls[1]!.sha;
    await x.decide(id, 'approve', 222);
    expect((await x.runJob('deploy'))?.type).toBe('done');
    const task = await x.h.task(id);
    expect([task.stage, task.escalated]).toEqual(['development', false]);
    expect(task.mustFix).toContain('Production health failed after the deploy, so the previous image was restored');
    expect(task.mustFix).toMatch(/health/);
    const [, deploy, restore] = x.hookCalls();
    expect(deploy).toBe(`0 ${prodRepo}:${sha} ${stagingRepo}:${sha} ${sha} ${prodRepo}:${firstSha}`);
    // The restore: SOURCE_IMAGE = TARGET_IMAGE = what production ran before (ADR 0027).
    expect(restore).toBe(`0 ${prodRepo}:${firstSha} ${prodRepo}:${firstSha} ${firstSha} ${prodRepo}:${sha}`);
    expect(x.hookCalls()).toHaveLength(3);
    expect(x.healthCalls()).toBeGreaterThan(2);
    expect(await current()).toBe(images.a);
    expect((await deployImageHistory(x.h.store.db, x.h.project.id)).map((r) => [r.outcome, r.taskId])).toEqual([
      ['restored', id],
      ['deployed', first],
    ]);
  }, 180_000);

  it('failed health on the first deploy: nothing to restore, so it escalates and is never delivered', async () => {
    const x = await world();
    x.setCodes([0]);
    x.setUnhealthy(true);
    const id = await x.toApproval(1);
    await x.decide(id, 'approve', 222);
    expect((await x.runJob('deploy'))?.type).toBe('done');
    const task = await x.h.task(id);
    expect([task.stage, task.escalated]).toEqual(['deploy', true]);
    expect(task.escalationReason).toContain('there is no previous image to restore');
    expect(x.hookCalls()).toHaveLength(1);
    expect(await current()).toBeNull();
  }, 120_000);

  it('a stale validated image is refused before the hook and staged again; the rebuilt image is what production gets', async () => {
    const x = await world();
    x.setCodes([0]);
    // Staging reports image C for revision S, but C carries another revision (ORCH-058).
    x.staging.next.push(images.c);
    const id = await x.toApproval(1);
    await x.decide(id, 'approve', 222);
    expect((await x.runJob('deploy'))?.type).toBe('done');
    let task = await x.h.task(id);
    expect([task.stage, task.phase]).toEqual(['deploy-staging', 'working']);
    expect(task.lastEvent).toContain(`carries revision ${'f'.repeat(40)}`);
    expect(x.hookCalls()).toEqual([]);
    expect((await x.runJob('staging'))?.type).toBe('done');
    expect(x.staging.calls).toHaveLength(2);
    expect((await pendingApproval(x.h.store.db, id, 'deploy'))?.round).toBe(2);

    // Approved again, the branch moves before the deploy: the image no longer matches it.
    await x.decide(id, 'approve', 222);
    const moved = await pushCommit(x.h.git.remote, `task/${id}`, { 'src/late.ts': 'export const late = 1;\n' }, `${id} late fix`);
    expect((await x.runJob('deploy'))?.type).toBe('done');
    task = await x.h.task(id);
    expect([task.stage, task.phase]).toEqual(['deploy-staging', 'working']);
    expect(x.hookCalls()).toEqual([]);
    expect((await x.runJob('staging'))?.type).toBe('done');
    expect(x.staging.calls.map((c) => c.sha)).toHaveLength(3);
    expect(x.staging.calls[2]!.sha).toBe(moved);
    await x.decide(id, 'approve', 333);
    expect((await x.runJob('deploy'))?.type).toBe('done');
    expect(x.hookCalls()).toEqual([`0 ${prodRepo}:${moved} ${stagingRepo}:${moved} ${moved}`]);
    // Promotion by retag: the production image id is the (re-)staged image id.
    expect((await docker.inspectImage(`${prodRepo}:${moved}`))?.id).toBe(images.a);
    expect((await docker.inspectImage(`${stagingRepo}:${moved}`))?.id).toBe(images.a);
    expect(await current()).toBe(images.a);
    expect((await x.runJob('merge'))?.type).toBe('done');
    expect((await x.h.task(id)).stage).toBe('done');
  }, 180_000);

  it('the card says the deploy runs while the hook runs, and the tracker gets a comment at each outcome', async () => {
    const x = await world({}, true);
    const card = async (id: string, locale: 'en' | 'ru' = 'en') =>
      renderCard((await buildCardView(x.h.store, x.h.queue, new Map([[x.h.project.id, x.h.project]]), id, 3, null))!, locale, Date.now(), 'text');
    const fromTracker = (id: string, n: number) =>
      x.h.store.sqlite.prepare(`UPDATE tasks SET external_id = ?, external_url = ? WHERE id = ?`).run(`issue-${n}`, `https://plane.test/issues/${n}`, id);
    const comments = (id: string) =>
      (x.h.store.sqlite.prepare(`SELECT payload FROM jobs WHERE kind = 'tracker' AND task_id = ? ORDER BY id`).all(id) as { payload: string }[])
        .map((r) => JSON.parse(r.payload) as { action: string; html: string })
        .filter((p) => p.action === 'comment' && /Production deploy|Deployed to production/.test(p.html))
        .map((p) => p.html);

    x.setCodes(['wait']);
    const delivered = await x.toApproval(1);
    fromTracker(delivered, 1);
    expect(await card(delivered)).toContain('⏳ waiting for: production approval by 222, 333, or 111');
    await x.decide(delivered, 'approve', 222);
    expect(await card(delivered)).toMatch(/waiting for: deploy queued/);
    const running = x.runJob('deploy');
    await waitFor(() => x.hookCalls().length > 0, 60_000, () => 'the deploy hook to start');
    expect(await card(delivered)).toMatch(/⏳ waiting for: deploy running/);
    // The hook's start queues a card edit: nothing else moves while it runs.
    expect(x.h.store.sqlite.prepare(`SELECT count(*) AS n FROM outbox WHERE kind = 'card' AND task_id = ? AND payload LIKE '%deploy-hook%'`).get(delivered)).toEqual({ n: 1 });
    expect(await card(delivered, 'ru')).toMatch(/⏳ ждём деплой идёт/);
    x.release();
    expect((await running)?.type).toBe('done');
    expect(await card(delivered)).not.toContain('deploy running');
    expect(comments(delivered).at(-1)).toContain(`Deployed to production: ${prodRepo}:`);
    expect((await x.runJob('merge'))?.type).toBe('done');

    x.setCodes([1]);
    const failed = await x.toApproval(2);
    fromTracker(failed, 2);
    await x.decide(failed, 'approve', 222);
    await x.runJob('deploy');
    expect(comments(failed).at(-1)).toContain('Production deploy failed, back to development: The deploy hook failed before changing production (exit 1).');

    x.setCodes([7]);
    const unknown = await x.toApproval(3);
    fromTracker(unknown, 3);
    await x.decide(unknown, 'approve', 222);
    await x.runJob('deploy');
    expect(comments(unknown).at(-1)).toContain('Production deploy needs a person: production state unknown');
    expect((await x.h.handle({ type: 'TaskCancelled', key: `cancel:${unknown}`, taskId: unknown, reason: 'checked by hand', actor: 'telegram:222:Ann' })).type).toBe('applied');

    x.staging.next.push(images.c);
    const stale = await x.toApproval(4);
    fromTracker(stale, 4);
    await x.decide(stale, 'approve', 222);
    await x.runJob('deploy');
    expect(comments(stale).at(-1)).toContain('Production deploy not started, staging again: the validated image');
  }, 180_000);
});
