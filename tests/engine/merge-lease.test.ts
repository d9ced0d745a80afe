/**
 * The merge lease across the merge phase (ADR 0023), with real git and the real local CI runner:
 * the second task waits (deferred, never red, never an attempt) and sees its position, is woken
 * when the holder merges, is rebased and re-tested; a wait past ORCH_MERGE_MAX_WAIT_S escalates
 * with the reason; a lease store that cannot be read merges nothing; a holder that left the phase
 * or stopped renewing loses the lease; in forge mode without a ciCommand a rebased head waits for
 * the forge's status (the reconciler covers a lost one) and is merged by API with its sha as guard.
 */
import { mapInOrder } from '../../core/map-in-order.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { GiteaClient } from '../../adapters/gitea/gitea-client.ts';
import { GiteaForgeReader } from '../../adapters/gitea/gitea-forge-reader.ts';
import { buildCardView } from '../../core/notify/card-view.ts';
import { buildQueueView } from '../../core/notify/queue-view.ts';
import { ciProbe } from '../../core/reconciler/ci-probe.ts';
import { mergeLeaseHolder } from '../../core/store/merge-lease.ts';
import { renderCard } from '../../bot/render/render-card.ts';
import { renderQueue } from '../../bot/render/render-queue.ts';
import { git, remoteFile, remoteSha } from '../support/git-fixtures.ts';
import { mergePhaseHarness, type MergePhaseHarness } from '../support/merge-phase-harness.ts';

/** Passes while at most one `parts/*.txt` exists: each task alone passes, two together fail. */
const CI = `sh -c 'n=$(ls parts 2>/dev/null | wc -l); if [ "$n" -gt 1 ]; then echo "semantic clash: $n parts, at most 1 allowed"; exit 1; fi'`;
let h: MergePhaseHarness;
afterEach(async () => h.cleanup());

