/**
 * Incident class 6: a CI status for a commit no branch head is known at (the push event was lost or
 * never carried a sha). With one task in development for the repository the status is resolved to
 * it; with two it is ambiguous and not resolved: nothing moves, nothing is said.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resolveStatusOwner } from '../../core/reconciler/status-owner.ts';
import { GRACE_MS, ReconcilerWorld } from '../support/reconciler-harness.ts';

const UNKNOWN = 'f00d'.padEnd(40, '9');
let world: ReconcilerWorld;
afterEach(async () => world.cleanup());

describe('incident 6: a status for an unknown sha', () => {
  it('one task in development for the repo: resolved to it, adopted as its head, and it advances', async () => {
    world = await ReconcilerWorld.start();
    const id = await world.awaitingCi(null);
    await world.create(); // another task of the repo, still in analysis: not a candidate owner
    await world.storeStatus(UNKNOWN, 'success');
    expect(await resolveStatusOwner(world.store.db, world.projects, 'acme/shop', UNKNOWN)).toMatchObject({ type: 'fallback', task: { id } });
    world.advance(GRACE_MS);
    const report = await world.reconciler().runPass({ dryRun: false, actor: 'reconciler' });
    expect(report.unblocked).toEqual([{ taskId: id, reason: `CI green on ${UNKNOWN.slice(0, 7)}, a commit no branch head was known at (the only task in development)` }]);
    expect(await world.task(id)).toMatchObject({ stage: 'review', headSha: UNKNOWN });
    expect(await resolveStatusOwner(world.store.db, world.projects, 'acme/shop', UNKNOWN)).toMatchObject({ type: 'head', task: { id } });
  });

  it('two tasks in development for the repo: ambiguous, not resolved, nothing moves or is said', async () => {
    world = await ReconcilerWorld.start();
    const first = await world.awaitingCi(null);
    const second = await world.awaitingCi(null);
    await world.storeStatus(UNKNOWN, 'success');
    expect(await resolveStatusOwner(world.store.db, world.projects, 'acme/shop', UNKNOWN)).toEqual({ type: 'unresolved', reason: 'ambiguous: several tasks in development for acme/shop' });
    const outbox = world.count('outbox');
    const transitions = world.count('transitions');
    const reconciler = world.reconciler();
    for (let pass = 0; pass < 3; pass++) {
      world.advance(GRACE_MS);
      const report = await reconciler.runPass({ dryRun: false, actor: 'reconciler' });
      expect(report.unblocked).toEqual([]);
      expect(report.skipped.map((s) => s.taskId).sort()).toEqual([first, second].sort());
      expect(report.skipped[0]!.reason).toMatch(/^CI status for unknown commit f00d999 not resolved \(ambiguous/);
    }
    expect(await world.task(first)).toMatchObject({ stage: 'development', headSha: null });
    expect(await world.task(second)).toMatchObject({ stage: 'development', headSha: null });
    expect(world.count('outbox')).toBe(outbox);
    expect(world.count('transitions')).toBe(transitions);
  });

  it('a red status for the unknown sha resolves but stays silent', async () => {
    world = await ReconcilerWorld.start();
    const id = await world.awaitingCi(null);
    await world.storeStatus(UNKNOWN, 'failure');
    const outbox = world.count('outbox');
    world.advance(GRACE_MS);
    const report = await world.reconciler().runPass({ dryRun: false, actor: 'reconciler' });
    expect(report).toMatchObject({ unblocked: [], skipped: [] });
    expect(await world.task(id)).toMatchObject({ stage: 'development', headSha: null, rollbacks: 0 });
    expect(world.count('outbox')).toBe(outbox);
  });

  it('with a forge to ask, the branch head settles it: no guess, even with two tasks in development', async () => {
    world = await ReconcilerWorld.start({ gitea: true });
    const first = await world.awaitingCi(null);
    const second = await world.awaitingCi(null);
    world.gitea!.state.setBranchHead('acme/shop', `task/${first}`, UNKNOWN);
    world.gitea!.state.postStatus('acme/shop', UNKNOWN, { state: 'success' });
    await world.storeStatus(UNKNOWN, 'success');
    world.advance(GRACE_MS);
    const report = await world.reconciler().runPass({ dryRun: false, actor: 'reconciler' });
    expect(report.unblocked.map((u) => u.taskId)).toEqual([first]);
    expect(await world.task(first)).toMatchObject({ stage: 'review', headSha: UNKNOWN });
    expect(await world.task(second)).toMatchObject({ stage: 'development', headSha: null });
  });

  it('a status whose sha is a task head resolves by the head, whatever else is in development', async () => {
    world = await ReconcilerWorld.start();
    const head = 'abc'.padEnd(40, '0');
    const owner = await world.awaitingCi(head);
    await world.awaitingCi(null);
    expect(await resolveStatusOwner(world.store.db, world.projects, 'acme/shop', head)).toMatchObject({ type: 'head', task: { id: owner } });
    expect(await resolveStatusOwner(world.store.db, world.projects, 'other/repo', head)).toEqual({ type: 'unresolved', reason: 'no project for other/repo' });
  });
});