describe('the merge lease', () => {
  it('rebases the second task onto the first merge, re-tests it and rolls it back with the failure', async () => {
    h = await mergePhaseHarness({ ciCommand: CI });
    const one = await h.taskPassingTests(1, { 'parts/one.txt': '1\n' });
    h.clock.advance(10);
    const two = await h.taskPassingTests(2, { 'parts/two.txt': '2\n' });
    expect((await mergeLeaseHolder(h.store.db, 'SHOP'))?.holder).toBe(one);

    expect(await h.runJob('merge')).toMatchObject({ type: 'done', event: { type: 'Merged' } }); // SHOP-1's job is claimed first
    expect((await h.task(one)).stage).toBe('done');
    expect(await mergeLeaseHolder(h.store.db, 'SHOP')).toBeNull(); // released with the merge
    const mainAfterOne = await remoteSha(h.git.remote, 'main');

    const red = await h.runJob('merge');
    expect(red).toMatchObject({ type: 'done', event: { type: 'MergeFailed' } });
    const task = await h.task(two);
    expect(task).toMatchObject({ stage: 'development', rollbacks: 1, mergeQueuedAt: null });
    expect(task.mustFix).toContain('CI failed after rebasing onto main');
    expect(task.mustFix).toContain('semantic clash: 2 parts');
    expect(await remoteSha(h.git.remote, 'main')).toBe(mainAfterOne);
    expect(await mergeLeaseHolder(h.store.db, 'SHOP')).toBeNull();
  });

  it('defers a waiter without counting attempts, shows holder and position, and wakes it on release', async () => {
    h = await mergePhaseHarness({ ciCommand: CI });
    const one = await h.taskPassingTests(1, { 'parts/one.txt': '1\n' });
    h.clock.advance(10);
    const two = await h.taskPassingTests(2, { 'notes/two.txt': '2\n' });
    h.clock.advance(10);
    const three = await h.taskPassingTests(3, { 'notes/three.txt': '3\n' });
    // Let the waiters run first: make SHOP-1's job due later.
    h.store.sqlite
      .prepare(`UPDATE jobs SET available_at = available_at + 3600000 WHERE task_id = ?`)
      .run(one);
    expect(await h.runJob('merge')).toMatchObject({
      type: 'defer',
      reason: `waiting for merge lease held by ${one}`,
    });
    expect(await h.runJob('merge')).toMatchObject({ type: 'defer' });
    const job = (await h.queue.activeForTask(three)).find((j) => j.kind === 'merge');
    expect(job).toMatchObject({ state: 'queued', attempts: 0 });

    const card = await buildCardView(h.store, h.queue, new Map([[h.project.id, h.project]]), three, 3, null);
    expect(renderCard(card!, 'en', h.clock.now(), 'text')).toContain(
      `🔒 waiting for merge lease: ${one} · position 2`,
    );
    expect(renderCard(card!, 'ru', h.clock.now(), 'text')).toContain(
      `🔒 ждёт очереди на слияние: ${one} · позиция 2`,
    );
    const queue = renderQueue(await buildQueueView(h.store, h.queue, 2), 'en', h.clock.now());
    expect(queue).toContain(`SHOP merge queue: holder ${one} · waiting 1. ${two}, 2. ${three}`);

    h.store.sqlite.prepare(`UPDATE jobs SET available_at = ? WHERE task_id = ?`).run(h.clock.now(), one);
    expect(await h.runJob('merge')).toMatchObject({ type: 'done', event: { type: 'Merged' } });
    // The release made the waiters' jobs due now, although their backoff had not passed.
    expect(await h.runJob('merge')).toMatchObject({ type: 'done', event: { type: 'Merged' } });
    expect(await h.runJob('merge')).toMatchObject({ type: 'done', event: { type: 'Merged' } });
    expect((await mapInOrder([one, two, three], (id) => h.task(id))).map((t) => t.stage)).toEqual(['done', 'done', 'done']);
    expect(await remoteFile(h.git.remote, 'main', 'notes/three.txt')).toBe('3');
  });

  it('cancelling the holder releases the lease in the same transaction and wakes the waiter', async () => {
    h = await mergePhaseHarness({ ciCommand: CI });
    const one = await h.taskPassingTests(1, { 'notes/one.txt': '1\n' });
    const two = await h.taskPassingTests(2, { 'notes/two.txt': '2\n' });
    h.store.sqlite
      .prepare(`UPDATE jobs SET available_at = available_at + 3600000 WHERE task_id = ?`)
      .run(one);
    expect(await h.runJob('merge')).toMatchObject({ type: 'defer' });
    expect((await h.queue.activeForTask(two))[0]!.availableAt).toBeGreaterThan(h.clock.now());
    await h.handle({
      type: 'TaskCancelled',
      key: 'cancel:1',
      taskId: one,
      reason: 'not needed',
      actor: 'telegram:111',
    });
    expect(await mergeLeaseHolder(h.store.db, 'SHOP')).toBeNull();
    expect((await h.queue.activeForTask(two))[0]!.availableAt).toBeLessThanOrEqual(h.clock.now());
    expect(await h.runJob('merge')).toMatchObject({ type: 'done', event: { type: 'Merged' } });
    expect((await h.task(two)).stage).toBe('done');
  });

  it('escalates a task that waited longer than ORCH_MERGE_MAX_WAIT_S, naming the holder', async () => {
    h = await mergePhaseHarness({ ciCommand: CI, mergeMaxWaitMs: 60_000 });
    const one = await h.taskPassingTests(1, { 'parts/one.txt': '1\n' });
    const two = await h.taskPassingTests(2, { 'notes/two.txt': '2\n' });
    h.store.sqlite
      .prepare(`UPDATE jobs SET available_at = available_at + 3600000 WHERE task_id = ?`)
      .run(one);
    expect(await h.runJob('merge')).toMatchObject({ type: 'defer' });
    h.clock.advance(61_000);
    expect(await h.runJob('merge')).toMatchObject({ type: 'done', event: { type: 'MergeBlocked' } });
    expect(await h.task(two)).toMatchObject({ escalated: true, mergeQueuedAt: null });
    expect((await h.task(two)).escalationReason).toMatch(
      new RegExp(`merge lease held by ${one} \\(ORCH_MERGE_MAX_WAIT_S=60\\)`),
    );
    expect((await mergeLeaseHolder(h.store.db, 'SHOP'))?.holder).toBe(one);
  });

  it('merges nothing while the lease store cannot be read', async () => {
    h = await mergePhaseHarness({ ciCommand: CI });
    const one = await h.taskPassingTests(1, { 'parts/one.txt': '1\n' });
    const before = await remoteSha(h.git.remote, 'main');
    h.store.sqlite.exec('ALTER TABLE leases RENAME TO leases_unreadable');
    expect(await h.runJob('merge')).toMatchObject({
      type: 'failed',
      error: expect.stringMatching(/no such table: leases/),
    });
    expect(await remoteSha(h.git.remote, 'main')).toBe(before);
    expect((await h.task(one)).stage).toBe('testing');
    h.store.sqlite.exec('ALTER TABLE leases_unreadable RENAME TO leases');
    h.store.sqlite.prepare(`UPDATE jobs SET available_at = 0 WHERE task_id = ?`).run(one);
    expect(await h.runJob('merge')).toMatchObject({ type: 'done', event: { type: 'Merged' } });
  });

  it('reclaims a lease whose holder left the merge phase, or whose expiry passed without renewal', async () => {
    h = await mergePhaseHarness({ ciCommand: CI });
    const one = await h.taskPassingTests(1, { 'notes/one.txt': '1\n' });
    const two = await h.taskPassingTests(2, { 'notes/two.txt': '2\n' });
    // SHOP-1 holds it but is back in development (a crash between the move and the release).
    h.store.sqlite.prepare(`UPDATE tasks SET stage = 'development', phase = 'working' WHERE id = ?`).run(one);
    h.store.sqlite.prepare(`UPDATE jobs SET state = 'cancelled' WHERE task_id = ?`).run(one);
    expect(await h.runJob('merge')).toMatchObject({ type: 'done', event: { type: 'Merged' } });
    expect((await h.task(two)).stage).toBe('done');

    const three = await h.taskPassingTests(3, { 'notes/three.txt': '3\n' });
    const four = await h.taskPassingTests(4, { 'notes/four.txt': '4\n' });
    expect((await mergeLeaseHolder(h.store.db, 'SHOP'))?.holder).toBe(three);
    h.store.sqlite.prepare(`UPDATE jobs SET state = 'cancelled' WHERE task_id = ?`).run(three);
    expect(await h.runJob('merge')).toMatchObject({ type: 'defer' }); // SHOP-3 is still in the phase and its lease is live
    h.clock.advance(3 * 60_000); // no renewal: expired
    h.store.sqlite.prepare(`UPDATE jobs SET available_at = 0 WHERE task_id = ?`).run(four);
    expect(await h.runJob('merge')).toMatchObject({ type: 'done', event: { type: 'Merged' } });
    expect((await h.task(four)).stage).toBe('done');
  });
});

describe("the merge step lands with the project's git policy (local path)", () => {
  it.each(['squash', 'merge', 'rebase', 'fast-forward'] as const)('%s: the re-tested tree lands, the card gets the sha on main, the commit has the identity', async (mergeMethod) => {
    h = await mergePhaseHarness({ ciCommand: 'true', git: { mergeMethod, authorName: 'Shop Bot', authorEmail: 'bot@acme.test' } });
    const one = await h.taskPassingTests(1, { 'notes/one.txt': '1\n' });
    h.clock.advance(10);
    const two = await h.taskPassingTests(2, { 'notes/two.txt': '2\n' });
    expect(await h.runJob('merge')).toMatchObject({ type: 'done', event: { type: 'Merged' } });
    const before = await remoteSha(h.git.remote, 'main');
    // SHOP-2 is behind main now: caught up (rebased), re-tested with the ciCommand, landed.
    const landed = await h.runJob('merge');
    const main = await remoteSha(h.git.remote, 'main');
    const tested = await remoteSha(h.git.remote, `task/${two}`);
    expect(landed).toMatchObject({ type: 'done', event: { type: 'Merged', sha: main } });
    expect(await h.task(two)).toMatchObject({ stage: 'done', headSha: main });
    expect(await git(h.git.remote, ['rev-parse', 'main^{tree}'])).toBe(await git(h.git.remote, ['rev-parse', `${tested}^{tree}`]));
    const parents = (await git(h.git.remote, ['log', '-1', '--format=%P', 'main'])).split(' ');
    const subject = await git(h.git.remote, ['log', '-1', '--format=%s', 'main']);
    if (mergeMethod === 'squash') expect({ parents, subject }).toEqual({ parents: [before], subject: `${two}: Task 2` });
    if (mergeMethod === 'merge') expect({ parents, subject }).toEqual({ parents: [before, tested], subject: `Merge ${two}: Task 2` });
    if (mergeMethod === 'rebase' || mergeMethod === 'fast-forward') expect(main).toBe(tested);
    expect(await git(h.git.remote, ['log', '-1', '--format=%cn <%ce>', 'main'])).toBe('Shop Bot <bot@acme.test>');
    expect((await h.task(one)).stage).toBe('done');
  });
});

describe('forge mode without a ciCommand', () => {
  it("waits for the forge's status on the rebased head (a lost one is found by the reconciler) and merges the PR with that sha as guard", async () => {
    h = await mergePhaseHarness({ forge: true });
    const one = await h.taskPassingTests(1, { 'notes/one.txt': '1\n' });
    const two = await h.taskPassingTests(2, { 'notes/two.txt': '2\n' });
    const first = await h.runJob('merge');
    // Squashed by the forge's API (the default method): one commit "<ID>: <title>" on the old main.
    expect(first).toMatchObject({ type: 'done', event: { type: 'Merged', sha: await remoteSha(h.git.remote, 'main') } });
    expect(await git(h.git.remote, ['log', '-1', '--format=%s', 'main'])).toBe(`${one}: Task 1`);
    expect((await git(h.git.remote, ['log', '-1', '--format=%P', 'main'])).split(' ')).toHaveLength(1);

    const retest = await h.runJob('merge');
    expect(retest).toMatchObject({ type: 'done', event: { type: 'MergeRetestRequested' } });
    const rebased = (retest as { event: { sha: string } }).event.sha;
    expect(await h.task(two)).toMatchObject({ stage: 'testing', phase: 'awaiting-ci', headSha: rebased });
    expect((await mergeLeaseHolder(h.store.db, 'SHOP'))?.holder).toBe(two);
    expect(await h.queue.activeForTask(two)).toHaveLength(0);

    // The forge's CI posts green but the webhook is lost: the reconciler's CI side replays it.
    h.gitea!.state.postStatus(h.project.repo, rebased, { state: 'success', context: 'ci/forge' });
    const reader = new GiteaForgeReader(
      new GiteaClient({ baseUrl: h.gitea!.url, token: 'tok', timeoutMs: 5000 }),
    );
    const probe = await ciProbe(new Map([[h.project.id, h.project]]), reader)(await h.task(two));
    if (probe.type !== 'unblock') throw new Error(`reconciler found nothing: ${JSON.stringify(probe)}`);
    for (const event of probe.events) await h.handle(event);
    expect(await h.task(two)).toMatchObject({ phase: 'merging' });

    const before = await remoteSha(h.git.remote, 'main');
    const landed = await h.runJob('merge');
    // The forge squashed exactly the tested head: its tree, on the main it was rebased onto; the
    // card's sha is the one now on main.
    const main = await remoteSha(h.git.remote, 'main');
    expect(landed).toMatchObject({ type: 'done', event: { type: 'Merged', sha: main } });
    expect(await git(h.git.remote, ['rev-parse', 'main^{tree}'])).toBe(await git(h.git.remote, ['rev-parse', `${rebased}^{tree}`]));
    expect(await git(h.git.remote, ['log', '-1', '--format=%P', 'main'])).toBe(before);
    expect(await h.task(two)).toMatchObject({ stage: 'done', headSha: main });
    expect(await remoteFile(h.git.remote, 'main', 'notes/two.txt')).toBe('2');
    expect((await h.task(one)).stage).toBe('done');
  });

  it("merges in the project's style: mergeMethod merge makes the forge write a merge commit of the tested head", async () => {
    h = await mergePhaseHarness({ forge: true, git: { mergeMethod: 'merge' } });
    const one = await h.taskPassingTests(1, { 'notes/one.txt': '1\n' });
    const tested = (await h.task(one)).headSha;
    const before = await remoteSha(h.git.remote, 'main');
    const merged = await h.runJob('merge');
    const main = await remoteSha(h.git.remote, 'main');
    expect(merged).toMatchObject({ type: 'done', event: { type: 'Merged', sha: main } });
    expect((await git(h.git.remote, ['log', '-1', '--format=%P', 'main'])).split(' ')).toEqual([before, tested]);
    expect(await git(h.git.remote, ['log', '-1', '--format=%s', 'main'])).toBe(`Merge ${one}: Task 1`);
  });

  it('a red forge status on the rebased head rolls the task back with it', async () => {
    h = await mergePhaseHarness({ forge: true });
    await h.taskPassingTests(1, { 'notes/one.txt': '1\n' });
    const two = await h.taskPassingTests(2, { 'notes/two.txt': '2\n' });
    await h.runJob('merge');
    const retest = await h.runJob('merge');
    const rebased = (retest as { event: { sha: string } }).event.sha;
    await h.handle({
      type: 'CiStatusReported',
      key: 'status:red',
      taskId: two,
      sha: rebased,
      state: 'failure',
      detail: 'ci/forge: 3 tests failed',
      actor: 'forge',
    });
    expect(await h.task(two)).toMatchObject({
      stage: 'development',
      rollbacks: 1,
      mustFix: expect.stringContaining('3 tests failed'),
    });
    expect(await mergeLeaseHolder(h.store.db, 'SHOP')).toBeNull();
  });
});
